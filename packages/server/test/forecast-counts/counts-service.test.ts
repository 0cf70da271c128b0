/**
 * The count forecast service end to end: an in-memory DuckDB store, the shipped geography and the
 * real linker, fed with synthetic district-level incidents (seeded) through the levies mapping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINK_RULES, linkBatch, SeededRng, poisson } from '@baseerat/engine';
import { ingestStream } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';
import { runCountForecast, type CountForecastResult } from '../../src/forecast/counts-service.js';
import { runCountBacktest } from '../../src/forecast/counts-backtest.js';
import { openGapStore } from '../analysis/gap-store.js';

const root = new URL('../../../../', import.meta.url).pathname;
const HEADER = 'ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported';
const RATES: Record<string, number> = { Quetta: 2.5, Kech: 1.2, Pishin: 0.6, Mastung: 0.8, Gwadar: 0.3, 'Dera Bugti': 0.9 };

/** One row per synthetic incident, months [fromYear-01, toYear-12], at most one per district and day (so none are linked). */
function rows(seed: number, fromYear: number, toYear: number, prefix: string): string {
  const rng = new SeededRng(seed);
  const out: string[] = [HEADER];
  let id = 0;
  for (let y = fromYear; y <= toYear; y++) {
    for (let m = 1; m <= 12; m++) {
      for (const [district, rate] of Object.entries(RATES)) {
        const n = Math.min(20, poisson(rng, rate * (1 + 0.5 * Math.sin((2 * Math.PI * m) / 12))));
        const days = Array.from({ length: 28 }, (_, i) => i + 1).sort(() => 0).slice(0, n);
        for (const d of days) {
          out.push(`${prefix}-${id++},${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y},10:00,,,,${district},Firing,0,1,0,,,synthetic,R,`);
        }
      }
    }
  }
  return out.join('\n') + '\n';
}

let store: Store | undefined;
afterEach(async () => { await store?.close(); store = undefined; });

async function ingest(s: Store, text: string): Promise<void> {
  const adapter = await loadMappingFile(`${root}data/mappings/examples/levies.json`);
  const r = await ingestStream([text], { adapter, store: s, geocoder: loadGeography(), link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: '2026-01-01T00:00:00.000Z' });
  expect(r.quarantined).toBe(0);
}

function checkDistributions(r: CountForecastResult): void {
  for (const h of r.horizons) {
    expect(h.districts).toHaveLength(34);
    for (const d of h.districts) {
      const s = d.probabilities.reduce((a, b) => a + b, 0);
      expect(d.tailProbability).toBeLessThan(1e-6);
      expect(Math.abs(s + d.tailProbability - 1)).toBeLessThan(1e-9);
      expect(d.interval90[0]).toBeLessThanOrEqual(d.interval50[0]);
      expect(d.interval90[1]).toBeGreaterThanOrEqual(d.interval50[1]);
    }
  }
  // JSON-serialisable without NaN or Infinity (both would silently become null).
  const bad: string[] = [];
  const json = JSON.stringify(r, (k, v: unknown) => { if (typeof v === 'number' && !Number.isFinite(v)) bad.push(k); return v; });
  expect(bad).toEqual([]);
  expect(JSON.parse(json)).toEqual(r);
}

