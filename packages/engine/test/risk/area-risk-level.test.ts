/**
 * The level of the area risk index when the scored period's factors lie far outside the range the
 * model was trained on (area-risk-index.ts, "Level outside the training range"): a sparse history
 * (as the UCDP years of the demo store) followed by periods 300 times denser (the synthetic feed).
 */
import { describe, expect, it } from 'vitest';
import {
  backtestAreaRisk, buildRiskPanel, factorNames, firstFullOrigin, fitAreaRiskModel, levelExtrapolationCaveat, observedAt, riskFactorsAt, scoreAreaRisk, type RiskArea,
} from '../../src/risk/index.js';

const WINDOWS = { halfLifePeriods: 2, harmPeriods: 4, trendPeriods: 2, nearRepeatPeriods: 1 };

/**
 * 16 districts, 20 periods: 0-2 incidents a period (fixed pattern) to period 17, then period 18
 * with 300 times each area's rate and period 19 with 375 times. Trained on the origins to 18 (whose
 * outcome, period 18, is dense and whose factors are sparse), scored at origin 19, whose factors
 * read period 18: the demo store's 2024 Q2.
 */
function sparseThenDense(): { areas: RiskArea[]; events: { area: number[]; period: number[]; harm: number[] }; nP: number } {
  const nA = 16, nP = 20;
  const areas: RiskArea[] = Array.from({ length: nA }, (_, i) => ({ id: `d${i}`, lat: 0, lon: i, neighbours: [i > 0 ? i - 1 : 1] }));
  const area: number[] = [], period: number[] = [], harm: number[] = [];
  const rate = (a: number) => 0.2 + (a % 8) * 0.2; // 0.2 .. 1.6 a period
  for (let a = 0; a < nA; a++) {
    for (let t = 0; t < nP - 2; t++) {
      const k = Math.floor(rate(a) * (t + 1)) - Math.floor(rate(a) * t) + ((t * 5 + a * 3) % 7 === 0 ? 1 : 0);
      for (let e = 0; e < k; e++) { area.push(a); period.push(t); harm.push((a + e) % 3); }
    }
    for (const [t, m] of [[nP - 2, 300], [nP - 1, 375]] as const) for (let e = 0; e < Math.round(m * rate(a)); e++) { area.push(a); period.push(t); harm.push((a + e) % 3); }
  }
  return { areas, events: { area, period, harm }, nP };
}

