import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildCountPanel, parseOrigin, periodIndexOf, periodLabel, periodStartMs } from '../../src/forecast/counts/count-panel.js';

describe('count panel calendar (Pakistan time, UTC+5)', () => {
  it('months: an event at 20:00 UTC on 31 January is in February in Pakistan', () => {
    const p = periodIndexOf(Date.UTC(2021, 0, 31, 20), 'month');
    expect(periodLabel(p, 'month')).toBe('2021-02');
    expect(new Date(periodStartMs(p, 'month')).toISOString()).toBe('2021-01-31T19:00:00.000Z');
    expect(parseOrigin('2021-02', 'month')).toBe(p);
  });
  it('ISO weeks: 2021-01-03 is 2020-W53, 2021-01-04 starts 2021-W01', () => {
    const a = parseOrigin('2021-01-03', 'week'), b = parseOrigin('2021-01-04', 'week');
    expect(periodLabel(a, 'week')).toBe('2020-W53');
    expect(periodLabel(b, 'week')).toBe('2021-W01');
    expect(b - a).toBe(1);
    expect(new Date(periodStartMs(b, 'week')).toISOString()).toBe('2021-01-03T19:00:00.000Z');
  });
  it('rejects malformed origins, naming the value', () => {
    expect(() => parseOrigin('2021-13', 'month')).toThrow(/2021-13/);
    expect(() => parseOrigin('21-01', 'month')).toThrow(/YYYY-MM/);
    expect(() => parseOrigin('2021-02-30', 'week')).toThrow(/calendar date/);
    expect(() => parseOrigin('2021-02-03', 'month')).toThrow(/monthly/);
  });
  it('property: the panel keeps every event with a known unit inside the window, and period start <= time < next start', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2019, 0, 1) }), fc.integer({ min: -1, max: 2 })), { maxLength: 200 }),
        fc.constantFrom<'month' | 'week'>('month', 'week'),
        (events, period) => {
          const time = Float64Array.from(events.map((e) => e[0]));
          const unit = Int32Array.from(events.map((e) => e[1]));
          const from = periodIndexOf(Date.UTC(2016, 0, 1), period), to = periodIndexOf(Date.UTC(2018, 0, 1), period);
          const { panel, skippedOutside, skippedUnknownUnit } = buildCountPanel({ time, unit, units: ['a', 'b', 'c'], neighbours: [[1], [0, 2], [1]], period, fromPeriod: from, toPeriod: to });
          let inside = 0;
          for (const [t, u] of events) {
            const p = periodIndexOf(t, period);
            if (!(periodStartMs(p, period) <= t && t < periodStartMs(p + 1, period))) return false;
            if (p >= from && p < to && u >= 0) inside++;
          }
          const total = panel.counts.reduce((a, b) => a + b, 0);
          return total === inside && total + skippedOutside + skippedUnknownUnit === events.length;
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