describe('runCountForecast / runCountBacktest', () => {
  it('forecasts every Balochistan district for 2 months, and incidents after the origin change nothing', async () => {
    store = await openStore(':memory:');
    await ingest(store, rows(1, 2017, 2020, 'A'));
    const opts = { db: store, province: 'Balochistan', period: 'month' as const, origin: '2021-01', horizon: 2, backtestOrigins: 1 };
    const first = await runCountForecast(opts);
    checkDistributions(first);
    expect(first.horizons.map((h) => h.period)).toEqual(['2021-01', '2021-02']);
    expect(first.horizons[0]!.periodStart).toBe('2020-12-31T19:00:00.000Z');
    expect(first.modelCard.data).toMatchObject({ province: 'Balochistan', from: '2017-01', to: '2020-12', periods: 48, districts: 34 });
    expect(first.model).toBe('backtest-selected');
    expect(first.modelCard.backtest?.lines.map((l) => l.model)).toEqual(['backtest-selected', 'last-value-poisson', 'historical-mean-poisson', 'bootstrap-past-values', 'recent-rate-gamma-poisson']);
    expect(first.modelCard.knownLimits.some((l) => l.includes('UCDP'))).toBe(true);
    const quetta = first.horizons[0]!.districts.find((d) => d.district === 'Quetta')!;
    const zhob = first.horizons[0]!.districts.find((d) => d.district === 'Zhob')!;
    expect(quetta.mean).toBeGreaterThan(zhob.mean);

    await ingest(store, rows(2, 2021, 2021, 'B')); // all after the origin
    const again = await runCountForecast(opts);
    expect(again).toEqual(first);

    // The check above can fail: one more incident before the origin does change the forecast.
    await ingest(store, `${HEADER}\nC-1,15/12/2020,09:00,,,,Zhob,Firing,0,1,0,,,synthetic,R,\n`);
    const changed = await runCountForecast(opts);
    expect(changed.horizons[0]!.districts.find((d) => d.district === 'Zhob')!.lastObserved).toBe(zhob.lastObserved + 1);
    expect(changed).not.toEqual(first);
  });

  it('weekly forecasts by ISO week, and a smoke backtest on a small window', async () => {
    store = await openStore(':memory:');
    await ingest(store, rows(3, 2019, 2020, 'W'));
    const weekly = await runCountForecast({ db: store, province: 'Balochistan', period: 'week', origin: '2020-06-03', horizon: 1, backtestOrigins: 0 });
    checkDistributions(weekly);
    expect(weekly.horizons[0]!.period).toBe('2020-W23');
    expect(weekly.modelCard.backtest).toBeNull();

    const bt = await runCountBacktest({ db: store, province: 'Balochistan', period: 'month', from: '2020-08', to: '2020-10', models: ['auto', 'last-value-poisson', 'historical-mean-poisson'] });
    expect(bt.skipped).toEqual({});
    expect(bt.overall['auto']!.cases).toBe(34 * 3 * 3);
    expect(bt.table.split('\n')).toHaveLength(5);
    expect(bt.originLabels).toEqual(['2020-08', '2020-10']);
    for (const m of bt.models) expect(Number.isFinite(bt.overall[m]!.meanCrps)).toBe(true);
  });

  it('shows the model with the best backtest on earlier months, baselines included, and says which won and by how much', async () => {
    store = await openStore(':memory:');
    await ingest(store, rows(1, 2017, 2020, 'A'));
    const r = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 2, backtestOrigins: 0 });
    for (const h of r.horizons) {
      const sel = h.selection!;
      expect(sel.pastOrigins).toBe(24);
      expect(sel.candidates.map((c) => c.model).sort()).toEqual(['bootstrap-past-values', 'historical-mean-poisson', 'last-value-poisson', 'recent-rate-gamma-poisson']);
      const best = sel.candidates.reduce((a, c) => (c.meanCrps < a.meanCrps ? c : a));
      expect(h.model).toBe(best.model);
      expect(sel.chosen).toBe(best.model);
      expect(sel.baseline).toBe(best.model !== 'recent-rate-gamma-poisson');
      expect(sel.statement).toContain(`Model for ${h.period}: ${best.model}`);
      expect(sel.statement).toMatch(/Mean CRPS [\d.]+ on 816 district-months \(24 origins 20\d\d-\d\d\.\.20\d\d-\d\d before the forecast/);
      expect(sel.statement).toContain('50% / 90% intervals held');
      expect(r.caveats.filter((c) => c.code === 'MODEL_CHOICE').map((c) => c.message)).toContain(sel.statement);
      expect(r.caveats.some((c) => c.code === 'BASELINE_CHOSEN' && c.message.includes(h.period))).toBe(sel.baseline);
    }
  }, 120_000);

  it('leaves the months no feed covers out of the history instead of reading them as zeros', async () => {
    // Quetta: a call every 3 days in 2021, every 12 hours in 2024, nothing (no feed) in 2022-2023
    const gap = await openGapStore();
    store = gap.store;
    const opts = { db: store, province: 'Balochistan', period: 'month' as const, origin: '2024-01', horizon: 1, backtestOrigins: 0, model: 'last-value-poisson' as const };
    const left = await runCountForecast(opts);
    const zeros = await runCountForecast({ ...opts, uncovered: 'as-zero' });
    const quetta = (r: CountForecastResult) => r.horizons[0]!.districts.find((d) => d.district === 'Quetta')!;
    // December 2021: 10 or 11 calls every 3 days; read as zeros, the last month before 2024 is December 2023 with none
    expect(quetta(left).lastObserved).toBeGreaterThanOrEqual(10);
    expect(quetta(left).mean).toBeCloseTo(quetta(left).lastObserved, 3); // the vector stops where P(X > K) < 1e-6
    expect(quetta(zeros).mean).toBe(0);
    expect(left.modelCard.data).toMatchObject({ from: '2021-01', to: '2021-12', periods: 12, uncovered: 'leave-out', leftOutPeriods: ['2022-01..2023-12'] });
    expect(zeros.modelCard.data).toMatchObject({ periods: 36, uncovered: 'as-zero', leftOutPeriods: [] });
    const u = left.caveats.find((c) => c.code === 'UNCOVERED_PERIODS')!;
    expect(u.message).toContain('the count models leave these 24 months (2022-01..2023-12) out of the history');
    expect(zeros.caveats.find((c) => c.code === 'UNCOVERED_PERIODS')!.message).toContain('read them as none');
    // the backtest command likewise: its origins are the covered months of [from, to]
    const bt = await runCountBacktest({ db: store, province: 'Balochistan', period: 'month', from: '2024-02', to: '2024-04', horizons: [1], models: ['historical-mean-poisson'] });
    expect(bt.history).toMatchObject({ from: '2021-01', to: '2024-04', leftOutPeriods: ['2022-01..2023-12'] });
    expect(bt.origins).toEqual([13, 14, 15]); // 2024-02..04 are columns 13..15 of 2021-01..12, 2024-01..04
    const btZeros = await runCountBacktest({ db: store, province: 'Balochistan', period: 'month', from: '2024-02', to: '2024-04', horizons: [1], models: ['historical-mean-poisson'], uncovered: 'as-zero' });
    expect(btZeros.origins).toEqual([37, 38, 39]);
    expect(btZeros.history.leftOutPeriods).toEqual([]);
    // the historical mean over 13 covered months against one diluted by 24 months of zeros
    expect(bt.overall['historical-mean-poisson']!.meanCrps).toBeLessThan(btZeros.overall['historical-mean-poisson']!.meanCrps);
  }, 120_000);

  it('rejects bad options with messages naming the field', async () => {
    store = await openStore(':memory:');
    await expect(runCountForecast({ db: store, province: 'Atlantis', period: 'month', origin: '2021-01', horizon: 1 })).rejects.toThrow(/Atlantis/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 4 })).rejects.toThrow(/horizon is 4/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 1, model: 'magic' as never })).rejects.toThrow(/model is "magic"/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 1 })).rejects.toThrow(/INSUFFICIENT|fewer than 13/);
  });
});
