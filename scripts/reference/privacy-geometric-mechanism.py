#!/usr/bin/env python3
"""Reference values for the two-sided geometric mechanism, from scipy.stats.dlaplace.

dlaplace(a) has pmf tanh(a/2) exp(-a|k|), which is the two-sided geometric distribution with
alpha = exp(-a); for a count of sensitivity Delta released at epsilon, a = epsilon / Delta.
E|X| is summed from the pmf by scipy (not the closed form), so the test checks our formula too.

Run: python3 scripts/reference/privacy-geometric-mechanism.py > packages/engine/test/fixtures/reference/privacy-geometric-mechanism.json
"""
import json
import math
import sys

import scipy
from scipy.stats import chi2, dlaplace

cases = []
for eps, delta in [(1.0, 1), (0.5, 1), (0.1, 1), (1.0, 2), (2.0, 3)]:
    a = eps / delta
    d = dlaplace(a)
    mean_abs = d.expect(lambda x: abs(x))
    var = d.var()
    sd_abs = math.sqrt(var - mean_abs ** 2)
    # smallest h with P(|X| <= h) >= 0.95
    h = 0
    while d.cdf(h) - d.cdf(-h - 1) < 0.95:
        h += 1
    ks = list(range(-6, 7))
    cases.append({
        "epsilon": eps,
        "sensitivity": delta,
        "alpha": math.exp(-a),
        "meanAbsolute": mean_abs,
        "variance": var,
        "sdAbsolute": sd_abs,
        "halfWidth95": h,
        "pmf": {str(k): d.pmf(k) for k in ks},
    })

json.dump({
    "source": f"scipy {scipy.__version__} scipy.stats.dlaplace; script scripts/reference/privacy-geometric-mechanism.py",
    "cases": cases,
    # goodness-of-fit threshold for 13 bins (-6..6) plus two tails = 15 bins, 14 degrees of freedom
    "chi2Critical999df14": chi2.ppf(0.999, 14),
}, sys.stdout, indent=2)
print()
