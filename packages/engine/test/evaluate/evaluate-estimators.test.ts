import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/seeded-rng.js';
import {
  buildMonthlyPanel, describeEffect, differenceInDifferences, evaluatePanel, interruptedTimeSeries, matchComparisonAreas, parseMeasure,
  placeboInTimePanel, rateRatioEffect, simplexLeastSquares, simulateEvaluationPanel, simulationStudy, syntheticControl, weightedDisplacementDifference,
  type EvaluationPanel,
} from '../../src/evaluate/index.js';

/** Counts exactly equal to a multiplicative model's means (scaled up so rounding is negligible relative to 1e-6). */
function exactPanel(effect: number): EvaluationPanel {
  const T = 48, start = 36, A = 6;
  const periods = Array.from({ length: T }, (_, t) => `${2019 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`);
  const monthOfYear = Int8Array.from(periods, (p) => Number(p.slice(5)));
  const areas = Array.from({ length: A }, (_, a) => ({
    name: `a${a}`, role: (a < 2 ? 'treated' : 'comparison') as 'treated' | 'comparison',
    counts: Float64Array.from({ length: T }, (_, t) => 1e4 * (1 + a) * Math.exp(0.01 * t + 0.3 * Math.sin((2 * Math.PI * monthOfYear[t]!) / 12) + 0.05 * Math.cos(t)) * (a < 2 && t >= start ? effect : 1)),
  }));
  return { periods, monthOfYear, startIndex: start, areas };
}

describe('estimators recover a planted effect from noiseless counts', () => {
  it('DiD: exp(coef) = 0.8 exactly; the pre-trend is flat; the counterfactual is the observed / 0.8 after the start', () => {
    const p = exactPanel(0.8);
    const r = differenceInDifferences(p);
    expect(r.effect.rateRatio).toBeCloseTo(0.8, 8);
    expect(Math.abs(r.preTrend!.logRateRatio)).toBeLessThan(1e-8);
    expect(r.series.counterfactual[40]! * 0.8).toBeCloseTo(r.series.observed[40]!, 4);
    expect(r.series.counterfactual[10]).toBeCloseTo(r.series.observed[10]!, 4);
  });
  it('synthetic control: exact fit, RR 0.8 (treated share the donors\' shape)', () => {
    const r = syntheticControl(exactPanel(0.8));
    expect(r.preRmspe).toBeLessThan(1e-6);
    expect(r.effect.rateRatio).toBeCloseTo(0.8, 5);
    expect(r.weights.reduce((a, w) => a + w.weight, 0)).toBeCloseTo(1, 12);
  });
  it('ITS: a level change of 0.8 on an exact log-linear series with one harmonic', () => {
    const T = 60, s = 40;
    const m = Int8Array.from({ length: T }, (_, t) => (t % 12) + 1);
    const y = Float64Array.from({ length: T }, (_, t) => 5e4 * Math.exp(0.005 * t + 0.2 * Math.sin((2 * Math.PI * m[t]!) / 12) - 0.1 * Math.cos((2 * Math.PI * m[t]!) / 12)) * (t >= s ? 0.8 : 1));
    const r = interruptedTimeSeries(y, s, m, { family: 'poisson' });
    expect(r.effect.rateRatio).toBeCloseTo(0.8, 6);
    expect(r.postObservedOverCounterfactual).toBeCloseTo(0.8, 6);
    // Noiseless: the HAC error is ~0, so the larger model-based one is used.
    expect(r.effect.standardError).toBe(Math.max(r.standardErrors[2]!, r.modelStandardErrors[2]!));
    expect(r.effect.inference).toContain('model-based');
  });
  it('ITS refuses a start with fewer than 3 pre periods', () => {
    expect(() => interruptedTimeSeries([1, 2, 3, 4, 5], 2, [1, 2, 3, 4, 5])).toThrow(/startIndex/);
  });
});

