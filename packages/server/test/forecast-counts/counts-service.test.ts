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
    expect(first.modelCard.backtest?.lines.map((l) => l.model)).toEqual(['recent-rate-gamma-poisson', 'last-value-poisson', 'historical-mean-poisson', 'bootstrap-past-values']);
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

  it('rejects bad options with messages naming the field', async () => {
    store = await openStore(':memory:');
    await expect(runCountForecast({ db: store, province: 'Atlantis', period: 'month', origin: '2021-01', horizon: 1 })).rejects.toThrow(/Atlantis/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 4 })).rejects.toThrow(/horizon is 4/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 1, model: 'magic' as never })).rejects.toThrow(/model is "magic"/);
    await expect(runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2021-01', horizon: 1 })).rejects.toThrow(/INSUFFICIENT|fewer than 13/);
  });
});
