/**
 * Every analysis says when its window spans days no feed covers (UNCOVERED_PERIODS, built where the
 * envelope is built: analysis-request.ts coveredEnvelope; the count forecast adds the same caveat).
 * The store holds a 2021 feed and a 2024 feed ingested through the pipeline (each run records its
 * range), nothing for 2022-2023: an analysis over a window that spans the gap must name it; one
 * inside 2024 must not. Before this change no analysis but trends said anything about the gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncoveredPeriodsCaveat, type Caveat } from '@baseerat/engine';
import {
  actorsService, aggregateService, emergingHotspotsService, hotspotsService, nearRepeatService, seasonalityService, trendsService, type AnalysisContext,
} from '../../src/analysis/index.js';
import { runCountForecast } from '../../src/forecast/counts-service.js';
import { evaluateMeasureService } from '../../src/evaluate/evaluate-service.js';
import type { Store } from '../../src/store/index.js';
import { openGapStore } from './gap-store.js';


const GAP = '2021-12-31 to 2023-12-31';
const uncovered = (caveats: readonly Caveat[]) => caveats.filter((c) => c.code === 'UNCOVERED_PERIODS');

let store: Store;
let ctx: AnalysisContext;
beforeAll(async () => {
  ({ store, ctx } = await openGapStore());
}, 60_000);
afterAll(async () => { await store.close(); });

describe('UNCOVERED_PERIODS on a store with a gap between feeds', () => {
  it('the engine caveat names the uncovered stretches of a window and counts their days', () => {
    const d = (s: string) => Date.parse(`${s}T00:00:00+05:00`);
    const spans = [{ from: d('2021-01-01'), to: d('2021-12-31') }, { from: d('2024-01-01'), to: d('2025-01-01') }];
    const c = uncoveredPeriodsCaveat(spans, d('2021-06-01'), d('2024-07-01'), 'x')!;
    expect(c.code).toBe('UNCOVERED_PERIODS');
    expect(c.count).toBe(731);
    expect(c.message).toContain(`no feed covers ${GAP} (731 days) of the window of x, 2021-06-01 to 2024-06-30`);
    expect(uncoveredPeriodsCaveat(spans, d('2024-02-01'), d('2024-03-01'))).toBeUndefined();
    expect(uncoveredPeriodsCaveat(undefined, d('2021-06-01'), d('2024-07-01'))).toBeUndefined();
    // edges: days before the first and after the last covered day are uncovered too
    expect(uncoveredPeriodsCaveat(spans, d('2020-12-30'), d('2021-01-02'))!.message).toContain('no feed covers 2020-12-30 to 2020-12-31 (2 days)');
  });

  it('the analyses over the whole store name the gap', async () => {
    const envs = [
      await hotspotsService(ctx, { filter: { province: 'Balochistan' } }),
      await aggregateService(ctx, { filter: { province: 'Balochistan' } }),
      await seasonalityService(ctx, { filter: { province: 'Balochistan' } }),
      await nearRepeatService(ctx, { filter: { province: 'Balochistan' }, permutations: 99, seed: 1 }),
      await trendsService(ctx, { filter: { province: 'Balochistan' } }),
      await emergingHotspotsService(ctx, { filter: { province: 'Balochistan' } }),
      await actorsService(ctx, { filter: { province: 'Balochistan', from: '2021-01-01', to: '2025-01-01' } }),
    ];
    for (const env of envs) {
      const u = uncovered(env.caveats);
      expect(u, env.analysis).toHaveLength(1);
      // the gap is 2021-12-31 to 2023-12-31; a window starting in 2022 (trends' 36 months) holds it from 2022-01-01
      expect(u[0]!.message, env.analysis).toMatch(/no feed covers (.*, )?(2021-12-31|2022-01-01) to 2023-12-31 \(\d+ days\)/);
      expect(u[0]!.message, env.analysis).toContain(`the ${env.analysis} analysis`);
    }
  }, 120_000);

  it('an analysis whose window lies inside one feed says nothing; one whose comparison window reaches back into the gap names that part', async () => {
    const f = { province: 'Balochistan', from: '2024-02-01', to: '2024-11-01' };
    for (const env of [await aggregateService(ctx, { filter: f }), await seasonalityService(ctx, { filter: f })]) {
      expect(uncovered(env.caveats), env.analysis).toEqual([]);
    }
    // actors compare with the same length just before: 2023-05-01 to 2024-01-31, mostly uncovered
    const a = uncovered((await actorsService(ctx, { filter: f })).caveats);
    expect(a.map((c) => c.count)).toEqual([245]);
    expect(a[0]!.message).toContain('no feed covers 2023-05-01 to 2023-12-31 (245 days) of the window of the actors analysis, 2023-05-01 to 2024-10-31');
  });

  it('days after the day the analysis is made on have not happened: they are not uncovered (ctx.now, else the clock)', async () => {
    // feeds end 2024-12-31; a window to the end of March 2025, analysed on 20 January 2025 at 15:00 Pakistan time
    const f = { province: 'Balochistan', from: '2024-06-01', to: '2025-04-01' };
    const now = new Date('2025-01-20T10:00:00Z');
    const early = uncovered((await aggregateService({ ...ctx, now }, { filter: f })).caveats);
    expect(early.map((c) => c.count)).toEqual([20]);
    expect(early[0]!.message).toContain('no feed covers 2025-01-01 to 2025-01-20 (20 days) of the window of the aggregate analysis, 2024-06-01 to 2025-01-20 (to 2025-01-20, the day the analysis was made: later days have not happened yet)');
    // made after the window (the clock today): the whole of January to March 2025 is uncovered
    const late = uncovered((await aggregateService(ctx, { filter: f })).caveats);
    expect(late[0]!.message).toContain('no feed covers 2025-01-01 to 2025-03-31 (90 days) of the window of the aggregate analysis, 2024-06-01 to 2025-03-31: ');
    // made before anything uncovered: no caveat
    expect(uncovered((await aggregateService({ ...ctx, now: new Date('2024-12-20T00:00:00Z') }, { filter: f })).caveats)).toEqual([]);
  });

  it('an evaluation whose pre period spans the gap names it', async () => {
    const measure = { id: 'gap-test', name: 'test measure', type: 'operation', treated: { districts: ['Quetta'] }, comparison: { districts: ['Pishin'] }, start: '2024-07-01', preMonths: 42, postMonths: 6, illustrative: true };
    const e = await evaluateMeasureService(ctx, measure, { methods: ['its'] });
    expect(e.annotations.window.firstMonth).toBe('2021-01');
    const u = uncovered(e.caveats);
    expect(u).toHaveLength(1);
    expect(u[0]!.message).toContain(`no feed covers ${GAP} (731 days) of the window of the evaluate analysis, 2021-01-01 to 2024-12-31`);
  }, 60_000);

  it('the count forecast names the gap in its history', async () => {
    const r = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2025-01', horizon: 1, backtestOrigins: 0 });
    const u = uncovered(r.caveats);
    expect(u).toHaveLength(1);
    expect(u[0]!.message).toContain(`no feed covers ${GAP}`);
    expect(u[0]!.message).toContain("the count forecast's history");
  }, 60_000);

  it('the count forecast backtest leaves out origins whose target month no feed covers: it is scored on covered months only', async () => {
    // origins 2023-01..2024-12 (24 before 2025-01); 2023's targets lie in the gap. The old code scored all 24,
    // forecasts of missing data against zeros among them.
    // (uncovered: 'as-zero' keeps the gap in the series as zeros, as before 2026-11-27; by default the months
    // are cut out of it and every origin is covered: counts-service.test.ts)
    const r = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2025-01', horizon: 1, backtestOrigins: 24, uncovered: 'as-zero' });
    expect(r.modelCard.backtest!.origins).toBe('2024-01..2024-12');
    const left = r.caveats.find((c) => c.code === 'BACKTEST_UNCOVERED_ORIGINS')!;
    expect(left.count).toBe(12);
    expect(left.message).toContain('12 of the 24 backtest origins (2023-01..2023-12) are left out');
    // every district scored once per kept origin
    const line = r.modelCard.backtest!.lines.find((l) => l.model === r.model)!;
    expect(line.cases).toBe(12 * r.horizons[0]!.districts.length);
    // origins whose targets are all in the gap: no backtest, and it says why
    const gapOnly = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2024-01', horizon: 1, backtestOrigins: 12, uncovered: 'as-zero' });
    expect(gapOnly.modelCard.backtest).toBeNull();
    expect(gapOnly.caveats.find((c) => c.code === 'NO_BACKTEST')!.message).toContain('no feed covers the target period of any backtest origin');
  }, 120_000);
});
