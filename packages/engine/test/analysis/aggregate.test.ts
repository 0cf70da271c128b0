import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, isoWeek, localDay, periodKeyOfDay, periodKeys, type AggregateOptions, type AggregateRow } from '../../src/analysis/aggregate.js';
import { arbEvent, columns, type Ev } from './aggregate-test-columns.js';

const karachiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Karachi', year: 'numeric', month: '2-digit', day: '2-digit' });
const sumRows = (rows: AggregateRow[]) => rows.reduce((s, r) => ({ count: s.count + r.count, killed: s.killed + r.killed, harm: s.harm + r.harm }), { count: 0, killed: 0, harm: 0 });

describe('local periods (Asia/Karachi, UTC+5)', () => {
  it('day keys agree with the IANA time zone database for arbitrary instants (property, seed 21)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), (t) => periodKeyOfDay(localDay(t), 'day') === karachiDay.format(new Date(t))),
      { seed: 21, numRuns: 500 },
    );
  });
  it('an event at 19:30 UTC belongs to the next local day', () => {
    expect(periodKeyOfDay(localDay(Date.UTC(2024, 2, 10, 19, 30)), 'day')).toBe('2024-03-11');
    expect(periodKeyOfDay(localDay(Date.UTC(2024, 11, 31, 19, 0)), 'month')).toBe('2025-01');
  });
  it('ISO weeks at year boundaries', () => {
    expect(isoWeek(localDay(Date.UTC(2024, 11, 30, 6)))).toEqual({ year: 2025, week: 1 });
    expect(isoWeek(localDay(Date.UTC(2021, 0, 3, 6)))).toEqual({ year: 2020, week: 53 });
    expect(periodKeyOfDay(localDay(Date.UTC(2026, 0, 1, 6)), 'week')).toBe('2026-W01');
  });
  it('periodKeys lists every month in a window, including empty ones', () => {
    expect(periodKeys(Date.UTC(2023, 10, 15), Date.UTC(2024, 1, 1) - 5 * 3600e3, 'month')).toEqual(['2023-11', '2023-12', '2024-01']);
    expect(periodKeys(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 15), 'week')).toHaveLength(3);
  });
});

describe('aggregate', () => {
  const opts: AggregateOptions[] = [
    { space: { kind: 'district' }, period: 'month', byCategoryGroup: true },
    { space: { kind: 'h3', resolution: 7 }, period: 'week' },
    { space: { kind: 'grid', cellMetres: 30000 }, period: 'day' },
    { period: 'month', harmWeights: { killed: 3, injured: 1, abducted: 2 } },
  ];
  it('keeps totals: rows sum to the totals, and binned + skipped = events in the window (property, seed 5)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbEvent, fc.nat({ max: 19 })), { maxLength: 80 }), fc.integer({ min: 0, max: opts.length - 1 }), (pairs, oi) => {
        // One event in twenty has no valid time.
        const evs = pairs.map(([e, k]) => (k === 0 ? { ...e, time: Number.NaN } : e));
        const r = aggregate(columns(evs), opts[oi]!);
        const s = sumRows(r.rows);
        expect(s.count).toBe(r.totals.count);
        expect(s.killed).toBe(r.totals.killed);
        expect(s.harm).toBeCloseTo(r.totals.harm, 9);
        const skipped = r.caveats.reduce((a, c) => a + (c.count ?? 0), 0);
        expect(r.totals.count + skipped).toBe(r.eventsInWindow);
      }),
      { seed: 5, numRuns: 150 },
    );
  });
  it('does not depend on the order of the events (property, seed 6)', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 60 }).chain((evs) => fc.tuple(fc.constant(evs), fc.shuffledSubarray(evs, { minLength: evs.length, maxLength: evs.length }))), fc.integer({ min: 0, max: opts.length - 1 }), ([a, b], oi) => {
        expect(aggregate(columns(b), opts[oi]!)).toEqual(aggregate(columns(a), opts[oi]!));
      }),
      { seed: 6, numRuns: 100 },
    );
  });
  it('counts, harm with the default 1/0.5/0.5 weights, and rates per 100,000', () => {
    const evs: Ev[] = [
      { time: Date.UTC(2024, 0, 5), district: 0, killed: 2, injured: 4 },
      { time: Date.UTC(2024, 0, 20), district: 0, abducted: 2 },
      { time: Date.UTC(2024, 1, 2), district: 1, killed: 1 },
      { time: Date.UTC(2024, 1, 3), district: -1, killed: 9 },
    ];
    const r = aggregate(columns(evs), { space: { kind: 'district' }, period: 'month', population: { Quetta: 2_595_492 } });
    expect(r.rows).toEqual([
      { area: 'Kech', period: '2024-02', count: 1, killed: 1, injured: 0, abducted: 0, harm: 1 },
      { area: 'Quetta', period: '2024-01', count: 2, killed: 2, injured: 4, abducted: 2, harm: 5, countPer100k: (2 / 2_595_492) * 1e5, harmPer100k: (5 / 2_595_492) * 1e5 },
    ]);
    expect(r.caveats.map((c) => [c.code, c.count])).toEqual([['NO_DISTRICT', 1], ['NO_POPULATION', 1]]);
  });
  it('keeps events located only within 25 km out of fine cells but puts them in 30 km grid cells', () => {
    const evs: Ev[] = [
      { time: Date.UTC(2024, 0, 5), lat: 30.18, lon: 66.99, locationPrecision: 0 },
      { time: Date.UTC(2024, 0, 6), lat: 30.2, lon: 67.0, locationPrecision: 1 },
      { time: Date.UTC(2024, 0, 7), district: 0, locationPrecision: 2 },
    ];
    const h3 = aggregate(columns(evs), { space: { kind: 'h3', resolution: 7 } });
    expect(h3.totals.count).toBe(1);
    expect(h3.caveats.map((c) => c.code)).toEqual(['NO_POINT', 'PLACE_TOO_COARSE']);
    const grid = aggregate(columns(evs), { space: { kind: 'grid', cellMetres: 30000 } });
    expect(grid.totals.count).toBe(2);
  });
  it('puts month-precise events in months but not in weeks', () => {
    const evs: Ev[] = [{ time: Date.UTC(2024, 0, 1), timePrecision: 2 }, { time: Date.UTC(2024, 0, 9), timePrecision: 0 }];
    expect(aggregate(columns(evs), { period: 'month' }).totals.count).toBe(2);
    const w = aggregate(columns(evs), { period: 'week' });
    expect(w.totals.count).toBe(1);
    expect(w.caveats[0]!.code).toBe('TIME_TOO_COARSE');
  });
  it('rejects an H3 resolution outside 5..9', () => {
    expect(() => aggregate(columns([]), { space: { kind: 'h3', resolution: 11 } })).toThrow(/got 11/);
  });
});
