"""Reference values for the Knox near-repeat test (packages/engine/src/stats/knox-test.ts).

Brute force: every pair of events, O(n^2) per permutation, numpy's own generator (so Baseerat's
p-values agree only within Monte Carlo error; observed counts must agree exactly).
Run: /usr/bin/python3 scripts/reference/temporal-knox.py > packages/engine/test/fixtures/reference/temporal-knox.json
"""
import json
import numpy as np

rng = np.random.default_rng(20240311)
# 260 events: background spread over 20 km x 20 km and 1 year, plus near-repeat chains
# (a follow-up within 300 m and 10 days) and a few repeats at exactly the same place.
n_bg = 180
x = list(rng.uniform(0, 20000, n_bg).round(1))
y = list(rng.uniform(0, 20000, n_bg).round(1))
t = list(rng.integers(0, 365, n_bg).astype(float))
for k in range(60):
    i = int(rng.integers(0, n_bg))
    x.append(round(x[i] + rng.normal(0, 150), 1)); y.append(round(y[i] + rng.normal(0, 150), 1))
    t.append(float(min(364, t[i] + rng.integers(0, 10))))
for k in range(20):
    i = int(rng.integers(0, n_bg))
    x.append(x[i]); y.append(y[i]); t.append(float(min(364, t[i] + rng.integers(0, 30))))
x, y, t = np.array(x), np.array(y), np.array(t)
n = len(x)
space = [200.0, 400.0, 800.0]
time = [7.0, 14.0, 28.0]

iu = np.triu_indices(n, 1)
d = np.hypot(x[iu[0]] - x[iu[1]], y[iu[0]] - y[iu[1]])
sb = np.where(d <= 0, 0, np.searchsorted(space, d, side='left') + 1)  # (e_{k-1}, e_k] -> k


def table(tt):
    dt = np.abs(tt[iu[0]] - tt[iu[1]])
    tb = np.searchsorted(time, dt, side='left')  # [0, f1] -> 0, (f1, f2] -> 1, ..., beyond -> len
    out = np.zeros((len(space) + 2, len(time) + 1))
    np.add.at(out, (sb, tb), 1)
    return out


obs = table(t)
nperm = 9999
s = np.zeros_like(obs)
ge = np.zeros_like(obs)
for r in range(nperm):
    tab = table(rng.permutation(t))
    s += tab
    ge += tab >= obs
print(json.dumps({
    'generator': 'numpy %s brute-force Knox, %d permutations' % (np.__version__, nperm),
    'x': x.tolist(), 'y': y.tolist(), 't': t.tolist(),
    'spaceBands': space, 'timeBands': time, 'permutations': nperm,
    'observed': obs.tolist(), 'expected': (s / nperm).tolist(), 'pValue': ((1 + ge) / (1 + nperm)).tolist(),
}))
