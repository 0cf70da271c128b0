/**
 * The area risk index across feed-coverage gaps: periods no feed covers are missing data, not
 * zero incidents (area-risk-factors.ts, area-risk-index.ts, area-risk-backtest.ts).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backtestAreaRisk, buildRiskPanel, factorCoverageAt, fitAreaRiskModel, riskFactorsAt, scoreAreaRisk, type RiskArea,
} from '../../src/risk/index.js';

const WINDOWS = { halfLifePeriods: 2, harmPeriods: 4, trendPeriods: 2, nearRepeatPeriods: 1 };

/**
 * 12 districts over 24 periods. Eleven are old hot spots cooling down (about 12 incidents a
 * period falling to about 3); district 11 is rising (1 a period to about 14). The feed goes down
 * for the last two periods (22, 23): nothing is recorded there. Period 24, the one scored, is
 * where district 11 is by far the most likely place of incidents (about 14.6 expected against
 * about 3.5 anywhere else, on the trends that generated the data).
 */
function risingDistrictThenGap(): { areas: RiskArea[]; events: { area: number[]; period: number[]; harm: number[] }; exposure: number[]; nP: number } {
  const nA = 12, nP = 24, gap = [22, 23];
  const areas: RiskArea[] = Array.from({ length: nA }, (_, i) => ({ id: `d${i}`, lat: 0, lon: i, neighbours: [i > 0 ? i - 1 : 1] }));
  const area: number[] = [], period: number[] = [], harm: number[] = [];
  for (let a = 0; a < nA; a++) {
    for (let t = 0; t < nP; t++) {
      if (gap.includes(t)) continue;
      const rate = a === 11 ? 1 + 13 * t / (nP - 1) : 12 - 9 * t / (nP - 1) + (a % 3) * 0.5 + ((t * 7 + a * 3) % 5 === 0 ? 1 : 0);
      for (let k = 0; k < Math.round(rate); k++) { area.push(a); period.push(t); harm.push(1); }
    }
  }
  return { areas, events: { area, period, harm }, exposure: Array.from({ length: nP }, (_, t) => (gap.includes(t) ? 0 : 1)), nP };
}

