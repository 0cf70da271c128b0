#!/usr/bin/env python3
"""Reference values for packages/engine/src/monitor/negative-binomial-window-scan.ts.

An independent re-implementation written from the method's definition (not translated from the
TypeScript loop): per period t the baseline is the block of periods [t - W + 1 - L, t - W + 1); it is
fitted with numpy (gamma-prior mean, Pearson dispersion floored at 1), the baseline periods with an
Anscombe residual above c are down-weighted by (c / r)^2 and the fit is repeated; the window total of w
periods is negative binomial NB(w mu, w r), r = mu / (phi - 1), and the log-likelihood ratio is computed
as the difference of two scipy.stats.nbinom.logpmf values (scipy.stats.poisson when phi = 1) rather
than from the closed form. The upper bound is found by stepping the count upward one by one. With
censor=True the periods of each alarmed window and the W - 1 periods after the alarm get weight 0 in
every later baseline. The default baseline is 26 weeks (issue #6; 52 before, kept in the older cases).
With half_life, baseline period j (age t - W - j) is weighted 0.5 ** (age / half_life) in every fit. With
exclude, each candidate window of 1..W consecutive still-included baseline periods is tested against a fit
of the other included periods (unweighted, computed afresh with fit()), by the same scipy likelihood
ratio, and the first window with the largest ratio is dropped when that ratio reaches `exclude` (up to
max_excl windows, windows less than min_excess above their expected total skipped, and only where the
plain scan at gate[0] alarmed at least gate[2] times in the gate[1] periods before the window).
Series: the weekly UCDP Balochistan series of packages/engine/test/fixtures/reference/monitor-ucdp-series.json.

Run: python3 scripts/reference/monitor-window-scan.py > packages/engine/test/fixtures/reference/monitor-window-scan.json
"""
import json
import os
import numpy as np
import scipy
from scipy import stats

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, '../../packages/engine/test/fixtures/reference/monitor-ucdp-series.json')) as f:
    weekly = json.load(f)['weekly']


def fit(y, w, prior, k):
    mu = (np.sum(w * y) + k * prior) / (np.sum(w) + k)
    if np.sum(w) > 1 and mu > 0:
        phi = max(1.0, float(np.sum(w * (y - mu) ** 2 / mu) / (np.sum(w) - 1)))
    else:
        phi = 1.0
    return mu, phi


def log_pmf(y, mean, size):
    if size == np.inf:
        return stats.poisson.logpmf(y, mean)
    return stats.nbinom.logpmf(y, size, size / (size + mean))


def llr(y, e, size):
    if y <= e:
        return 0.0
    # MLE of the mean under kappa >= 1 is the observed total y
    return float(log_pmf(y, y, size) - log_pmf(y, e, size))


def scan(y, W=3, L=26, minL=8, h=4.6, c=2.58, prior_weeks=4.0, prior_mean=None, floor=0.05, restart=True, censor=False,
         half_life=np.inf, exclude=np.inf, max_excl=1, min_excess=0.0, gate=None):
    y = np.asarray(y, dtype=float)
    n = len(y)
    gate_alarms = None
    if gate is not None and exclude != np.inf:
        gate_alarms = np.asarray(scan(y, W=W, L=L, minL=minL, h=gate[0], c=c, prior_weeks=prior_weeks, prior_mean=prior_mean,
                                      floor=floor, restart=restart, censor=censor, half_life=half_life)['alarm'])
    out = {k: [None] * n for k in ['expected', 'dispersion', 'statistic', 'upperbound']}
    out['alarm'] = [0] * n
    out['windowWeeks'] = [0] * n
    last = -1
    # periods of alarmed windows and the W - 1 periods after each alarm, left out of later baselines (censor=True)
    censored = np.zeros(n, dtype=bool)
    for t in range(n):
        to = t - W + 1
        fr = max(0, to - L)
        if to - fr < minL:
            continue
        base = y[fr:to]
        if prior_mean is not None:
            prior, k = prior_mean, prior_weeks
        elif fr > 0:
            prior, k = float(np.mean(y[:fr])), prior_weeks
        else:
            prior, k = 0.0, 0.0
        keep = (~censored[fr:to]).astype(float)
        gate_open = gate_alarms is None or int(np.sum(gate_alarms[max(0, to - gate[1]):to])) >= gate[2]
        if exclude != np.inf and gate_open:
            for _ in range(max_excl):
                top, top_a, top_w = 0.0, -1, 0
                for a in range(len(base)):
                    for win in range(1, W + 1):
                        if a + win > len(base) or np.any(keep[a:a + win] == 0):
                            break
                        rest = keep.copy()
                        rest[a:a + win] = 0
                        if np.sum(rest) < minL:
                            break
                        m_rest, phi_rest = fit(base, rest, prior, k)
                        m_rest = max(floor, m_rest)
                        size_rest = m_rest / (phi_rest - 1) if phi_rest > 1 else np.inf
                        total = float(np.sum(base[a:a + win]))
                        if total - win * m_rest < min_excess:
                            continue
                        v = llr(total, win * m_rest, win * size_rest)
                        if v > top:
                            top, top_a, top_w = v, a, win
                if top_a < 0 or top < exclude:
                    break
                keep[top_a:top_a + top_w] = 0
        if half_life != np.inf:
            keep = keep * 0.5 ** ((to - 1 - np.arange(fr, to)) / half_life)
        mu, phi = fit(base, keep, prior, k)
        if c != np.inf and mu > 0:
            r = 1.5 * (base ** (2 / 3) - mu ** (2 / 3)) / (mu ** (1 / 6) * np.sqrt(phi))
            w = np.where(r > c, (c / np.where(r > 0, r, 1)) ** 2, 1.0)
            if np.any(w < 1):
                mu, phi = fit(base, w * keep, prior, k)
        mu = max(floor, mu)
        size = mu / (phi - 1) if phi > 1 else np.inf
        longest = min(W, t - last) if restart else W
        best, best_w, bound = 0.0, 0, np.inf
        for win in range(1, longest + 1):
            if t - win + 1 < 0:
                break
            total = float(np.sum(y[t - win + 1:t + 1]))
            e, sz = win * mu, win * size
            v = llr(total, e, sz)
            if v > best:
                best, best_w = v, win
            m = int(np.floor(e))
            while llr(m + 1, e, sz) < h:
                m += 1
            bound = min(bound, m - (total - y[t]))
        out['expected'][t] = mu
        out['dispersion'][t] = phi
        out['statistic'][t] = best
        out['windowWeeks'][t] = best_w
        out['upperbound'][t] = max(-1.0, float(bound))
        if best >= h:
            out['alarm'][t] = 1
            last = t
            if censor:
                censored[max(0, t - best_w + 1):min(n, t + W)] = True
    return out


