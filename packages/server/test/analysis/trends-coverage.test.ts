/**
 * trendsService on a store with a gap between its feeds: months no feed covers are "no data", not
 * 0. A store holding one feed for 2021 and another for 2024 (each ingested through the pipeline, so
 * each run records its range) must not compare December 2024 with an empty December 2023, nor run
 * Mann-Kendall across the empty 2022-2023. Before feed coverage it did both: "up from none to 62"
 * and an increasing trend over 36 months measured the gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caveatCodes, findCaveat, incidentIdFor } from '@baseerat/engine';
import { feedCoverageService, trendsService, type AnalysisContext } from '../../src/analysis/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { report } from '../store/conformance.js';
import { geography, openGapStore } from './gap-store.js';


let store: Store;
let ctx: AnalysisContext;
beforeAll(async () => {
  ({ store, ctx } = await openGapStore());
}, 60_000);
afterAll(async () => { await store.close(); });

describe('trends on a store with a gap between feeds', () => {
  it('feed coverage shows each feed\'s span and the gap between them', async () => {
    const c = await feedCoverageService(ctx);
    expect(c.feeds.map((f) => [f.feed, f.spans.map((s) => s.label)])).toEqual([
      ['archive', ['2021-01-01 to 2021-12-30']],
      ['rescue1122', ['2024-01-01 to 2024-12-31']],
    ]);
    expect(c.gaps.map((g) => g.label)).toEqual(['2021-12-31 to 2023-12-31']);
  });

  it('does not compare December 2024 with the uncovered December 2023, and says so', async () => {
    const env = await trendsService(ctx, { filter: { province: 'Balochistan' } });
    expect(env.annotations.window.from).toBe('2024-11-30T19:00:00.000Z');
    const cmp = env.result.comparison;
    expect(cmp.previous!.current.count).toBe(62);
    expect(cmp.previous!.baseline.count).toBe(60); // November 2024
    expect(cmp.lastYear).toBeNull();
    const noData = findCaveat(env.caveats, 'NO_DATA_FOR_COMPARISON')!;
    expect(noData.message).toContain('2023-12-01 to 2023-12-31');
    expect(env.annotations.sentences.lastYear).toBe('not compared: no data for 2023-12-01 to 2023-12-31 (no feed covers it)');
    expect(env.annotations.sentences.lastYear).not.toMatch(/up|from none/);
  });

  it('the monthly series has null (no data) for 2022-2023, and Mann-Kendall runs over 2024 alone', async () => {
    const env = await trendsService(ctx, { filter: { province: 'Balochistan' } });
    const s = env.result.series;
    expect(s.keys[0]).toBe('2022-01');
    expect(s.keys).toHaveLength(36);
    expect(s.counts.slice(0, 24)).toEqual(new Array(24).fill(null));
    expect(s.counts.slice(24).every((n) => typeof n === 'number' && n >= 56)).toBe(true);
    expect(env.annotations.trendMonths).toEqual({ from: '2024-01', to: '2024-12', count: 12 });
    expect(env.result.trend!.n).toBe(12);
    // a steady feed: no trend once the gap is not read as zeros
    expect(env.result.trend!.direction).toBe('no trend');
    expect(caveatCodes(env.caveats)).toEqual(expect.arrayContaining(['TREND_COVERED_STRETCH', 'NO_DATA_PERIODS']));
  });

  it('says once that no feed covers 2022-2023: one caveat, which names what follows at each step and lists the caveats it stands for', async () => {
    const env = await trendsService(ctx, { filter: { province: 'Balochistan' } });
    // before: UNCOVERED_PERIODS, NO_DATA_FOR_COMPARISON (December 2023), NO_DATA_PERIODS (2022-01..2023-12) and
    // TREND_COVERED_STRETCH (2023-12) each said that no feed covers part of 2022-2023, as four caveats
    const saying = env.caveats.filter((c) => /no feed covers|no data for/.test(c.message));
    expect(saying.map((c) => c.code)).toEqual(['UNCOVERED_PERIODS']);
    const one = saying[0]!;
    expect(one.message).toMatch(/^no feed covers 2022-01-01 to 2023-12-31 \(730 days\) of the window of the trends analysis, 2022-01-01 to 2024-12-31: /);
    expect(one.message).toContain('for the same reason, ');
    expect(one.message).toContain('the same period a year earlier (2023-12-01 to 2023-12-31) is not compared');
    expect(one.message).toContain('24 months of the series (2022-01, 2022-02, 2022-03 ... 2023-11, 2023-12) are shown as no data, not as 0');
    expect(one.message).toContain('the trend test runs over the 12 months 2024-01 to 2024-12 only');
    expect(one.merged!.map((c) => c.code)).toEqual(['UNCOVERED_PERIODS', 'TREND_COVERED_STRETCH', 'NO_DATA_FOR_COMPARISON', 'NO_DATA_PERIODS']);
    // every caveat's text appears once
    expect(new Set(env.caveats.map((c) => c.message)).size).toBe(env.caveats.length);
  });

  it('a given window that reaches past the day of the request (ctx.now) is cut at its end: the days to come are neither uncovered nor compared', async () => {
    const f = { province: 'Balochistan', from: '2024-12-01', to: '2025-01-01' };
    // asked at noon on 16 December, Pakistan time: the window ends with that day
    const env = await trendsService({ ...ctx, now: new Date('2024-12-16T07:00:00Z') }, { filter: f });
    expect(env.annotations.window.to).toBe('2024-12-16T19:00:00.000Z');
    expect(env.annotations.window.requestedTo).toBe('2024-12-31T19:00:00.000Z');
    expect(env.result.comparison.current.days).toBe(16);
    expect(findCaveat(env.caveats, 'INCOMPLETE_LATEST_PERIOD')!.message).toMatch(/^the data end on 2024-12-16 \(the day the analysis was made\), inside the period 2024-12-01 to 2024-12-31: it is compared over the 16 days/);
    // an explicit asOf (a report's now) is the instant itself, as before
    const report = await trendsService({ ...ctx, now: new Date('2024-12-16T07:00:00Z') }, { filter: f, asOf: new Date('2024-12-10T19:00:00Z') });
    expect(report.annotations.window.to).toBe('2024-12-10T19:00:00.000Z');
    // without the request's time the window is compared whole (the old behaviour, the API before it passed now)
    const whole = await trendsService(ctx, { filter: f });
    expect(whole.annotations.window.to).toBe('2024-12-31T19:00:00.000Z');
  });

  it('a window of 2021 against 2020 (before any feed) is not compared either; within 2021 it is', async () => {
    const y = await trendsService(ctx, { filter: { province: 'Balochistan', from: '2021-01-01', to: '2022-01-01' } });
    expect(y.result.comparison.previous).toBeNull();
    expect(y.result.comparison.lastYear).toBeNull();
    const m = await trendsService(ctx, { filter: { province: 'Balochistan', from: '2021-06-01', to: '2021-07-01' } });
    expect(m.result.comparison.previous!.baseline.count).toBeGreaterThan(0);
    expect(m.result.comparison.lastYear).toBeNull();
  });

  it('a store whose data came without ingest runs reads as before, with COVERAGE_UNKNOWN', async () => {
    const bare = await openStore(':memory:', { duckdb: { threads: '1' } });
    try {
      const rs = [report({ sourceId: 'a', occurredAt: '2023-12-10T05:00:00.000Z', district: 'Quetta', province: 'Balochistan' }), report({ sourceId: 'b', occurredAt: '2024-12-10T05:00:00.000Z', district: 'Quetta', province: 'Balochistan' })];
      await bare.writeBatch({ newIncidents: rs.map((r) => ({ id: incidentIdFor(`${r.source.agency}:${r.source.sourceId}`), reports: [r], links: [] })), attachments: [], quarantine: [] });
      const env = await trendsService({ store: bare, geography }, { filter: { province: 'Balochistan' } });
      expect(env.annotations.coverageKnown).toBe(false);
      expect(env.caveats.map((c) => c.code)).toContain('COVERAGE_UNKNOWN');
      expect(env.result.comparison.lastYear!.baseline.count).toBe(1);
      expect(env.result.series.counts.every((n) => n !== null)).toBe(true);
    } finally {
      await bare.close();
    }
  });
});