describe('risk index across a feed-coverage gap', () => {
  const s = risingDistrictThenGap();

  it('reading the gap as zero incidents ranks the rising district last; training on covered time ranks it first', () => {
    // As before 2026-11-27: no coverage given, the two silent periods count as zero incidents.
    const zeros = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS);
    const before = scoreAreaRisk(fitAreaRiskModel(zeros), zeros, s.nP);
    expect(before.find((x) => x.id === 'd11')!.rank).toBeGreaterThan(6);
    const covered = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: s.exposure });
    const model = fitAreaRiskModel(covered);
    const after = scoreAreaRisk(model, covered, s.nP);
    const d11 = after.find((x) => x.id === 'd11')!;
    expect(d11.rank).toBe(1);
    expect(d11.rankRange).toEqual([1, 1]);
    // The level is not driven down either: the expected count of the rising district is near the
    // rate the data were generated with (14.6), not near zero.
    expect(d11.expected).toBeGreaterThan(7);
    expect(before.find((x) => x.id === 'd11')!.expected).toBeLessThan(1);
    // The two silent periods are not trained on, and the caveat says so.
    expect(model.coverage).toEqual({ originsLeftOut: 2, originsPartlyCovered: 0 });
    expect(model.trainingRows).toBe(12 * (s.nP - 4 - 2));
    expect(model.caveats.map((c) => c.code)).toContain('RISK_TRAINED_ON_COVERED_PERIODS');
  });

  it('a factor whose window no feed covers is not known: no value, no contribution, said per area', () => {
    const covered = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: s.exposure });
    const after = scoreAreaRisk(fitAreaRiskModel(covered), covered, s.nP);
    for (const a of after) {
      const trend = a.factors.find((f) => f.name === 'trend')!;
      expect(trend.known).toBe(false);
      expect(trend.coveredShare).toBe(0); // the last two periods, the trend's recent window
      expect(Number.isNaN(trend.value)).toBe(true);
      expect(trend.contribution).toBe(0);
      expect(trend.relativeRisk).toBe(1);
      // harm: the last four periods, two of them covered: known, as a rate per covered period.
      const harm = a.factors.find((f) => f.name === 'harm')!;
      expect(harm.known).toBe(true);
      expect(harm.coveredShare).toBe(0.5);
      // intensity (half-life 2): the two silent periods carry a little over half of its decay
      // weight. It keeps its value, a rate per covered period, and says it rests on little covered
      // time, which makes every rank uncertain.
      const intensity = a.factors.find((f) => f.name === 'intensity')!;
      expect(intensity.coveredShare).toBeCloseTo(0.5, 2);
      expect(intensity.coveredShare).toBeLessThan(0.5);
      expect(intensity.known).toBe(true);
      expect(intensity.lowCoverage).toBe(true);
      expect(a.uncertain).toBe(true);
      expect(a.rankRange[0]).toBeLessThanOrEqual(a.rank);
      expect(a.rankRange[1]).toBeGreaterThanOrEqual(a.rank);
    }
    // The cooling districts are close to each other: not knowing the trend, their ranks could swap.
    expect(after.some((a) => a.rankRange[0] !== a.rankRange[1])).toBe(true);
  });

  it('with every period covered the factors and the fit are exactly the calendar-time ones', () => {
    const plain = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS);
    const ones = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: new Array<number>(s.nP).fill(1) });
    for (const t of [4, 10, 24]) expect([...riskFactorsAt(ones, t)]).toEqual([...riskFactorsAt(plain, t)]);
    const a = fitAreaRiskModel(plain), b = fitAreaRiskModel(ones);
    expect(b.factors.map((f) => f.coefficient)).toEqual(a.factors.map((f) => f.coefficient));
    expect(b.intercept).toBe(a.intercept);
    expect(b.caveats.map((c) => c.code)).not.toContain('RISK_TRAINED_ON_COVERED_PERIODS');
  });

  it('window sums are rates per covered time scaled to the window (hand-computed)', () => {
    // Two areas, neighbours of each other; six periods with exposure 1, 1, 0.5, 1, 0, 1.
    const areas: RiskArea[] = [{ id: 'a', lat: 0, lon: 0, neighbours: [1] }, { id: 'b', lat: 0, lon: 1, neighbours: [0] }];
    const counts = [[2, 4, 1, 3, 0, 5], [1, 0, 2, 0, 0, 1]];
    const area: number[] = [], period: number[] = [], harm: number[] = [];
    counts.forEach((row, a) => row.forEach((c, t) => { for (let k = 0; k < c; k++) { area.push(a); period.push(t); harm.push(2); } }));
    const exposure = [1, 1, 0.5, 1, 0, 1];
    const panel = buildRiskPanel(areas, 6, { area, period, harm }, [], WINDOWS, { exposure });
    const f = riskFactorsAt(panel, 6), cov = factorCoverageAt(panel, 6);
    // intensity: weights 0.5^(k/2), k = 0 for period 5 .. 5 for period 0.
    const w = [0, 1, 2, 3, 4, 5].map((k) => Math.pow(0.5, k / 2));
    const ewA = w.reduce((s, x, k) => s + x * counts[0]![5 - k]!, 0);
    const ws = w.reduce((s, x) => s + x, 0), we = w.reduce((s, x, k) => s + x * exposure[5 - k]!, 0);
    expect(f[0]).toBeCloseTo(Math.log1p(ewA * ws / we), 12);
    expect(cov[0]).toBeCloseTo(we / ws, 12);
    // harm: periods 2..5, covered 0.5 + 1 + 0 + 1 = 2.5 of 4; harm 2 per incident.
    expect(f[1]).toBeCloseTo(Math.log1p(2 * (1 + 3 + 0 + 5) * 4 / 2.5), 12);
    expect(cov[1]).toBeCloseTo(2.5 / 4, 12);
    // trend: recent periods 4, 5 (covered 1 of 2), before 2, 3 (covered 1.5 of 2).
    expect(f[2]).toBeCloseTo(Math.log((1 + 5 * 2 / 1) / (1 + (1 + 3) * 2 / 1.5)), 12);
    expect(cov[2]).toBeCloseTo(0.5, 12);
    // near repeat: the neighbour's last period, fully covered.
    expect(f[3]).toBeCloseTo(Math.log1p(1), 12);
    // At origin 5 the trend's recent window (3, 4) is covered 1 of 2 (known) and at a stricter
    // minimum share it is not known.
    const strict = buildRiskPanel(areas, 6, { area, period, harm }, [], WINDOWS, { exposure, minCoveredShare: 0.6 });
    expect(Number.isNaN(riskFactorsAt(strict, 5)[2]!)).toBe(true);
    expect(Number.isNaN(riskFactorsAt(panel, 5)[2]!)).toBe(false);
  });

  it('the backtest leaves out test periods no feed covers and says how many', () => {
    // The first 22 periods of the same districts, with the feed down in periods 18 and 19.
    const nP = 22, gap = [18, 19];
    const keep = s.events.period.map((t) => t < nP && !gap.includes(t));
    const pick = (v: number[]) => v.filter((_, i) => keep[i]);
    const panel = buildRiskPanel(s.areas, nP, { area: pick(s.events.area), period: pick(s.events.period), harm: pick(s.events.harm) }, [], WINDOWS,
      { exposure: Array.from({ length: nP }, (_, t) => (gap.includes(t) ? 0 : 1)) });
    const bt = backtestAreaRisk(panel, { testOrigins: [16, 17, 18, 19, 20, 21], topFraction: 0.1 });
    expect(bt.leftOut).toEqual([18, 19]);
    expect(bt.periods.map((p) => p.origin)).toEqual([16, 17, 20, 21]);
    expect(() => backtestAreaRisk(panel, { testOrigins: [18, 19] })).toThrow(/no feed covers any of the 2 test periods/);
  });

  it('factors at origin t read neither the counts nor the coverage of periods from t on', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 24 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 24, maxLength: 24 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 24, maxLength: 24 }), (t, e1, e2) => {
      const mixed = e1.map((e, k) => (k < t ? e : e2[k]!));
      const a = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: e1 });
      const b = buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: mixed });
      const changed = { ...b, count: b.count.slice(), harm: b.harm.slice() };
      for (let a2 = 0; a2 < s.areas.length; a2++) for (let k = t; k < s.nP; k++) { changed.count[a2 * s.nP + k] = (a2 + k) % 5; changed.harm[a2 * s.nP + k] = (a2 * k) % 7; }
      expect([...riskFactorsAt(changed, t)]).toEqual([...riskFactorsAt(a, t)]);
      expect([...factorCoverageAt(changed, t)]).toEqual([...factorCoverageAt(a, t)]);
    }), { seed: 20261127, numRuns: 60 });
  });

  it('validates the exposure', () => {
    expect(() => buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: [1, 2] })).toThrow(/exposure has 2 values/);
    expect(() => buildRiskPanel(s.areas, s.nP, s.events, [], WINDOWS, { exposure: new Array<number>(s.nP).fill(1.5) })).toThrow(/covered share in \[0, 1\]/);
  });
});

