/**
 * mergeCaveats: one fact said once. Caveats that state that no feed covers a period lying inside the
 * periods of another such caveat are folded into it (its message then lists what follows from the fact
 * at each step; `merged` keeps each original caveat); anything else stays as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caveat, caveatCodes, factCaveat, findCaveat, mergeCaveats, periodsWithin, type Caveat } from '../../src/domain/caveats.js';

const D = 86400e3;
const notCovered = (code: string, message: string, periods: [number, number][], then: string) =>
  factCaveat(code, message, { fact: 'NOT_COVERED', periods: periods.map(([a, b]) => ({ from: a * D, to: b * D })) }, then);

describe('mergeCaveats', () => {
  const window = notCovered('UNCOVERED_PERIODS', 'no feed covers days 0 to 99 of the window', [[0, 100]], 'no feed covers days 0 to 99');
  const previous = notCovered('NO_DATA_FOR_COMPARISON', 'no feed covers the previous period (days 60 to 89): it is not compared', [[60, 90]], 'the previous period (days 60 to 89) is not compared');
  const districts = notCovered('NO_DATA_FOR_COMPARISON', '3 districts are not compared: no feed covers the previous period (days 60 to 89)', [[60, 90]], '3 districts are not compared with the previous period');
  const series = notCovered('NO_DATA_PERIODS', 'no feed covers 2 months of the series', [[30, 60], [70, 100]], '2 months of the series are shown as no data');
  const other = caveat('OVERDISPERSED', 'daily counts vary 3 times more than a Poisson process would');
  const elsewhere = notCovered('NO_DATA_FOR_COMPARISON', 'no feed covers the same period a year earlier (days 95 to 120)', [[95, 121]], 'the same period a year earlier is not compared');

  it('folds the caveats whose periods lie inside another\'s into it, in its place, and keeps every consequence and code', () => {
    const out = mergeCaveats([other, previous, window, series, districts, other]);
    expect(out.map((c) => c.code)).toEqual(['OVERDISPERSED', 'UNCOVERED_PERIODS']);
    const m = out[1]!;
    expect(m.message).toBe('no feed covers days 0 to 99 of the window; for the same reason, the previous period (days 60 to 89) is not compared; 2 months of the series are shown as no data; 3 districts are not compared with the previous period');
    expect(m.merged!.map((c) => c.message)).toEqual([window.message, previous.message, series.message, districts.message]);
    expect(m.merged!.every((c) => c.merged === undefined)).toBe(true);
    expect(caveatCodes(out)).toEqual(['OVERDISPERSED', 'UNCOVERED_PERIODS', 'NO_DATA_FOR_COMPARISON', 'NO_DATA_PERIODS']);
    expect(findCaveat(out, 'NO_DATA_PERIODS')).toEqual(series);
    expect(findCaveat(out, 'UNCOVERED_PERIODS')!.message).toBe(window.message);
  });

  it('two caveats about the same period are one (the first keeps its place); one that reaches outside stays on its own', () => {
    const out = mergeCaveats([previous, districts, elsewhere]);
    expect(out).toHaveLength(2);
    expect(out[0]!.message).toBe(`${previous.message}; for the same reason, 3 districts are not compared with the previous period`);
    expect(out[1]).toBe(elsewhere);
  });

  it('changes nothing without a shared fact: no fact, different facts, or disjoint periods', () => {
    const plain = [caveat('A', 'a'), caveat('B', 'b', 2)];
    expect(mergeCaveats(plain)).toEqual(plain);
    expect(mergeCaveats([previous, elsewhere])).toEqual([previous, elsewhere]);
  });

  it('is idempotent: merging again, or meeting an original beside its merged caveat, adds nothing (property, seed 11)', () => {
    const pool = [window, previous, districts, series, other, elsewhere];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 12 }), (list) => {
      const once = mergeCaveats(list);
      expect(mergeCaveats(once)).toEqual(once);
      expect(mergeCaveats([...once, ...list])).toEqual(once);
      // nothing is lost: every caveat given is in the output or stands for one in it
      const kept = once.flatMap((c) => c.merged ?? [c]).map((c: Caveat) => `${c.code}|${c.message}`);
      for (const c of list) expect(kept).toContain(`${c.code}|${c.message}`);
      // and no fact is said twice: no output's periods lie inside another output's of the same fact
      for (const a of once) for (const b of once) {
        if (a !== b && a.about !== undefined && b.about !== undefined) expect(periodsWithin(a.about.periods, b.about.periods)).toBe(false);
      }
    }), { seed: 11, numRuns: 300 });
  });
});
