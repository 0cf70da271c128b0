import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay, localDayStart } from '../../src/analysis/aggregate.js';
import {
  coveredDaysWithin, coveredMs, describeSpan, feedCoverage, mergeSpans, spanOfRange, uncoveredPeriodsCaveat, uncoveredSpans, type CoveredSpan,
} from '../../src/analysis/feed-coverage.js';
import { mergeCaveats } from '../../src/domain/caveats.js';
import { compareWindows, countSeries, coveredCountSeries, lastCoveredStretchStart } from '../../src/analysis/trends.js';
import { columns, type Ev } from './aggregate-test-columns.js';

const H5 = 5 * 3600e3;
const DAY = 86400e3;
const local = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - H5; // Pakistan midnight
const days = (from: number, to: number): CoveredSpan => ({ from: localDayStart(from), to: localDayStart(to) });

/** Spans of whole Pakistan days within about 400 days of 2024. */
const spanArb = fc.tuple(fc.integer({ min: 19700, max: 20100 }), fc.integer({ min: 1, max: 60 })).map(([d, n]) => days(d, d + n));

describe('feed coverage spans', () => {
  it('a recorded range covers the Pakistan days of its first and last record, whole', () => {
    // 19:30 UTC on 31 December 2021 is 00:30 on 1 January 2022 in Pakistan
    const s = spanOfRange(Date.UTC(2019, 4, 2, 10), Date.UTC(2021, 11, 31, 19, 30));
    expect(describeSpan(s)).toBe('2019-05-02 to 2022-01-01');
    expect(s.from).toBe(local(2019, 5, 2));
    expect(s.to).toBe(local(2022, 1, 2));
  });

  it('merges overlapping and touching spans, keeps a gap of a day', () => {
    expect(mergeSpans([days(10, 12), days(0, 5), days(5, 7), days(13, 14), days(3, 4)])).toEqual([days(0, 7), days(10, 12), days(13, 14)]);
    expect(mergeSpans([{ from: 5, to: 5 }, { from: Number.NaN, to: 3 }])).toEqual([]);
  });

  it('per feed and overall: spans and the gaps between them (the demo: UCDP to 2021, a feed for 2024)', () => {
    const c = feedCoverage([
      { feed: 'ucdp', first: Date.UTC(1989, 0, 5), last: Date.UTC(2021, 11, 30, 8) },
      { feed: 'police', first: local(2024, 1, 1) + 3600e3, last: local(2024, 6, 30) + 3600e3 },
      { feed: 'police', first: local(2024, 8, 1) + 3600e3, last: local(2024, 12, 31) + 3600e3 },
      { feed: 'levies', first: local(2024, 1, 2), last: local(2024, 12, 30) },
      { feed: 'broken', first: Number.NaN, last: 0 },
    ]);
    expect(c.feeds.map((f) => f.feed)).toEqual(['levies', 'police', 'ucdp']);
    const police = c.feeds.find((f) => f.feed === 'police')!;
    expect(police.runs).toBe(2);
    expect(police.gaps.map(describeSpan)).toEqual(['2024-07-01 to 2024-07-31']);
    // levies covers police's July gap, so the feeds together leave only 2022-2023 out
    expect(c.gaps.map(describeSpan)).toEqual(['2021-12-31 to 2023-12-31']);
  });

  it('covered and uncovered parts add up to the window, and agree with a day-by-day count (property, seed 7)', () => {
    fc.assert(fc.property(fc.array(spanArb, { maxLength: 8 }), fc.integer({ min: 19650, max: 20150 }), fc.integer({ min: 1, max: 200 }), (spans, d0, n) => {
      const merged = mergeSpans(spans);
      const from = localDayStart(d0), to = localDayStart(d0 + n);
      const gaps = uncoveredSpans(merged, from, to);
      if (coveredMs(merged, from, to) + gaps.reduce((s, g) => s + g.to - g.from, 0) !== to - from) return false;
      let byDay = 0;
      for (let d = d0; d < d0 + n; d++) if (spans.some((s) => localDay(s.from) <= d && d < localDay(s.to))) byDay++;
      return coveredDaysWithin(merged, from, to) === byDay && gaps.every((g) => coveredMs(merged, g.from, g.to) === 0);
    }), { seed: 7, numRuns: 300 });
  });

  it('merging does not depend on the order of the runs and is idempotent (property, seed 8)', () => {
    fc.assert(fc.property(fc.array(spanArb, { maxLength: 10 }), (spans) => {
      const m = mergeSpans(spans);
      expect(mergeSpans([...spans].reverse())).toEqual(m);
      expect(mergeSpans(m)).toEqual(m);
      for (let i = 1; i < m.length; i++) expect(m[i]!.from).toBeGreaterThan(m[i - 1]!.to);
    }), { seed: 8, numRuns: 200 });
  });
});

