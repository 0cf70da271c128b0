"""Reference values for Sen's slope (packages/engine/src/stats/sens-slope.ts) from scipy.stats.theilslopes.

scipy's interval (Sen 1968 eq. 2.6, variance corrected for ties in x and y, ranks rounded half to
even) is the same construction as R trend::sens.slope, which Debian does not package; this is the
library check beside the hand-coded R in temporal-stats.R.
Run: /usr/bin/python3 scripts/reference/temporal-sens.py > packages/engine/test/fixtures/reference/temporal-sens.json
"""
import json
import numpy as np
import scipy
from scipy.stats import theilslopes

rng = np.random.default_rng(7)
cases = [
    [12, 15, 11, 18, 20, 17, 22, 25, 21, 27, 30, 26],
    [5, 5, 6, 5, 7, 5, 8, 5, 6, 9, 5, 10, 4, 11],
    [40, 38, 41, 35, 33, 36, 30, 29, 31, 27, 25, 24, 26, 22, 20, 21, 19, 18, 17, 15],
    rng.poisson(20 + 0.4 * np.arange(48)).tolist(),
    rng.poisson(6, 120).tolist(),
    [0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0, 3, 0, 0, 1],
]
out = []
for y in cases:
    for conf in (0.95, 0.90):
        r = theilslopes(y, np.arange(1, len(y) + 1), alpha=conf)
        out.append({'values': [float(v) for v in y], 'confidence': conf, 'slope': float(r[0]), 'intercept': float(r[1]),
                    'lower': float(r[2]), 'upper': float(r[3])})
print(json.dumps({'generator': 'scipy %s stats.theilslopes (method separate)' % scipy.__version__, 'cases': out}, indent=1))