interface ExposureRef {
  nAreas: number; nPeriods: number; windows: { halfLifePeriods: number; harmPeriods: number; trendPeriods: number; nearRepeatPeriods: number };
  exposure: number[]; neighbours: number[][]; count: number[][]; harm: number[][]; origins: number[]; rows: number; unknown: number[];
  x: (number | null)[]; means: number[]; sds: number[];
  glm: { intercept: number; coefficients: number[] }; ridge: { lambda: number; intercept: number; coefficients: number[] }[];
}

describe('risk index with exposure against R (scripts/reference/risk-exposure.R: factors from their definitions, glm with offset(log(exposure)), glmnet)', () => {
  const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/risk-exposure.json', import.meta.url), 'utf8')) as ExposureRef;
  const areas: RiskArea[] = ref.neighbours.map((nb, i) => ({ id: `r${i}`, lat: 0, lon: i, neighbours: nb }));
  const area: number[] = [], period: number[] = [], harm: number[] = [];
  ref.count.forEach((row, a) => row.forEach((c, t) => { for (let k = 0; k < c; k++) { area.push(a); period.push(t); harm.push(k === 0 ? ref.harm[a]![t]! : 0); } }));
  const panel = buildRiskPanel(areas, ref.nPeriods, { area, period, harm }, [], ref.windows, { exposure: ref.exposure });
  const thresholds = { severe: 0.5, high: 0.75, elevated: 0.9, scale: 'share' as const, shares: [0.5, 0.75, 0.9] as [number, number, number] };

  it('the factors of every covered training origin, unknown ones included', () => {
    const x: (number | null)[] = [];
    for (const t of ref.origins) for (const v of riskFactorsAt(panel, t)) x.push(Number.isNaN(v) ? null : v);
    expect(x.length).toBe(ref.x.length);
    expect(x.map((v) => v === null)).toEqual(ref.x.map((v) => v === null));
    x.forEach((v, i) => { if (v !== null) expect(Math.abs(v - ref.x[i]!)).toBeLessThan(1e-12); });
    expect(ref.unknown).toEqual([0, 30, 60, 30]); // the fixture exercises unknown harm, trend and near repeat
  });

  it('lambda 0 is R glm(y ~ z, offset = log(exposure), family = poisson); ridge is glmnet', () => {
    const m = fitAreaRiskModel(panel, { lambda: 0, thresholds });
    expect(m.trainingRows).toBe(ref.rows);
    m.factors.forEach((f, j) => { expect(Math.abs(f.mean - ref.means[j]!)).toBeLessThan(1e-12); expect(Math.abs(f.sd - ref.sds[j]!)).toBeLessThan(1e-12); });
    expect(Math.abs(m.intercept - ref.glm.intercept)).toBeLessThan(5e-8);
    m.factors.forEach((f, j) => expect(Math.abs(f.coefficient - ref.glm.coefficients[j]!)).toBeLessThan(5e-8));
    for (const r of ref.ridge) {
      const mr = fitAreaRiskModel(panel, { lambda: r.lambda, thresholds });
      expect(Math.abs(mr.intercept - r.intercept)).toBeLessThan(5e-7);
      mr.factors.forEach((f, j) => expect(Math.abs(f.coefficient - r.coefficients[j]!)).toBeLessThan(5e-7));
    }
  });
});