describe('simplex least squares', () => {
  it('feasible, KKT-optimal and no worse than random feasible weights (property, seeded)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 3, max: 15 }), fc.integer({ min: 0, max: 1e6 }), (J, L, seed) => {
      const rng = new SeededRng(seed);
      const D = Float64Array.from({ length: J * L }, () => rng.next() * 3);
      const y = Array.from({ length: L }, () => rng.next() * 3);
      const s = simplexLeastSquares(D, J, y);
      expect(s.weights.every((w) => w >= 0)).toBe(true);
      expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      expect(s.kktViolation).toBeLessThan(1e-8);
      for (let k = 0; k < 5; k++) {
        const w = Array.from({ length: J }, () => rng.next());
        const sum = w.reduce((a, b) => a + b, 0);
        let rss = 0;
        for (let t = 0; t < L; t++) { let e = y[t]!; for (let j = 0; j < J; j++) e -= (w[j]! / sum) * D[j * L + t]!; rss += e * e; }
        expect(s.residualSumOfSquares).toBeLessThanOrEqual(rss + 1e-9);
      }
    }), { seed: 20261127, numRuns: 60 });
  });
});

describe('WDD', () => {
  it('shared control enters twice: WDD = dT + dD - 2 dC, variance counts C with weight 4', () => {
    const r = weightedDisplacementDifference({ treated: { pre: 50, post: 30 }, control: { pre: 100, post: 110 }, buffer: { pre: 40, post: 35 } });
    expect(r.wdd).toBe(-20 - 5 - 20);
    expect(r.variance).toBe(80 + 75 + 4 * 210);
    expect(r.caveats.map((c) => c.code)).toContain('SHARED_CONTROL');
    expect(r.wdq).toBeCloseTo((35 / 110 - 40 / 100) / (30 / 110 - 50 / 100), 12);
  });
  it('rejects a negative count naming the field', () => {
    expect(() => weightedDisplacementDifference({ treated: { pre: -1, post: 3 }, control: { pre: 1, post: 1 } })).toThrow(/treated.pre/);
  });
});

describe('panel, matching, placebo, measure', () => {
  it('bins by Pakistan month and keeps every in-window incident (property)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2021, 11, 31) }), fc.integer({ min: -1, max: 2 })), { maxLength: 200 }), (ev) => {
      const p = buildMonthlyPanel({ time: ev.map((e) => e[0]), area: ev.map((e) => e[1]), areas: [{ name: 'a', role: 'treated' }, { name: 'b', role: 'comparison' }, { name: 'c', role: 'buffer' }], firstMonth: '2020-01', lastMonth: '2021-12', startMonth: '2021-01' });
      const inWindow = ev.filter((e) => e[1] >= 0 && e[0] >= Date.UTC(2020, 0, 1) - 5 * 3600e3 && e[0] < Date.UTC(2022, 0, 1) - 5 * 3600e3).length;
      expect(p.areas.reduce((s, a) => s + a.counts.reduce((x, y) => x + y, 0), 0)).toBe(inWindow);
    }), { seed: 7, numRuns: 50 });
    // 31 Jan 2021 20:00 UTC is 1 Feb 01:00 in Pakistan.
    const p = buildMonthlyPanel({ time: [Date.UTC(2021, 0, 31, 20)], area: [0], areas: [{ name: 'a', role: 'treated' }], firstMonth: '2021-01', lastMonth: '2021-03', startMonth: '2021-02' });
    expect(Array.from(p.areas[0]!.counts)).toEqual([0, 1, 0]);
  });
  it('matching keeps the comparisons closest in level and trend', () => {
    const base = exactPanel(1);
    const far = { name: 'far', role: 'comparison' as const, counts: base.areas[0]!.counts.map((c, t) => c * 50 * Math.exp(0.05 * t)) };
    const m = matchComparisonAreas({ ...base, areas: [...base.areas, far] }, 3);
    expect(m.chosen).not.toContain('far');
    expect(m.chosen).toHaveLength(3);
    expect(m.panel.areas.filter((a) => a.role === 'comparison')).toHaveLength(3);
  });
  it('placebo panel stops at the real start', () => {
    const p = placeboInTimePanel(exactPanel(0.8), 12);
    expect(p.periods).toHaveLength(36);
    expect(p.startIndex).toBe(24);
  });
  it('measure schema: accepts a declaration, rejects unknown keys and two area kinds', () => {
    const ok = parseMeasure({ id: 'm1', name: 'Checkpoints on N-25', type: 'checkpoint', treated: { districts: ['Quetta'] }, start: '2013-01-01' });
    expect(ok.ok).toBe(true);
    const bad = parseMeasure({ id: 'm1', name: 'x', type: 'checkpoint', treated: { districts: ['Quetta'], h3: ['8a2a1072b59ffff'] }, start: '2013-01-01', colour: 'red' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.map((e) => e.field).join(' ')).toMatch(/treated/);
    const backwards = parseMeasure({ id: 'm', name: 'x', type: 'curfew', treated: { districts: ['Kech'] }, start: '2013-02-01', end: '2013-01-01' });
    expect(!backwards.ok && backwards.error[0]!.field).toBe('end');
  });
});

