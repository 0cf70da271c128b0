import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import {
  assignRiskBands,
  buildRiskPanel,
  calibrateRiskBandsOnScale,
  fitAreaRiskModel,
  RISK_BAND_SCALES,
  RISK_BANDS,
  riskBandScores,
  scoreAreaRisk,
  type RiskArea,
  type RiskBand,
  type RiskBandThresholds,
} from '../../src/risk/index.js';

const SEED = 20261127;
const bandIndex = (b: RiskBand): number => RISK_BANDS.indexOf(b);
const positive = fc.double({ min: 0.001, max: 1000, noNaN: true });
const scaleArb = fc.constantFrom(...RISK_BAND_SCALES);
const thresholdsArb = (scale: (typeof RISK_BAND_SCALES)[number]): fc.Arbitrary<RiskBandThresholds> =>
  fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }))
    .map(([a, b, c]) => { const [e, h, s] = [a, b, c].sort((x, y) => x - y) as [number, number, number]; return { elevated: e, high: h, severe: s, shares: [0.5, 0.75, 0.9], scale }; });

/** The smallest prefix of the ranking whose observed values reach `share` of the total. */
const prefixReaching = (obs: readonly number[], share: number): number => {
  const total = obs.reduce((s, x) => s + x, 0);
  let cum = 0;
  for (let i = 0; i < obs.length; i++) { cum += obs[i]!; if (cum >= share * total - 1e-12) return i + 1; }
  return obs.length;
};

describe('risk bands on a scale', () => {
  it('bands never rise as the rank falls, on every scale and any thresholds', () => {
    fc.assert(fc.property(scaleArb.chain((scale) => fc.tuple(fc.array(positive, { minLength: 1, maxLength: 60 }), thresholdsArb(scale))), ([values, t]) => {
      const ranked = [...values].sort((a, b) => b - a);
      const bands = assignRiskBands(ranked, t).map(bandIndex);
      for (let i = 1; i < bands.length; i++) expect(bands[i]!).toBeLessThanOrEqual(bands[i - 1]!);
    }), { seed: SEED, numRuns: 300 });
  });

  it('share and ratio bands do not change when every expected value is multiplied by the same level', () => {
    fc.assert(fc.property(fc.constantFrom('share' as const, 'ratio' as const).chain((scale) => fc.tuple(fc.array(positive, { minLength: 1, maxLength: 60 }), thresholdsArb(scale), fc.integer({ min: -6, max: 6 }))), ([values, t, k]) => {
      const level = 2 ** k; // a power of two: the scaled scores are exactly equal, so the bands must be
      expect(assignRiskBands(values.map((v) => v * level), t)).toEqual(assignRiskBands(values, t));
    }), { seed: SEED, numRuns: 300 });
  });

  it('share scale, one period: calibrated and applied to it, severe is the smallest top set holding 50 % of the observed, severe + high 75 %, down to elevated 90 %', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }).chain((n) => fc.tuple(
      fc.array(positive, { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }).filter((o) => o.some((x) => x > 0)),
    )), ([pred, obs]) => {
      const t = calibrateRiskBandsOnScale(pred, obs, pred.map(() => 0), 'share');
      expect(t.scale).toBe('share');
      const order = pred.map((_, i) => i).sort((a, b) => pred[b]! - pred[a]! || a - b);
      const bands = assignRiskBands(order.map((i) => pred[i]!), t).map(bandIndex);
      const obsRanked = order.map((i) => obs[i]!);
      const atLeast = (b: number) => bands.filter((x) => x >= b).length;
      expect(atLeast(3)).toBe(prefixReaching(obsRanked, 0.5));
      expect(atLeast(2)).toBe(prefixReaching(obsRanked, 0.75));
      expect(atLeast(1)).toBe(prefixReaching(obsRanked, 0.9));
    }), { seed: SEED, numRuns: 300 });
  });

  it('share scores: 1 for the top area, each the share of the total from that area down', () => {
    const close = (got: Float64Array, want: number[]) => { expect(got.length).toBe(want.length); want.forEach((w, i) => expect(got[i]!).toBeCloseTo(w, 12)); };
    close(riskBandScores([1, 3, 6], 'share'), [0.1, 0.4, 1]);
    close(riskBandScores([1, 3, 6], 'ratio'), [0.3, 0.9, 1.8]);
    expect([...riskBandScores([1, 3, 6], 'absolute')]).toEqual([1, 3, 6]);
  });

  it('the demo failure: thresholds learnt on a sparse past period, applied to a period five times denser', () => {
    // 40 areas, a fixed concentration (weights 1/(i+1)), observed = predicted in the past.
    const weights = Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
    const past = weights.map((w) => 0.5 * w), now = weights.map((w) => 2.5 * w);
    const counts = (t: RiskBandThresholds) => Object.fromEntries(RISK_BANDS.map((b) => [b, assignRiskBands(now, t).filter((x) => x === b).length]));
    const absolute = calibrateRiskBandsOnScale(past, past, past.map(() => 0), 'absolute');
    const share = calibrateRiskBandsOnScale(past, past, past.map(() => 0), 'share');
    // Absolute thresholds lift areas into higher bands when the level rises ...
    expect(counts(absolute).low).toBe(0);
    // ... share thresholds keep the bands the past period had.
    expect(counts(share)).toEqual(Object.fromEntries(RISK_BANDS.map((b) => [b, assignRiskBands(past, share).filter((x) => x === b).length])));
    expect(counts(share).low).toBeGreaterThan(0);
  });

  it('rejects groups of another length', () => {
    expect(() => calibrateRiskBandsOnScale([1, 2], [1, 1], [0], 'share')).toThrow(/group/);
  });
});