describe('trends with coverage', () => {
  // UCDP-like history to the end of 2021 and a 2024 feed: nothing in 2022-2023
  const evs: Ev[] = [];
  for (let t = local(2021, 1, 1); t < local(2022, 1, 1); t += 3 * DAY) evs.push({ time: t + 7200e3, district: 0 });
  for (let t = local(2024, 1, 1); t < local(2025, 1, 1); t += DAY / 2) evs.push({ time: t + 3600e3, district: t % 2 === 0 ? 0 : 1 });
  const cols = columns(evs);
  const coverage = mergeSpans([spanOfRange(local(2021, 1, 1), local(2021, 12, 31) + 3600e3), spanOfRange(local(2024, 1, 1), local(2024, 12, 31) + 3600e3)]);

  it('a year-earlier window no feed covers is not compared (NO_DATA_FOR_COMPARISON with its dates); without coverage it reads as a rise from 0', () => {
    const old = compareWindows(cols, { from: local(2024, 12, 1), to: local(2025, 1, 1), previousFrom: local(2024, 11, 1) });
    expect(old.lastYear!.baseline.count).toBe(0);
    expect(old.lastYear!.summary).toMatch(/^up from none to 62, significant/);
    const c = compareWindows(cols, { from: local(2024, 12, 1), to: local(2025, 1, 1), previousFrom: local(2024, 11, 1), coverage });
    expect(c.lastYear).toBeNull();
    expect(c.previous).toEqual(old.previous);
    const cav = c.caveats.find((x) => x.code === 'NO_DATA_FOR_COMPARISON')!;
    expect(cav.message).toContain('same period a year earlier (2023-12-01 to 2023-12-31)');
  });

  it('a window the feeds cover only in part is compared per covered day (PARTLY_COVERED)', () => {
    // the previous 2 months: 15 October 2024 to 14 December 2024 ... choose a window straddling the start of the 2024 feed
    const c = compareWindows(cols, { from: local(2024, 1, 1), to: local(2024, 2, 1), previousFrom: local(2023, 12, 16), coverage });
    expect(c.previous).toBeNull(); // 16-31 December 2023: no feed
    const straddle = compareWindows(cols, { from: local(2024, 1, 16), to: local(2024, 2, 1), previousFrom: local(2023, 12, 31), coverage });
    // the previous window is 31 December 2023 to 15 January 2024: 15 of its 16 days covered
    expect(straddle.previous!.baseline.days).toBe(15);
    expect(straddle.previous!.baseline.count).toBe(30);
    expect(straddle.caveats.find((x) => x.code === 'PARTLY_COVERED')!.message).toContain('15 days of the 16 days of the previous period');
  });

  it('a current window no feed covers compares nothing (NO_DATA_IN_WINDOW)', () => {
    const c = compareWindows(cols, { from: local(2023, 3, 1), to: local(2023, 4, 1), coverage });
    expect(c.previous).toBeNull();
    expect(c.lastYear).toBeNull();
    expect(c.caveats.map((x) => x.code)).toContain('NO_DATA_IN_WINDOW');
  });

  it('full coverage changes nothing (property, seed 9)', () => {
    const all = [{ from: local(2019, 1, 1), to: local(2027, 1, 1) }];
    fc.assert(fc.property(fc.integer({ min: localDay(local(2021, 2, 1)), max: localDay(local(2024, 12, 1)) }), fc.integer({ min: 1, max: 90 }), (d, n) => {
      const o = { from: localDayStart(d), to: localDayStart(d + n) };
      expect(compareWindows(cols, { ...o, coverage: all })).toEqual(compareWindows(cols, o));
    }), { seed: 9, numRuns: 40 });
  });

  it('the monthly series marks months without data as null, keeps every counted incident, and the covered stretch ends with the window', () => {
    const o = { from: local(2021, 1, 1), to: local(2025, 1, 1), period: 'month' as const };
    const s = coveredCountSeries(cols, { ...o, coverage });
    const plain = countSeries(cols, o);
    expect(s.keys).toEqual(plain.keys);
    expect(s.counts.filter((x) => x === null)).toHaveLength(24);
    expect(s.counts[s.keys.indexOf('2022-01')]).toBeNull();
    expect(s.counts[s.keys.indexOf('2021-12')]).toBe(plain.counts[s.keys.indexOf('2021-12')]);
    expect(s.counts.reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(plain.counts.reduce((a, b) => a + b, 0));
    expect(s.caveats.find((x) => x.code === 'NO_DATA_PERIODS')!.message).toContain('24 months');
    const start = lastCoveredStretchStart(s.counts);
    expect(s.keys[start]).toBe('2024-01');
    expect(lastCoveredStretchStart(s.counts, s.keys.indexOf('2023-06'))).toBe(-1);
    expect(lastCoveredStretchStart(s.counts, s.keys.indexOf('2021-06'))).toBe(0);
  });

  it('null months are exactly the months with no covered day and no incident; totals are kept (property, seed 10)', () => {
    fc.assert(fc.property(fc.array(spanArb, { maxLength: 6 }), fc.array(fc.integer({ min: localDayStart(19700), max: localDayStart(20100) }), { maxLength: 60 }), (spans, times) => {
      const cov = mergeSpans(spans);
      const c = columns(times.map((time) => ({ time })));
      const o = { from: localDayStart(19690), to: localDayStart(20110), period: 'month' as const };
      const s = coveredCountSeries(c, { ...o, coverage: cov });
      const plain = countSeries(c, o);
      s.counts.forEach((n, i) => {
        if (n === null) expect([s.coveredDays[i], plain.counts[i]]).toEqual([0, 0]);
        else expect(n).toBe(plain.counts[i]);
      });
      expect(s.counts.reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(times.length);
    }), { seed: 10, numRuns: 100 });
  });
});

describe('UNCOVERED_PERIODS and the as-of instant', () => {
  // feeds cover 2024 up to 10 November; the analysis window is the whole of November and December
  const spans = [{ from: local(2024, 1, 1), to: local(2024, 11, 11) }];
  const from = local(2024, 11, 1), to = local(2025, 1, 1);

  it('days after the day of the as-of instant have not happened: they are not called uncovered', () => {
    // made on 20 November at 15:30 Pakistan time: 11-20 November are uncovered (10 whole days, as coverage counts days), not the rest of the year
    const asOf = local(2024, 11, 20) + 15.5 * 3600e3;
    const c = uncoveredPeriodsCaveat(spans, from, to, 'x', { asOf })!;
    expect(c.message).toContain('no feed covers 2024-11-11 to 2024-11-20 (10 days) of the window of x, 2024-11-01 to 2024-11-20 (to 2024-11-20, the day the analysis was made: later days have not happened yet): ');
    expect(c.count).toBe(10);
    expect(c.about!.periods).toEqual([{ from: local(2024, 11, 11), to: local(2024, 11, 21) }]);
    // without an as-of instant (or with one after the window) the whole rest of the window is uncovered
    for (const c2 of [uncoveredPeriodsCaveat(spans, from, to, 'x')!, uncoveredPeriodsCaveat(spans, from, to, 'x', { asOf: local(2025, 3, 1) })!]) {
      expect(c2.message).toContain('no feed covers 2024-11-11 to 2024-12-31 (51 days) of the window of x, 2024-11-01 to 2024-12-31: ');
    }
    // an instant on the window's last day cuts nothing: the window reads as before
    const lastDay = uncoveredPeriodsCaveat(spans, from, local(2024, 11, 21), 'x', { asOf: local(2024, 11, 20) + 6 * 3600e3 })!;
    expect(lastDay.message).toContain('no feed covers 2024-11-11 to 2024-11-20 (10 days) of the window of x, 2024-11-01 to 2024-11-20: ');
    // nothing uncovered up to the day of the instant (the last covered day), or a window after it: no caveat
    expect(uncoveredPeriodsCaveat(spans, from, to, 'x', { asOf: local(2024, 11, 11) - 1 })).toBeUndefined();
    expect(uncoveredPeriodsCaveat(spans, local(2025, 2, 1), local(2025, 3, 1), 'x', { asOf: local(2025, 1, 15) })).toBeUndefined();
  });

  it('a caveat about the day the analysis is made on folds into UNCOVERED_PERIODS cut at that day (the trends window ends with it)', () => {
    // no feed covers November; a trends window of November asked on 20 November at 15:30 is cut at the end of that day
    const asOf = local(2024, 11, 20) + 15.5 * 3600e3;
    const window = uncoveredPeriodsCaveat(spans.map((x) => ({ ...x, to: local(2024, 11, 1) })), local(2024, 10, 1), to, 'the trends analysis', { asOf })!;
    const cmp = compareWindows(columns([]), { from: local(2024, 11, 1), to: local(2024, 11, 21), previousFrom: local(2024, 10, 1), coverage: spans.map((x) => ({ ...x, to: local(2024, 11, 1) })) });
    expect(cmp.caveats.map((x) => x.code)).toEqual(['NO_DATA_IN_WINDOW']);
    expect(mergeCaveats([window, ...cmp.caveats]).map((x) => x.code)).toEqual(['UNCOVERED_PERIODS']);
  });

  it('an analysis that leaves uncovered days out says so instead of "read them as none"', () => {
    const c = uncoveredPeriodsCaveat(spans, from, to, 'x', { reads: 'the model is fitted on the covered months only' })!;
    expect(c.message).toMatch(/not zero incidents, and the model is fitted on the covered months only$/);
  });

  it('the trends caveats about uncovered periods of the window are one caveat with the UNCOVERED_PERIODS one', () => {
    // a 2024 feed and a 2021 feed; December 2024 against December 2023 (uncovered), 36 months of series from January 2022
    const cov = mergeSpans([{ from: local(2021, 1, 1), to: local(2021, 12, 31) }, { from: local(2024, 1, 1), to: local(2025, 1, 1) }]);
    const evs: Ev[] = [];
    for (let t = local(2024, 1, 1); t < local(2025, 1, 1); t += DAY) evs.push({ time: t + 3600e3, district: 0 });
    const cols = columns(evs);
    const cmp = compareWindows(cols, { from: local(2024, 12, 1), to: local(2025, 1, 1), previousFrom: local(2024, 11, 1), coverage: cov });
    const series = coveredCountSeries(cols, { from: local(2022, 1, 1), to: local(2025, 1, 1), period: 'month', coverage: cov });
    const window = uncoveredPeriodsCaveat(cov, local(2022, 1, 1), local(2025, 1, 1), 'the trends analysis')!;
    const given = [window, ...cmp.caveats, ...series.caveats];
    expect(given.map((c) => c.code)).toEqual(['UNCOVERED_PERIODS', 'NO_DATA_FOR_COMPARISON', 'NO_DATA_PERIODS']);
    const merged = mergeCaveats(given);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.message).toBe(`${window.message}; for the same reason, the same period a year earlier (2023-12-01 to 2023-12-31) is not compared; 24 months of the series (2022-01, 2022-02, 2022-03 ... 2023-11, 2023-12) are shown as no data, not as 0`);
    expect(merged[0]!.merged!.map((c) => c.code)).toEqual(['UNCOVERED_PERIODS', 'NO_DATA_FOR_COMPARISON', 'NO_DATA_PERIODS']);
  });
});
