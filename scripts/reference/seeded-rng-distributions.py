#!/usr/bin/env python3
"""Reference CDF values for engine/random's distributions (scipy.stats).

The engine test draws many samples with a fixed seed and compares the empirical CDF at these points
with scipy's CDF, within 4.5 binomial standard errors, and the sample mean and variance with theirs.

Run: python3 scripts/reference/seeded-rng-distributions.py > packages/engine/test/fixtures/reference/seeded-rng-distributions.json
"""
import json
import scipy
from scipy import stats

out = {"generatedBy": "scripts/reference/seeded-rng-distributions.py", "scipy": scipy.__version__, "cases": []}
for lam in [0.4, 3.5, 29.0, 45.0, 250.0]:
    d = stats.poisson(lam)
    lo, hi = int(d.ppf(0.01)), int(d.ppf(0.99))
    pts = sorted(set([lo, int(d.ppf(0.25)), int(d.median()), int(d.ppf(0.75)), hi]))
    out["cases"].append({"dist": "poisson", "params": {"lambda": lam}, "mean": float(d.mean()), "var": float(d.var()),
                         "cdf": [{"x": x, "p": float(d.cdf(x))} for x in pts]})
for mean, sd in [(0.0, 1.0), (10.0, 3.0)]:
    d = stats.norm(mean, sd)
    pts = [mean + sd * z for z in (-2.0, -1.0, -0.3, 0.0, 0.5, 1.5)]
    out["cases"].append({"dist": "normal", "params": {"mean": mean, "sd": sd}, "mean": mean, "var": sd * sd,
                         "cdf": [{"x": x, "p": float(d.cdf(x))} for x in pts]})
for mean in [0.5, 48.0]:
    d = stats.expon(scale=mean)
    pts = [mean * q for q in (0.05, 0.3, 1.0, 2.0, 4.0)]
    out["cases"].append({"dist": "exponential", "params": {"mean": mean}, "mean": mean, "var": mean * mean,
                         "cdf": [{"x": x, "p": float(d.cdf(x))} for x in pts]})
print(json.dumps(out, indent=1))
