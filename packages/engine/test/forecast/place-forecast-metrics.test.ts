import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellsForAreaBudget, hitRateAtAreaShare, placeForecastScores, rankCells, topRankedCells, SQUARE_FEET_PER_SQUARE_MILE } from '../../src/forecast/index.js';

describe('placeForecastScores (hand-computed)', () => {
  // 10 cells of area 1, study area 10. Observed: cell 0:5, 1:3, 2:2, 3:0 ... total 10.
  const observed = [5, 3, 2, 0, 0, 0, 0, 0, 0, 0];
  it('PAI, hit rate, PEI and PEI* for a forecast that flags cells 1 and 3', () => {
    const s = placeForecastScores({ observed, flagged: [1, 3], cellArea: 1, studyArea: 10 });
    // n = 3, N = 10, a = 2, A = 10: PAI = 0.3 / 0.2 = 1.5; n* = 5 + 3 = 8: PEI = 3/8.
    expect(s.n).toBe(3);
    expect(s.N).toBe(10);
    expect(s.hitRate).toBeCloseTo(0.3, 12);
    expect(s.pai).toBeCloseTo(1.5, 12);
    expect(s.nStar).toBe(8);
    expect(s.pei).toBeCloseTo(3 / 8, 12);
    // PAI* = (8/10)/(2/10) = 4, so PEI* = 1.5 / 4 = 0.375 = PEI (equal areas, enough cells with crime).
    expect(s.peiStar).toBeCloseTo(0.375, 12);
  });
  it('PEI* is below PEI when fewer cells saw crime than were flagged', () => {
    // Flag 4 cells: 0, 1, 3, 4 -> n = 8; n* (4 cells) = 10, PEI = 0.8.
    // Perfect forecast flags only the 3 cells with crime: a* = 3, PAI* = (10/10)/(3/10) = 10/3.
    // PAI = (8/10)/(4/10) = 2, PEI* = 2 / (10/3) = 0.6.
    const s = placeForecastScores({ observed, flagged: [0, 1, 3, 4], cellArea: 1, studyArea: 10 });
    expect(s.pei).toBeCloseTo(0.8, 12);
    expect(s.aStar).toBe(3);
    expect(s.peiStar).toBeCloseTo(0.6, 12);
  });
  it('uses the given N and A (crimes outside every cell, study area smaller than the grid)', () => {
    const s = placeForecastScores({ observed, flagged: [0], cellArea: 2, studyArea: 50, totalCrimes: 20 });
    // (5/20) / (2/50) = 6.25
    expect(s.pai).toBeCloseTo(6.25, 12);
  });
  it('unequal cell areas: the perfect forecast takes the densest cells within the area', () => {
    // areas 1, 4, 1; observed 1, 4, 2. Flag cell 1 (area 4, n = 4). Density: cell 2 (2), cell 0 (1), cell 1 (1).
    // Within a = 4: cells 2 and 0 (area 2, n* = 3) then cell 1 would exceed. PAI = (4/7)/(4/6); PAI* = (3/7)/(2/6).
    const s = placeForecastScores({ observed: [1, 4, 2], flagged: [1], cellArea: [1, 4, 1], studyArea: 6 });
    expect(s.pai).toBeCloseTo((4 / 7) / (4 / 6), 12);
    expect(s.peiStar).toBeCloseTo(((4 / 7) / (4 / 6)) / ((3 / 7) / (2 / 6)), 12);
  });
  it('undefined cases give null with a caveat, not NaN', () => {
    const s = placeForecastScores({ observed: [0, 0, 0], flagged: [0], cellArea: 1, studyArea: 3 });
    expect(s.pai).toBeNull();
    expect(s.pei).toBeNull();
    expect(s.caveats.map((c) => c.code)).toContain('NO_CRIMES');
  });
  it('rejects repeated or out-of-range flagged cells', () => {
    expect(() => placeForecastScores({ observed, flagged: [1, 1], cellArea: 1, studyArea: 10 })).toThrow(/twice/);
    expect(() => placeForecastScores({ observed, flagged: [10], cellArea: 1, studyArea: 10 })).toThrow(/flagged\[0\]/);
  });
});

describe('area budgets and ranking', () => {
  it('NIJ budgets in whole cells', () => {
    const lo = 0.25 * SQUARE_FEET_PER_SQUARE_MILE; // 6,969,600 sq ft
    const hi = 0.75 * SQUARE_FEET_PER_SQUARE_MILE;
    expect(cellsForAreaBudget(250 * 250, lo, hi, 'min')).toBe(112); // 111.5 -> 112
    expect(cellsForAreaBudget(600 * 600, lo, hi, 'min')).toBe(20); // 19.36 -> 20
    expect(cellsForAreaBudget(600 * 600, lo, hi, 'max')).toBe(58); // 58.08 -> 58
  });
  it('hit rate at an area share', () => {
    // 4 candidate cells, share 0.5 -> top 2 by intensity: cells 3 and 1 -> (4 + 1) / 10.
    expect(hitRateAtAreaShare([0, 5, 1, 9], [2, 1, 3, 4], [0, 1, 2, 3], 0.5)).toBeCloseTo(0.5, 12);
  });
  it('topRankedCells is the prefix of the full ranking, ties by lower index (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (vals, k) => {
      const cands = vals.map((_, i) => i).filter((i) => i % 3 !== 1);
      const full = Array.from(rankCells(vals, cands));
      const top = Array.from(topRankedCells(vals, cands, k));
      expect(top).toEqual(full.slice(0, Math.min(k, full.length)));
    }), { seed: 20261127, numRuns: 300 });
  });
});
