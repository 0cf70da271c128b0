import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import {
  backtestAreaRisk,
  buildRiskPanel,
  calibrateRiskBands,
  capturedShare,
  dataMixOf,
  discoveredIncidentAcceptance,
  feedbackLoopWeights,
  fitAreaRiskModel,
  fitRidgePoisson,
  riskBandOf,
  riskFactorsAt,
  scoreAreaRisk,
  BandCalibrationTable,
  type RiskArea,
} from '../../src/risk/index.js';

interface RefCase {
  name: string; n: number; p: number; x: number[]; y: number[]; offset: number[];
  ridge: { lambda: number; intercept: number; coefficients: number[] }[];
  glm: { intercept: number; coefficients: number[]; deviance: number };
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/risk-ridge-poisson.json', import.meta.url), 'utf8')) as { cases: RefCase[] };

describe('ridge Poisson regression against R glmnet and glm (scripts/reference/risk-ridge-poisson.R)', () => {
  for (const c of ref.cases) {
    it.each(c.ridge.map((r) => [r.lambda, r] as const))(`${c.name}: lambda %f matches glmnet (alpha = 0, standardize = FALSE)`, (_l, r) => {
      const fit = fitRidgePoisson({ y: c.y, x: Float64Array.from(c.x), p: c.p, lambda: r.lambda, offset: c.offset });
      expect(fit.converged).toBe(true);
      expect(fit.intercept).toBeCloseTo(r.intercept, 6);
      r.coefficients.forEach((b, j) => expect(fit.coefficients[j]).toBeCloseTo(b, 6));
    });
    it(`${c.name}: lambda 0 matches glm`, () => {
      const fit = fitRidgePoisson({ y: c.y, x: Float64Array.from(c.x), p: c.p, lambda: 0, offset: c.offset });
      expect(fit.intercept).toBeCloseTo(c.glm.intercept, 8);
      c.glm.coefficients.forEach((b, j) => expect(fit.coefficients[j]).toBeCloseTo(b, 8));
      expect(fit.deviance).toBeCloseTo(c.glm.deviance, 6);
    });
  }

  it('a larger penalty never lengthens the coefficient vector', () => {
    const c = ref.cases[0]!;
    let last = Infinity;
    for (const lambda of [0, 0.001, 0.01, 0.1, 1, 10]) {
      const fit = fitRidgePoisson({ y: c.y, x: Float64Array.from(c.x), p: c.p, lambda, offset: c.offset });
      const norm = Math.hypot(...fit.coefficients);
      expect(norm).toBeLessThanOrEqual(last + 1e-12);
      last = norm;
    }
  });

  it('rejects all-zero outcomes and bad penalties with typed errors', () => {
    expect(() => fitRidgePoisson({ y: [0, 0, 0], x: new Float64Array([1, 2, 3]), p: 1, lambda: 0.1 })).toThrow(/every outcome is zero/);
    expect(() => fitRidgePoisson({ y: [1, 0, 2], x: new Float64Array([1, 2, 3]), p: 1, lambda: -1 })).toThrow(/lambda/);
  });
});

describe('feedback-loop weights (Ensign et al. 2018)', () => {
  it('accepts a discovered incident with (1 - patrol share) rescaled so the largest acceptance is 1', () => {
    const acc = discoveredIncidentAcceptance([0.6, 0.1, 0.3]);
    expect([...acc].map((v) => +v.toFixed(12))).toEqual([+(0.4 / 0.9).toFixed(12), 1, +(0.7 / 0.9).toFixed(12)]);
  });
  it('down-weights only discovered incidents, only where dosage is known', () => {
    // modes index REPORTING_MODES: 0 public, 1 discovered, 2 unknown
    const mode = [0, 1, 1, 2, 1];
    const area = [0, 0, 1, 0, -1];
    const w = feedbackLoopWeights(mode, area, [0.6, 0.1, 0.3]);
    expect(w[0]).toBe(1);
    expect(w[1]).toBeCloseTo(0.4 / 0.9, 12);
    expect(w[2]).toBe(1);
    expect(w[3]).toBe(1);
    expect(w[4]).toBe(1);
    expect([...feedbackLoopWeights(mode, area)]).toEqual([1, 1, 1, 1, 1]);
    expect(dataMixOf(mode)).toEqual({ public: 1, discovered: 3, unknown: 1 });
  });
  it('equal patrol everywhere means no correction', () => {
    expect([...discoveredIncidentAcceptance([0.25, 0.25, 0.25, 0.25])]).toEqual([1, 1, 1, 1]);
  });
});

describe('risk bands', () => {
  it('thresholds sit where the cumulative observed share reaches 50, 75 and 90 %', () => {
    // predicted descending 10..1; observed 5,3,1,1,0,...: total 10
    const pred = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const obs = [5, 3, 1, 1, 0, 0, 0, 0, 0, 0];
    const t = calibrateRiskBands(pred, obs);
    expect(t.severe).toBe(10); // 5/10 = 50 %
    expect(t.high).toBe(9); // 8/10 >= 75 %
    expect(t.elevated).toBe(8); // 5 + 3 + 1 = 9 of 10 = 90 %, reached at the area predicted 8
    expect(riskBandOf(10, t)).toBe('severe');
    expect(riskBandOf(9.5, t)).toBe('high');
    expect(riskBandOf(1, t)).toBe('low');
  });
  it('the calibration table adds to the totals', () => {
    const table = new BandCalibrationTable();
    table.add('severe', 2, 3, 10);
    table.add('low', 0.1, 1, 0);
    table.add('low', 0.1, 0, 0);
    const rows = table.table();
    expect(rows.map((r) => r.band)).toEqual(['severe', 'high', 'elevated', 'low']);
    expect(rows[0]!.incidentShare).toBeCloseTo(0.75, 12);
    expect(rows[3]!.areaPeriods).toBe(2);
    expect(rows.reduce((s, r) => s + r.harmShare, 0)).toBeCloseTo(1, 12);
  });
});

describe('capturedShare', () => {
  it('breaks ties at random in expectation', () => {
    // 10 areas, top 10 % = 1 area; all scores tied: expected capture is 1/10 of the total.
    expect(capturedShare(new Array(10).fill(0), [5, 0, 0, 0, 0, 0, 0, 0, 0, 5], 0.1)).toBeCloseTo(0.1, 12);
    // a clear top area takes its own outcome
    expect(capturedShare([3, 1, 1, 1, 1, 1, 1, 1, 1, 1], [4, 1, 1, 1, 1, 0, 0, 0, 0, 2], 0.1)).toBeCloseTo(0.4, 12);
    // top 2: the leader plus half of a tied pair
    expect(capturedShare([3, 2, 2, 0], [1, 2, 0, 1], 0.5)).toBeCloseTo((1 + 1) / 4, 12);
  });
  it('never exceeds the oracle and does not depend on input order', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 40 }),
      fc.double({ min: 0.05, max: 1, noNaN: true }),
      (pairs, f) => {
        const s = pairs.map((p) => p[0]), o = pairs.map((p) => p[1]);
        const share = capturedShare(s, o, f);
        expect(share).toBeLessThanOrEqual(capturedShare(o, o, f) + 1e-12);
        const rev = capturedShare([...s].reverse(), [...o].reverse(), f);
        expect(rev).toBeCloseTo(share, 12);
      },
    ), { seed: 20261127, numRuns: 300 });
  });
});

