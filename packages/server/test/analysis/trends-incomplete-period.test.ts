/**
 * trendsService and an incomplete latest period: a series that ends inside a month (the old demo
 * feed's two incidents on 1 January 2025, Pakistan time) must not read as a significant fall; a
 * complete month is compared exactly as before. The statistics themselves are the engine's
 * (checked against R in packages/engine/test/analysis/trends.test.ts): here the windows are checked,
 * by comparing the service with the engine run on the windows the rule prescribes.
 */
import { describe, expect, it } from 'vitest';
import { compareWindows, countSeries, DAY_MS, trendTest } from '@baseerat/engine';
import { jsonSafe, parseAnalysisTime, trendsService, type AnalysisContext } from '../../src/analysis/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { IncidentColumns, IncidentFilter, Store } from '../../src/store/index.js';

const geography = loadGeography();
const pkt = (s: string) => parseAnalysisTime(s, 'from');

/** Columns of incidents in Quetta at the given times (exact, RESTRICTED). */
function columns(times: number[]): IncidentColumns {
  const n = times.length;
  return {
    length: n, id: times.map((_, i) => `i${i}`), time: Float64Array.from(times), timePrecision: new Uint8Array(n),
    lat: new Float64Array(n).fill(30.18), lon: new Float64Array(n).fill(67.0), locationPrecision: new Uint8Array(n),
    district: new Int32Array(n), districtNames: ['Quetta'], province: new Int32Array(n), provinceNames: ['Balochistan'],
    category: new Uint16Array(n), killed: new Uint32Array(n), injured: new Uint32Array(n), abducted: new Uint32Array(n),
    classification: new Uint8Array(n).fill(1), reportingMode: new Uint8Array(n), h3: times.map(() => ''),
    perpetrator: new Int32Array(n).fill(-1), perpetratorNames: [], sourceCount: new Uint16Array(n).fill(1),
  };
}

/** A store that answers readColumns with the incidents inside the filter's [from, to). */
function storeOf(times: number[]): Store {
  return {
    readColumns: async (f: IncidentFilter) => {
      const a = f.from === undefined ? -Infinity : Date.parse(f.from), b = f.to === undefined ? Infinity : Date.parse(f.to);
      return columns(times.filter((t) => t >= a && t < b));
    },
    // no ingest run recorded a range: coverage unknown, every month counts (these tests are about the data end)
    listCoverage: async () => [],
  } as unknown as Store;
}

/** Three incidents a day (Pakistan time, 02:00, 10:00, 18:00) on every day of [from, to). */
function steady(from: string, to: string): number[] {
  const out: number[] = [];
  for (let d = pkt(from); d < pkt(to); d += DAY_MS) out.push(d + 2 * 3600e3, d + 10 * 3600e3, d + 18 * 3600e3);
  return out;
}

const codes = (cs: { code: string }[]) => cs.map((c) => c.code);