configs = [
    ('defaults before issue #6 (L 52)', {'L': 52}),
    ('defaults (L 26 since issue #6)', {}),
    ('h 2.5, censor alarmed windows', {'h': 2.5, 'censor': True}),
    ('h 3, L 52, censor alarmed windows', {'h': 3.0, 'L': 52, 'censor': True}),
    ('h 3, W 2, L 26, no restart', {'h': 3.0, 'W': 2, 'L': 26, 'restart': False}),
    ('no down-weighting, no prior', {'c': np.inf, 'prior_weeks': 0.0, 'L': 52}),
    ('prior mean 0.5 weight 10, W 4', {'prior_mean': 0.5, 'prior_weeks': 10.0, 'W': 4, 'L': 52}),
    ('h 1.5 with restart', {'h': 1.5, 'L': 52}),
    ('issue #6 robustness candidate: L 52, half-life 6, prior worth 8', {'L': 52, 'half_life': 6.0, 'prior_weeks': 8.0}),
    ('candidate at h 2', {'L': 52, 'half_life': 6.0, 'prior_weeks': 8.0, 'h': 2.0}),
    ('half-life 10, L 39, h 3, censor', {'L': 39, 'half_life': 10.0, 'h': 3.0, 'censor': True}),
    ('leave out 1 window at LLR 4.6', {'exclude': 4.6}),
    ('leave out up to 2 at LLR 3, excess >= 2, h 3', {'exclude': 3.0, 'max_excl': 2, 'min_excess': 2.0, 'h': 3.0}),
    ('leave out up to 2 at LLR 3, gate 1 alarm at 4.6 in 52, L 39', {'exclude': 3.0, 'max_excl': 2, 'gate': (4.6, 52, 1), 'L': 39}),
]
FIRST = 639  # the last 300 weeks
cases = []
for series in ['province:events', 'Quetta:events', 'Kohlu:events']:
    for name, kw in configs:
        o = scan(weekly[series], **kw)
        opts = {'maxWindow': kw.get('W', 3), 'baselineWeeks': kw.get('L', 26), 'h': kw.get('h', 4.6),
                'downweightThreshold': None if kw.get('c', 2.58) == np.inf else kw.get('c', 2.58),
                'priorWeeks': kw.get('prior_weeks', 4.0), 'restartAfterAlarm': kw.get('restart', True),
                'censorAlarmedWindows': kw.get('censor', False)}
        if 'prior_mean' in kw:
            opts['priorMean'] = kw['prior_mean']
        if 'half_life' in kw:
            opts['halfLifeWeeks'] = kw['half_life']
        if 'exclude' in kw:
            opts['excludeOutbreakThreshold'] = kw['exclude']
            opts['maxExcludedWindows'] = kw.get('max_excl', 1)
            opts['excludeMinimumExcess'] = kw.get('min_excess', 0.0)
        if 'gate' in kw:
            opts['exclusionGate'] = {'h': kw['gate'][0], 'weeks': kw['gate'][1], 'alarms': kw['gate'][2]}
        # computed over the whole series (the restart carries state), stored from FIRST on to keep the file small
        cases.append({'series': 'weekly:' + series, 'config': name, 'options': opts, 'firstIndex': FIRST,
                      **{k: [None if v is None else round(v, 12) for v in arr[FIRST:]] for k, arr in o.items()}})
print(json.dumps({'generatedBy': f'scripts/reference/monitor-window-scan.py (numpy {np.__version__}, scipy {scipy.__version__})',
                  'cases': cases}))
