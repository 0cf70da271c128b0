#!/usr/bin/env python3
"""Reference values for packages/engine/src/forecast/counts/recent-rate-gamma-poisson.ts.

Independent re-computation with numpy and scipy.stats.nbinom of the recent-rate gamma-Poisson
predictive on a small fixed panel (5 districts x 30 months, counts below), for half-lives 3, 12 and
all history (inf): weights 0.5 ** (age / H), moment prior across districts, NB posterior predictive
pmf for k = 0..14. Also the CRPS of each predictive against an outcome, by explicit summation of
(F(k) - 1{k >= y})^2 over k = 0..2000 with scipy's cdf.

Run: python3 scripts/reference/counts-recent-rate-gamma-poisson.py > packages/engine/test/fixtures/reference/counts-recent-rate.json
"""
import json
import numpy as np
import scipy
from scipy import stats

U, T = 5, 30
rng = np.random.default_rng(20261127)
rates = np.array([0.1, 0.4, 1.0, 2.5, 0.0])
counts = np.zeros((U, T), dtype=int)
for u in range(U):
    r = rates[u] * (1 + (np.arange(T) >= 20) * (u % 2))  # districts 1 and 3 double from month 20
    counts[u] = rng.poisson(r)
counts[4, 5] = 1  # one event in the otherwise empty district
origin = 28  # columns 0..27 are history
outcomes = counts[:, origin].tolist()

cases = []
for H in [3.0, 12.0, float('inf')]:
    age = (origin - 1 - np.arange(origin)).astype(float)
    w = np.ones(origin) if np.isinf(H) else 0.5 ** (age / H)
    n = w.sum()
    s = (counts[:, :origin] * w).sum(axis=1)
    m = s / n
    m0 = m.mean()
    v = max(((m - m0) ** 2).mean() - m0 / n, 1e-6)
    beta = m0 / v
    alpha = m0 * beta
    size = alpha + s
    mu = size / (beta + n)
    p = size / (size + mu)
    ks = np.arange(15)
    pmf = [stats.nbinom.pmf(ks, size[u], p[u]).tolist() for u in range(U)]
    kk = np.arange(2001)
    crps = []
    for u in range(U):
        F = stats.nbinom.cdf(kk, size[u], p[u])
        crps.append(float(((F - (kk >= outcomes[u])) ** 2).sum()))
    cases.append({'halfLife': None if np.isinf(H) else H, 'alpha': alpha, 'beta': beta, 'weightSum': n,
                  'mean': mu.tolist(), 'pmf': pmf, 'crps': crps})

print(json.dumps({
    'generator': f'scripts/reference/counts-recent-rate-gamma-poisson.py (numpy {np.__version__}, scipy {scipy.__version__})',
    'units': U, 'periods': T, 'origin': origin, 'counts': counts.flatten().tolist(), 'outcomes': outcomes,
    'cases': cases,
}, indent=None))
