import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keepCoveredPeriods, periodOfColumn, targetIsContiguous, type CountPanel } from '../../src/forecast/counts/count-panel.js';
import {
  DEFAULT_COUNT_MODEL, forecastDistrictCounts, MODEL_SELECTION_ORIGINS, SELECTION_CANDIDATES, selectCountModel,
} from '../../src/forecast/counts/district-count-model.js';
import { runCountBacktestOnPanel } from '../../src/forecast/counts/count-backtest.js';
import { forecastRecentRate } from '../../src/forecast/counts/recent-rate-gamma-poisson.js';
import { crpsInteger } from '../../src/stats/crps.js';
import { distributionMean } from '../../src/stats/count-distributions.js';
import { SeededRng, poisson } from '../../src/random/seeded-rng.js';
import { syntheticPanel } from './panel-fixtures.js';

/** Each unit's level wanders as a random walk on the log scale, with large counts: the last value is hard to beat. */
function randomWalkPanel(U: number, T: number, seed: number): CountPanel {
  const rng = new SeededRng(seed);
  const counts = new Float64Array(U * T);
  for (let u = 0; u < U; u++) {
    let level = Math.log(30 + 30 * rng.next());
    for (let t = 0; t < T; t++) {
      // steps of up to +-50% a month, kept between 10 and 150 a month
      level = Math.min(Math.log(150), Math.max(Math.log(10), level + 0.5 * (rng.next() - 0.5) * 2));
      counts[u * T + t] = poisson(rng, Math.exp(level));
    }
  }
  const base = syntheticPanel({ units: U, periods: T, seed: 1 });
  return { ...base, counts };
}

/** Mean CRPS of a candidate over origins q (every target q + h - 1 before the origin), recomputed without the selection code. */
function pastMeanCrps(panel: CountPanel, model: (typeof SELECTION_CANDIDATES)[number], origin: number, h: number): number {
  let s = 0, n = 0;
  for (let q = origin - h - MODEL_SELECTION_ORIGINS + 1; q <= origin - h; q++) {
    const f = forecastDistrictCounts(panel, { model, origin: q, horizon: h });
    f.distributions.forEach((d, u) => { s += crpsInteger(d, panel.counts[u * panel.nPeriods + q + h - 1]!); n++; });
  }
  return s / n;
}

describe("model choice by backtest ('backtest-selected', the default)", () => {
  it('is the default, and chooses the candidate (benchmarks included) with the lowest mean CRPS on the earlier origins', () => {
    expect(DEFAULT_COUNT_MODEL).toBe('backtest-selected');
    for (const panel of [syntheticPanel({ units: 8, periods: 72, seed: 3, theta: 0.8 }), randomWalkPanel(8, 72, 4)]) {
      for (const h of [1, 3]) {
        const f = forecastDistrictCounts(panel, { origin: 66, horizon: h });
        const sel = f.selection!;
        expect(sel.pastOrigins).toBe(MODEL_SELECTION_ORIGINS);
        expect(sel.originColumns).toEqual([66 - h - MODEL_SELECTION_ORIGINS + 1, 66 - h]);
        expect(sel.candidates.map((c) => c.model).sort()).toEqual([...SELECTION_CANDIDATES].sort());
        for (const c of sel.candidates) {
          expect(c.cases).toBe(MODEL_SELECTION_ORIGINS * 8);
          expect(c.meanCrps).toBeCloseTo(pastMeanCrps(panel, c.model, 66, h), 12);
          expect(c.coverage90).toBeGreaterThanOrEqual(c.coverage50);
        }
        const best = Math.min(...sel.candidates.map((c) => c.meanCrps));
        expect(sel.candidates.find((c) => c.model === sel.chosen)!.meanCrps).toBe(best);
        // the forecast shown is the chosen candidate's own forecast
        const own = forecastDistrictCounts(panel, { model: sel.chosen, origin: 66, horizon: h });
        f.distributions.forEach((d, u) => expect(distributionMean(d)).toBe(distributionMean(own.distributions[u]!)));
      }
    }
  });

  it('shows a baseline when it wins: last value on a random walk with large counts', () => {
    const sel = forecastDistrictCounts(randomWalkPanel(8, 72, 4), { origin: 66, horizon: 1 }).selection!;
    expect(sel.chosen).toBe('last-value-poisson');
    expect(sel.candidates[0]!.model).toBe('last-value-poisson');
    expect(sel.candidates[0]!.baseline).toBe(true);
    expect(sel.candidates.find((c) => c.model === 'recent-rate-gamma-poisson')!.baseline).toBe(false);
  });

  it('on equal scores the benchmark listed first wins (a province without events: every candidate scores 0)', () => {
    const empty = { ...syntheticPanel({ units: 4, periods: 48, seed: 2 }), counts: new Float64Array(4 * 48) };
    const sel = selectCountModel(empty, 40, 1);
    expect(sel.candidates.every((c) => c.meanCrps === 0)).toBe(true);
    expect(sel.chosen).toBe(SELECTION_CANDIDATES[0]);
  });

  it('falls back to the recent-rate model, and says so, when no earlier origin can be scored', () => {
    const panel = syntheticPanel({ units: 4, periods: 30, seed: 2 });
    const sel = selectCountModel(panel, 12, 1);
    expect(sel.fallback).toBe(true);
    expect(sel.pastOrigins).toBe(0);
    expect(sel.chosen).toBe('recent-rate-gamma-poisson');
  });

  it('property: the choice and its scores ignore every count at or after the origin', () => {
    const panel = randomWalkPanel(5, 60, 8);
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 59 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 200 }), (origin, horizon, bump) => {
        const a = selectCountModel(panel, origin, horizon);
        const changed = { ...panel, counts: panel.counts.slice() };
        for (let u = 0; u < 5; u++) for (let t = origin; t < 60; t++) changed.counts[u * 60 + t] = bump + ((u + t) % 9);
        const b = selectCountModel(changed, origin, horizon);
        return a.chosen === b.chosen && a.candidates.every((c, i) => c.model === b.candidates[i]!.model && c.meanCrps === b.candidates[i]!.meanCrps);
      }),
      { seed: 23, numRuns: 12 },
    );
  });

  it('the backtest scores the choice itself (chosen at each origin on the origins before it) and counts the choices', () => {
    const panel = randomWalkPanel(6, 70, 12);
    const origins = Array.from({ length: 12 }, (_, i) => 56 + i);
    const r = runCountBacktestOnPanel(panel, { origins, horizons: [1], models: ['backtest-selected', ...SELECTION_CANDIDATES] });
    expect(Object.values(r.selectionChoices[1]!).reduce((a, b) => a + b, 0)).toBe(12);
    expect(r.overall['backtest-selected']!.cases).toBe(72);
    // the choice's score is the mean of the chosen candidates' scores, origin by origin
    let s = 0;
    for (const o of origins) {
      const f = forecastDistrictCounts(panel, { origin: o, horizon: 1 });
      f.distributions.forEach((d, u) => { s += crpsInteger(d, panel.counts[u * 70 + o]!); });
    }
    expect(r.overall['backtest-selected']!.meanCrps).toBeCloseTo(s / 72, 12);
  });
});