/** A ring of areas whose true rate depends on a terrain factor and on last period's incidents. */
function syntheticPanel(seed: string, nAreas = 120, nPeriods = 24) {
  const rng = new SeededRng(seed);
  const areas: RiskArea[] = Array.from({ length: nAreas }, (_, i) => ({
    id: `a${String(i).padStart(3, '0')}`, lat: 0, lon: i * 0.1, district: `d${i % 6}`, population: 50_000 + 1_000 * i,
    neighbours: [(i + nAreas - 1) % nAreas, (i + 1) % nAreas],
  }));
  const roadKm = Float64Array.from({ length: nAreas }, () => rng.next() * 40);
  const noise = Float64Array.from({ length: nAreas }, () => rng.next());
  const area: number[] = [], period: number[] = [], harm: number[] = [];
  const counts = new Float64Array(nAreas);
  for (let t = 0; t < nPeriods; t++) {
    const next = new Float64Array(nAreas);
    for (let a = 0; a < nAreas; a++) {
      const rate = Math.exp(-1.2 - 0.08 * roadKm[a]! + 0.3 * Math.log1p(counts[a]!)) * 2;
      const k = poisson(rng, rate);
      for (let e = 0; e < k; e++) { area.push(a); period.push(t); harm.push(1 + Math.floor(rng.next() * 3)); }
      next[a] = k;
    }
    counts.set(next);
  }
  const terrain = [
    { name: 'road_km', description: 'km to the nearest road', values: roadKm },
    { name: 'noise', description: 'a factor unrelated to incidents', values: noise },
  ];
  return buildRiskPanel(areas, nPeriods, { area, period, harm }, terrain, { halfLifePeriods: 2, harmPeriods: 4, trendPeriods: 2, nearRepeatPeriods: 1 });
}