describe('risk index level outside the training range', () => {
  const s = sparseThenDense();
  const panel = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS);
  const thresholds = { severe: 0.5, high: 0.25, elevated: 0.1, shares: [0.5, 0.75, 0.9] as [number, number, number] };
  const model = fitAreaRiskModel(panel, { lambda: 0, thresholds, endOrigin: s.nP - 1 });
  const t = s.nP - 1;
  const totalOf = (p: number) => observedAt(panel, p).count.reduce((x, y) => x + y, 0);
  const total = (v: { expected: number }[]) => v.reduce((x, y) => x + y.expected, 0);

  it('the expected total is the most recent covered period\'s recorded total, not the model\'s extrapolation by orders of magnitude; ranks and bands unchanged', () => {
    const extrapolated = scoreAreaRisk(model, panel, t, { level: 'extrapolated' });
    const scored = scoreAreaRisk(model, panel, t);
    // Before: the model extrapolates its level from the sparse years: several times the period's recorded total.
    expect(total(extrapolated)).toBeGreaterThan(5 * totalOf(t));
    // After: the total recorded in period 18 (4,320), against 5,400 then recorded in period 19.
    expect(totalOf(t - 1)).toBe(4320);
    expect(total(scored)).toBeCloseTo(4320, 8);
    expect(scored.every((x) => x.levelSource === 'recent-period')).toBe(true);
    expect(scored[0]!.levelAdjustment).toBeCloseTo(4320 / total(extrapolated), 12);
    // One factor for every area: the ranking, the shares and the bands are the model's.
    expect(scored.map((x) => x.id)).toEqual(extrapolated.map((x) => x.id));
    expect(scored.map((x) => x.band)).toEqual(extrapolated.map((x) => x.band));
    scored.forEach((x, i) => {
      expect(x.expected / total(scored)).toBeCloseTo(extrapolated[i]!.expected / total(extrapolated), 12);
      expect(x.factors.reduce((prod, c) => prod * c.relativeRisk, x.baseline) * x.levelAdjustment).toBeCloseTo(x.expected, 8);
    });
    const cav = levelExtrapolationCaveat(model, scored, '18')!;
    expect(cav.code).toBe('RISK_LEVEL_OUTSIDE_TRAINING');
    expect(cav.message).toMatch(/intensity up to \d+\.\d SD above its training mean/);
    expect(cav.message).toContain('set to the 4,320 incidents recorded in the most recent covered period (18)');
  });

  it('the winsorised level is the model with each factor clamped to the range of its training values', () => {
    const extrapolated = scoreAreaRisk(model, panel, t, { level: 'extrapolated' });
    const scored = scoreAreaRisk(model, panel, t, { level: 'winsorised' });
    // Recomputed here from the training rows' factors (min and max of each standardised factor over
    // every training origin and area), independently of model.trainingRange.
    const p = factorNames(panel).length, lo = new Array<number>(p).fill(Infinity), hi = new Array<number>(p).fill(-Infinity);
    for (let o = firstFullOrigin(panel); o < t; o++) {
      const f = riskFactorsAt(panel, o);
      for (let a = 0; a < s.areas.length; a++) for (let j = 0; j < p; j++) {
        const c = model.factors[j]!; if (!c.used) continue;
        const z = (f[a * p + j]! - c.mean) / c.sd; lo[j] = Math.min(lo[j]!, z); hi[j] = Math.max(hi[j]!, z);
      }
    }
    const f = riskFactorsAt(panel, t);
    let winsorised = 0;
    for (let a = 0; a < s.areas.length; a++) {
      let eta = model.intercept;
      for (let j = 0; j < p; j++) { const c = model.factors[j]!; if (c.used) eta += c.coefficient * Math.min(hi[j]!, Math.max(lo[j]!, (f[a * p + j]! - c.mean) / c.sd)); }
      winsorised += Math.exp(eta);
    }
    expect(total(scored)).toBeCloseTo(winsorised, 6);
    expect(scored[0]!.levelSource).toBe('winsorised');
    expect(scored.map((x) => x.id)).toEqual(extrapolated.map((x) => x.id));
    // Bounded, but far below the new level: the sparse history cannot know it.
    expect(total(scored)).toBeLessThan(totalOf(t - 1) / 3);
  });

  it('inside the training range nothing changes: levelAdjustment exactly 1, the model\'s level, no caveat', () => {
    for (const level of ['recalibrated', 'winsorised'] as const) {
      const inside = scoreAreaRisk(model, panel, t - 1, { level });
      const extrapolated = scoreAreaRisk(model, panel, t - 1, { level: 'extrapolated' });
      expect(inside.every((x) => x.levelAdjustment === 1 && x.levelSource === 'model')).toBe(true);
      expect(inside.map((x) => x.expected)).toEqual(extrapolated.map((x) => x.expected));
      expect(levelExtrapolationCaveat(model, inside)).toBeUndefined();
    }
  });

  it('the backtest reports the calibration in the large (observed / expected) and the mean absolute error', () => {
    const opts = { testOrigins: [t], lambda: 0, thresholds };
    const r = backtestAreaRisk(panel, opts), x = backtestAreaRisk(panel, { ...opts, level: 'extrapolated' });
    expect(r.observedOverExpected).toBeCloseTo(5400 / 4320, 10);
    expect(x.observedOverExpected).toBeLessThan(0.2);
    expect(r.periods[0]!.levelSource).toBe('recent-period');
    expect(r.meanAbsoluteError).toBeLessThan(x.meanAbsoluteError / 5);
    expect(r.pooled.index).toEqual(x.pooled.index);
  });
});