describe('periods no feed covers are left out of the series (keepCoveredPeriods)', () => {
  // 60 months from 2010-01; months 30..41 (2012-07..2013-06) are a gap no feed covers, recorded as zeros
  const T = 60;
  const full = randomWalkPanel(5, T, 31);
  for (let u = 0; u < 5; u++) for (let t = 30; t < 42; t++) full.counts[u * T + t] = 0;
  const covered = Array.from({ length: T }, (_, t) => t < 30 || t >= 42);
  const cut = keepCoveredPeriods(full, covered);

  it('removes the columns, keeps each column\'s own period, and continues after the panel', () => {
    expect(cut.nPeriods).toBe(48);
    expect(periodOfColumn(cut, 29)).toBe(full.firstPeriod + 29);
    expect(periodOfColumn(cut, 30)).toBe(full.firstPeriod + 42);
    expect(periodOfColumn(cut, 48)).toBe(full.firstPeriod + 60);
    expect(periodOfColumn(cut, 50)).toBe(full.firstPeriod + 62);
    for (let u = 0; u < 5; u++) expect(cut.counts[u * 48 + 30]).toBe(full.counts[u * T + 42]);
    expect(targetIsContiguous(cut, 29, 2)).toBe(false);
    expect(targetIsContiguous(cut, 30, 3)).toBe(true);
    expect(targetIsContiguous(full, 29, 2)).toBe(true);
  });

  it('a forecast right after the gap is made from the last covered month, not from the gap\'s zeros', () => {
    const zeros = forecastDistrictCounts(full, { model: 'last-value-poisson', origin: 42, horizon: 1 });
    const leftOut = forecastDistrictCounts(cut, { model: 'last-value-poisson', origin: 30, horizon: 1 });
    for (let u = 0; u < 5; u++) {
      expect(distributionMean(zeros.distributions[u]!)).toBe(0);
      expect(distributionMean(leftOut.distributions[u]!)).toBeCloseTo(full.counts[u * T + 29]!, 6);
    }
  });

  it('backtests and selections skip origins whose target lies across the gap', () => {
    const r = runCountBacktestOnPanel(cut, { origins: [27, 28, 29, 30, 31], horizons: [1, 2, 3], models: ['last-value-poisson'] });
    // origin 28: h=3 crosses (target 2013-07 for an origin in 2012-05); 29: h=2 and 3; 27, 30, 31: none
    expect(r.acrossGap).toBe(3);
    expect(r.overall['last-value-poisson']!.cases).toBe((15 - 3) * 5);
    const rr = forecastRecentRate(cut, 40, 3, 1e-12);
    // earlier origins 14..37 for h=3; 28 and 29 cross the gap
    expect(rr.fit.pastOrigins).toBe(MODEL_SELECTION_ORIGINS - 2);
    expect(selectCountModel(cut, 40, 3).pastOrigins).toBe(MODEL_SELECTION_ORIGINS - 2);
  });
});