function poisson(rng: SeededRng, mean: number): number {
  let k = 0, p = Math.exp(-mean), s = p;
  const u = rng.next();
  while (u > s && k < 1000) { k++; p *= mean / k; s += p; }
  return k;
}

describe('area risk index', () => {
  const panel = syntheticPanel('risk-index');

  it('recovers the sign of a terrain factor that matters and shrinks one that does not', () => {
    const model = fitAreaRiskModel(panel);
    const road = model.factors.find((f) => f.name === 'road_km')!;
    const noise = model.factors.find((f) => f.name === 'noise')!;
    expect(road.coefficient).toBeLessThan(-0.3);
    expect(Math.abs(noise.coefficient)).toBeLessThan(0.15);
    expect(model.lambdaPath.length).toBe(6);
    expect(model.thresholds.severe).toBeGreaterThanOrEqual(model.thresholds.high);
    expect(model.thresholds.high).toBeGreaterThanOrEqual(model.thresholds.elevated);
  });

  it('explains every score: baseline x product of relative risks = expected', () => {
    const model = fitAreaRiskModel(panel);
    const scores = scoreAreaRisk(model, panel, panel.nPeriods);
    expect(scores.length).toBe(120);
    for (const s of scores.slice(0, 20)) {
      const product = s.factors.reduce((p, f) => p * f.relativeRisk, s.baseline);
      expect(product).toBeCloseTo(s.expected, 10);
      for (const f of s.factors) expect(f.contribution).toBeCloseTo(model.factors.find((c) => c.name === f.name)!.coefficient * f.standardised, 12);
    }
    expect(scores.map((s) => s.rank)).toEqual(scores.map((_, i) => i + 1));
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1]!.expected).toBeGreaterThanOrEqual(scores[i]!.expected);
  });

  it('per-capita variant gives rates per 100,000 consistent with the expected count', () => {
    const model = fitAreaRiskModel(panel, { perCapita: true });
    const s = scoreAreaRisk(model, panel, panel.nPeriods)[0]!;
    const pop = panel.areas[s.area]!.population!;
    expect(s.per100k).toBeCloseTo(s.expected * 100_000 / pop, 9);
  });

  it('factors at origin t use only periods before t', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 10_000 }), (t, salt) => {
      const base = syntheticPanel('risk-index', 30, 24);
      const changed = { ...base, count: base.count.slice(), harm: base.harm.slice() };
      for (let a = 0; a < 30; a++) for (let s = t; s < 24; s++) { changed.count[a * 24 + s] = (salt + a + s) % 7; changed.harm[a * 24 + s] = (salt * 3 + s) % 11; }
      expect([...riskFactorsAt(changed, t)]).toEqual([...riskFactorsAt(base, t)]);
    }), { seed: 7, numRuns: 40 });
  });

  it('backtest: where a terrain factor drives incidents, the index captures more than past counts', () => {
    const bt = backtestAreaRisk(panel, { testOrigins: [18, 19, 20, 21, 22, 23], topFraction: 0.1 });
    expect(bt.flaggedAreas).toBe(12);
    expect(bt.pooled.index.incidentShare).toBeGreaterThan(bt.pooled.pastCounts.incidentShare);
    expect(bt.pooled.index.incidentShare).toBeLessThanOrEqual(bt.pooled.oracle.incidentShare);
    const total = bt.calibration.reduce((s, r) => s + r.incidentShare, 0);
    expect(total).toBeCloseTo(1, 12);
    // the severe band, calibrated to hold about half the incidents, holds a large share again
    expect(bt.calibration[0]!.band).toBe('severe');
    expect(bt.calibration[0]!.incidentShare).toBeGreaterThan(0.3);
  });

  it('refuses a history too short to fit and validate', () => {
    const short = syntheticPanel('short', 20, 5);
    expect(() => fitAreaRiskModel(short)).toThrow(/at least 3/);
  });
});