describe('the fitted index with share bands', () => {
  // 60 areas whose rates follow a fixed pattern, with the overall level x4 in the last 4 periods.
  const panel = (() => {
    const rng = new SeededRng('risk-bands-level-shift');
    const n = 60, nP = 24;
    const areas: RiskArea[] = Array.from({ length: n }, (_, i) => ({ id: `a${String(i).padStart(2, '0')}`, lat: 0, lon: i * 0.1, neighbours: [(i + n - 1) % n, (i + 1) % n] }));
    const area: number[] = [], period: number[] = [], harm: number[] = [];
    for (let t = 0; t < nP; t++) {
      for (let a = 0; a < n; a++) {
        const rate = (t >= nP - 4 ? 4 : 1) * 3 * Math.exp(-a / 12);
        let k = 0, p = Math.exp(-rate), s = p;
        const u = rng.next();
        while (u > s && k < 200) { k++; p *= rate / k; s += p; }
        for (let e = 0; e < k; e++) { area.push(a); period.push(t); harm.push(1); }
      }
    }
    return buildRiskPanel(areas, nP, { area, period, harm }, [], { halfLifePeriods: 2, harmPeriods: 4, trendPeriods: 2, nearRepeatPeriods: 1 });
  })();

  it('bands are monotone in rank and the severe band stays a minority after the level rises; with absolute thresholds it does not', () => {
    const end = panel.nPeriods - 4; // thresholds learnt before the rise
    const share = fitAreaRiskModel(panel, { endOrigin: end });
    const absolute = fitAreaRiskModel(panel, { endOrigin: end, bandScale: 'absolute' });
    expect(share.thresholds.scale).toBe('share');
    const s = scoreAreaRisk({ ...share }, panel, panel.nPeriods);
    const a = scoreAreaRisk({ ...absolute }, panel, panel.nPeriods);
    for (let i = 1; i < s.length; i++) expect(bandIndex(s[i]!.band)).toBeLessThanOrEqual(bandIndex(s[i - 1]!.band));
    const top = (xs: typeof s) => xs.filter((x) => x.band === 'severe' || x.band === 'high').length;
    expect(top(s)).toBeLessThan(s.length / 2);
    expect(top(a)).toBeGreaterThan(top(s));
  });
});