describe('evaluatePanel and conclusions', () => {
  it('runs all four on a simulated panel, JSON-safe, with one conclusion each', () => {
    const p = simulateEvaluationPanel(new SeededRng('evaluate-test'), { areas: 10, treatedAreas: 2, bufferAreas: 1, preMonths: 36, postMonths: 12 });
    const ev = evaluatePanel(p);
    expect(ev.conclusions).toHaveLength(4);
    expect(JSON.stringify(ev)).not.toMatch(/NaN|Infinity|null,"ok":false/);
    expect(ev.did?.ok && ev.did.robustness.placeboDates.length).toBe(2);
    expect(ev.did?.ok && ev.did.robustness.leaveOneOut.length).toBe(7);
  });
  it('without comparison areas only ITS runs; the others say why', () => {
    const p = simulateEvaluationPanel(new SeededRng('evaluate-test-2'), { areas: 4, treatedAreas: 1, bufferAreas: 0, preMonths: 30, postMonths: 6 });
    const ev = evaluatePanel({ ...p, areas: p.areas.filter((a) => a.role === 'treated') });
    expect(ev.its?.ok).toBe(true);
    expect(ev.did).toEqual({ ok: false, reason: 'no comparison areas' });
    expect(ev.conclusions).toHaveLength(1);
  });
  it('describes effects in words', () => {
    expect(describeEffect(rateRatioEffect(Math.log(0.82), 0.12, 'x'))).toBe('changed by -18% (95% CI -35% to +4%), which is compatible with no change');
    expect(describeEffect(rateRatioEffect(Math.log(0.82), 0.1, 'x'))).toBe('fell 18% (95% CI -33% to 0%)');
    expect(describeEffect(rateRatioEffect(Math.log(0.82), 0.05, 'x'))).toMatch(/^fell 18% \(95% CI -26% to -10%\)$/);
    expect(describeEffect(rateRatioEffect(Math.log(1.3), 0.05, 'x'))).toMatch(/^rose 30%/);
  });
});

describe('simulation study (small; the 200-replication study is bench/evaluate)', () => {
  it('known -20% effect: every estimator is nearly unbiased and its interval mostly covers the truth', () => {
    const r = simulationStudy(11, 10, { areas: 12, treatedAreas: 3, bufferAreas: 1, preMonths: 36, postMonths: 12 });
    for (const e of r.estimators) {
      expect(e.runs, e.method).toBe(10);
      expect(Math.abs(e.biasLogRateRatio), e.method).toBeLessThan(0.1);
      expect(e.coverage, e.method).toBeGreaterThanOrEqual(0.6);
    }
  });
});

describe('Student t for the intervals', () => {
  it('critical values and p-value equal R qt / pt (printed by R 4.2.2: qt(0.975, c(3, 17, 9)), 2 * pt(-2.5, 17))', async () => {
    const { studentTCritical, studentTTwoSidedPValue } = await import('../../src/evaluate/index.js');
    [3.182446305283708, 2.109815577833317, 2.262157162798205].forEach((v, i) => expect(studentTCritical(0.05, [3, 17, 9][i]!)).toBeCloseTo(v, 9));
    expect(studentTTwoSidedPValue(2.5, 17)).toBeCloseTo(0.02294781, 7);
  });
});
