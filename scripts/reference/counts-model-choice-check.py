# Reference check of the count-forecast model choice (backtest-selected): recomputes with numpy and
# scipy.stats.poisson the three benchmark candidates' mean CRPS (explicit summation), MAE of the median
# and 50% / 90% central-interval coverage on the 24 origins before the forecast origin, from the panel
# written by counts-model-choice-input.ts, and prints them beside the engine's. Run:
#   python3 scripts/reference/counts-model-choice-check.py <panel.json>
import json, sys
import numpy as np
from scipy.stats import poisson

d = json.load(open(sys.argv[1]))
U, T = d['U'], d['T']
y = np.array(d['counts']).reshape(U, T)
def crps_cdf(F, k, obs):  # sum over k of (F(k) - 1{k >= obs})^2, support 0..K plus tail ~0
    return np.sum((F - (k >= obs)) ** 2)
def q(F, k, p): return k[np.argmax(F >= p - 1e-12)]
res = {}
for m in ['last-value-poisson', 'historical-mean-poisson', 'bootstrap-past-values']:
    s = ae = c50 = c90 = n = 0
    for o in range(T - 24, T):
        for u in range(U):
            obs = y[u, o]
            if m == 'bootstrap-past-values':
                past = y[u, :o]; K = int(max(past.max(), obs)) + 1
                k = np.arange(K + 1); F = np.array([(past <= j).mean() for j in k])
            else:
                mu = y[u, o - 1] if m == 'last-value-poisson' else y[u, :o].mean()
                K = int(max(obs, poisson.ppf(1 - 1e-15, mu) if mu > 0 else 0)) + 50
                k = np.arange(K + 1); F = poisson.cdf(k, mu) if mu > 0 else np.ones(K + 1)
            s += crps_cdf(F, k, obs); n += 1
            ae += abs(q(F, k, 0.5) - obs)
            c50 += q(F, k, 0.25) <= obs <= q(F, k, 0.75)
            c90 += q(F, k, 0.05) <= obs <= q(F, k, 0.95)
    res[m] = dict(cases=n, meanCrps=s / n, mae=ae / n, c50=c50 / n, c90=c90 / n)
eng = {c['model']: c for c in d['selection']['candidates']}
for m, r in res.items():
    e = eng[m]
    print(f"{m:26s} python CRPS {r['meanCrps']:.10f} MAE {r['mae']:.6f} c50 {r['c50']:.6f} c90 {r['c90']:.6f} | engine {e['meanCrps']:.10f} {e['meanAbsoluteError']:.6f} {e['coverage50']:.6f} {e['coverage90']:.6f} | rel diff CRPS {abs(r['meanCrps']-e['meanCrps'])/e['meanCrps']:.1e}")
print('chosen', d['selection']['chosen'])
