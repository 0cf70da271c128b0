"""Reference values for the Gaussian kernel density (scipy.stats.gaussian_kde) on REAL data.

UCDP GED events in Balochistan (where_prec 1-2) from the hotspot input fixture, projected to metres
with a local equirectangular projection (x = R (lon - lon0) cos(lat0), y = R (lat - lat0), radians,
R = 6371008.8 m, lon0/lat0 = 66/29 degrees), evaluated at the pixel centres of a 25 km grid.
scipy's kernel covariance is factor^2 x the data covariance (Scott or Silverman factor), weighted
when weights are given; the intensity is n (or sum w) x the density.

Run from the repository root (Debian python with scipy):
  /usr/bin/python3 scripts/reference/hotspots-kde.py
Writes packages/engine/test/fixtures/reference/hotspots-kde-scipy.json
"""
import json
import math

import numpy as np
import scipy
from scipy.stats import gaussian_kde

inp = json.load(open("packages/engine/test/fixtures/reference/hotspots-ucdp-input.json"))
R = 6371008.8
lat0, lon0 = 29.0, 66.0
lat = np.array([e["lat"] for e in inp["events"]])
lon = np.array([e["lon"] for e in inp["events"]])
w = np.array([e["best"] + 1.0 for e in inp["events"]])
x = R * np.radians(lon - lon0) * math.cos(math.radians(lat0))
y = R * np.radians(lat - lat0)

cell = 25000.0
x0 = math.floor((x.min() - 100000) / cell) * cell
y0 = math.floor((y.min() - 100000) / cell) * cell
n_cols = int(math.ceil((x.max() + 100000 - x0) / cell))
n_rows = int(math.ceil((y.max() + 100000 - y0) / cell))
cx = x0 + (np.arange(n_cols) + 0.5) * cell
cy = y0 + (np.arange(n_rows) + 0.5) * cell
gx, gy = np.meshgrid(cx, cy)  # row r = y index (bottom first), column c = x index
pts = np.vstack([gx.ravel(), gy.ravel()])

out = {
    "generatedBy": "scripts/reference/hotspots-kde.py",
    "scipyVersion": scipy.__version__,
    "projection": {"R": R, "lat0": lat0, "lon0": lon0},
    "x": x.tolist(),
    "y": y.tolist(),
    "weights": w.tolist(),
    "grid": {"x0": x0, "y0": y0, "cellSize": cell, "nCols": n_cols, "nRows": n_rows},
}
for name, bw, weights in [("scott", "scott", None), ("silverman", "silverman", None), ("scottWeighted", "scott", w)]:
    kde = gaussian_kde(np.vstack([x, y]), bw_method=bw, weights=weights)
    total = len(x) if weights is None else float(weights.sum())
    out[name] = {
        "covariance": [float(kde.covariance[0, 0]), float(kde.covariance[0, 1]), float(kde.covariance[1, 1])],
        "intensity": (kde.evaluate(pts) * total).tolist(),
    }
json.dump(out, open("packages/engine/test/fixtures/reference/hotspots-kde-scipy.json", "w"))
print("wrote hotspots-kde-scipy.json", n_cols, n_rows)