describe('trendsService: incomplete latest period', () => {
  // two years of complete months, then two incidents in the first hours of January 2025
  const complete = steady('2023-01-01', '2025-01-01');
  const endsMidMonth = [...complete, pkt('2025-01-01') + 1 * 3600e3, pkt('2025-01-01') + 3 * 3600e3];

  it('a series that ends inside a month: no significant fall, the month compared over the days the data cover', async () => {
    const times = endsMidMonth;
    const ctx: AnalysisContext = { store: storeOf(times), geography };
    const env = await trendsService(ctx, { filter: { province: 'Balochistan' } });
    const cols = columns(times);
    // the whole of January against December would be the "down 100%, significant" the demo showed
    const whole = compareWindows(cols, { from: pkt('2025-01-01'), to: pkt('2025-02-01'), previousFrom: pkt('2024-12-01') });
    expect(whole.previous!.significant).toBe(true);
    expect(whole.previous!.direction).toBe('down');

    const w = env.annotations.window;
    expect(w.from).toBe(new Date(pkt('2025-01-01')).toISOString());
    expect(w.to).toBe(new Date(pkt('2025-01-02')).toISOString()); // the end of the latest incident's day
    expect(w.requestedTo).toBe(new Date(pkt('2025-02-01')).toISOString());
    expect(w.previousFrom).toBe(new Date(pkt('2024-12-31')).toISOString()); // the same number of days just before
    expect(env.result.comparison).toEqual(jsonSafe(compareWindows(cols, { from: pkt('2025-01-01'), to: pkt('2025-01-02'), previousFrom: pkt('2024-12-31') })));
    expect(env.result.comparison.previous!.current.count).toBe(2);
    expect(env.result.comparison.previous!.baseline.count).toBe(3);
    expect(env.result.comparison.previous!.significant).toBe(false);
    expect(env.result.comparison.lastYear!.significant).toBe(false);
    expect(env.result.byDistrict.areas.every((a) => !a.significantAfterAdjustment)).toBe(true);
    const incomplete = env.caveats.find((c) => c.code === 'INCOMPLETE_LATEST_PERIOD');
    expect(incomplete?.message).toContain('the data end on 2025-01-01');
    expect(incomplete?.count).toBe(1);

    // the monthly series still shows January with its one day; the trend test leaves it out
    expect(env.result.series.keys.at(-1)).toBe('2025-01');
    expect(env.result.series.days.at(-1)).toBe(1);
    expect(codes(env.caveats)).toContain('PARTIAL_MONTH_LEFT_OUT');
    const series = countSeries(cols, { from: Date.parse(w.seriesFrom), to: Date.parse(w.to), period: 'month' });
    expect(env.result.trend).toEqual(jsonSafe(trendTest(series.counts.slice(0, -1), { unit: 'month' })));
    expect(env.result.trend!.n).toBe(35);
  });

  it('a complete month: compared whole with the month before and a year before, as before the rule', async () => {
    const times = complete;
    const env = await trendsService({ store: storeOf(times), geography }, { filter: { province: 'Balochistan' } });
    const cols = columns(times);
    const w = env.annotations.window;
    expect(w.from).toBe(new Date(pkt('2024-12-01')).toISOString());
    expect(w.to).toBe(new Date(pkt('2025-01-01')).toISOString());
    expect(w.requestedTo).toBe(w.to);
    expect(env.result.comparison).toEqual(jsonSafe(compareWindows(cols, { from: pkt('2024-12-01'), to: pkt('2025-01-01'), previousFrom: pkt('2024-11-01') })));
    expect(codes(env.caveats)).not.toContain('INCOMPLETE_LATEST_PERIOD');
    expect(codes(env.caveats)).not.toContain('PARTIAL_MONTH_LEFT_OUT');
    const series = countSeries(cols, { from: Date.parse(w.seriesFrom), to: pkt('2025-01-01'), period: 'month' });
    expect(env.result.trend).toEqual(jsonSafe(trendTest(series.counts, { unit: 'month' })));
    expect(env.result.trend!.n).toBe(36);
  });

  it('a given window reaching past asOf (a report generated mid-month) is cut at asOf', async () => {
    const times = complete;
    const env = await trendsService({ store: storeOf(times), geography }, {
      filter: { province: 'Balochistan', from: '2024-12-01', to: '2025-01-01' }, asOf: new Date(pkt('2024-12-16')),
    });
    const cols = columns(times.filter((t) => t < pkt('2024-12-16')));
    const w = env.annotations.window;
    expect(w.chosen).toBe('given');
    expect(w.to).toBe(new Date(pkt('2024-12-16')).toISOString());
    expect(w.previousFrom).toBe(new Date(pkt('2024-11-16')).toISOString());
    expect(env.result.comparison).toEqual(jsonSafe(compareWindows(cols, { from: pkt('2024-12-01'), to: pkt('2024-12-16'), previousFrom: pkt('2024-11-16') })));
    expect(env.caveats.find((c) => c.code === 'INCOMPLETE_LATEST_PERIOD')?.count).toBe(15);
    // a given window ending with the data is not cut
    const whole = await trendsService({ store: storeOf(times), geography }, {
      filter: { province: 'Balochistan', from: '2024-12-01', to: '2025-01-01' }, asOf: new Date(pkt('2025-01-05')),
    });
    expect(codes(whole.caveats)).not.toContain('INCOMPLETE_LATEST_PERIOD');
    expect(whole.annotations.window.previousFrom).toBe(new Date(pkt('2024-11-01')).toISOString());
  });
});
