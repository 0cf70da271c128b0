/**
 * Rolling-origin backtest of the district count models against the VIEWS benchmarks on the
 * incidents in the store: every origin from `from` to `to` (inclusive), training on all data
 * before each origin (the engine's forecast reads no panel column at or after its origin), scored
 * on the periods after it. The table in docs/methods/count-forecast.md comes from here.
 */
import { BaseeratError } from '@baseerat/engine';
import type { Caveat } from '@baseerat/engine';
import {
  BENCHMARK_MODELS, DEFAULT_COUNT_MODEL, GLM_MODELS, parseOrigin, periodLabel, runCountBacktestOnPanel,
  type CountBacktestResult, type CountModelName, type CountPanel, type CountPeriod,
} from '@baseerat/engine/forecast/counts/index';
import type { Store } from '../store/index.js';
import { openStore } from '../store/index.js';
import { loadProvinceCountPanel } from './counts-service.js';

export interface CountBacktestOptions {
  db: string | Store;
  province: string;
  period: CountPeriod;
  /** First and last origin, 'YYYY-MM' (or 'YYYY-MM-DD' for weeks). */
  from: string;
  to: string;
  horizons?: number[];
  /** Default: the recent-rate model (default), auto, the four GLMs and the three benchmarks. */
  models?: CountModelName[];
  historyFrom?: string;
}

export interface CountBacktestReport extends CountBacktestResult {
  province: string;
  period: CountPeriod;
  originLabels: [string, string];
  history: { from: string; to: string; incidentsUsed: number };
  caveats: Caveat[];
  /** Markdown table of the overall scores, best CRPS first. */
  table: string;
}

export const ALL_COUNT_MODELS: CountModelName[] = [DEFAULT_COUNT_MODEL, 'auto', ...GLM_MODELS, ...BENCHMARK_MODELS];

function truncatePanel(panel: CountPanel, nPeriods: number): CountPanel {
  if (nPeriods >= panel.nPeriods) return panel;
  const U = panel.units.length;
  const counts = new Float64Array(U * nPeriods);
  for (let u = 0; u < U; u++) counts.set(panel.counts.subarray(u * panel.nPeriods, u * panel.nPeriods + nPeriods), u * nPeriods);
  return { ...panel, nPeriods, counts };
}

export async function runCountBacktest(opts: CountBacktestOptions): Promise<CountBacktestReport> {
  const first = parseOrigin(opts.from, opts.period);
  const last = parseOrigin(opts.to, opts.period);
  if (last < first) throw new BaseeratError('VALIDATION', `to ${opts.to} is before from ${opts.from}`, { field: 'to' });
  const store = typeof opts.db === 'string' ? await openStore(opts.db) : opts.db;
  try {
    const horizons = opts.horizons ?? [1, 2, 3];
    // All data, then cut after the last target period; each origin's models see only columns before
    // it. Targets after the last period with an incident are not observed: they are not scored as zeros.
    const loaded = await loadProvinceCountPanel(store, {
      province: opts.province, period: opts.period,
      ...(opts.historyFrom === undefined ? {} : { historyFrom: opts.historyFrom }),
    });
    const panel = truncatePanel(loaded.panel, last + Math.max(...horizons) - loaded.panel.firstPeriod);
    const origins: number[] = [];
    for (let p = first; p <= last; p++) origins.push(p - panel.firstPeriod);
    if (origins[0]! < 13) throw new BaseeratError('INSUFFICIENT_DATA', `the first origin ${opts.from} leaves fewer than 13 ${opts.period}s of history after ${periodLabel(panel.firstPeriod, opts.period)}`, { field: 'from' });
    const models = opts.models ?? ALL_COUNT_MODELS;
    const r = runCountBacktestOnPanel(panel, { origins, horizons, models });
    const rows = [...models].sort((a, b) => r.overall[a]!.meanCrps - r.overall[b]!.meanCrps).map((m) => {
      const s = r.overall[m]!;
      return `| ${m} | ${s.cases} | ${s.meanCrps.toFixed(4)} | ${s.meanLogScore.toFixed(4)} | ${s.meanAbsoluteError.toFixed(4)} | ${s.coverage50.toFixed(3)} | ${s.coverage90.toFixed(3)} |`;
    });
    const table = ['| model | cases | mean CRPS | mean log score (bits) | MAE (median) | 50% coverage | 90% coverage |', '|---|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
    return {
      ...r,
      province: loaded.province,
      period: opts.period,
      originLabels: [periodLabel(first, opts.period), periodLabel(last, opts.period)],
      history: { from: periodLabel(panel.firstPeriod, opts.period), to: periodLabel(panel.firstPeriod + panel.nPeriods - 1, opts.period), incidentsUsed: loaded.incidentsUsed },
      caveats: loaded.caveats,
      table,
    };
  } finally {
    if (typeof opts.db === 'string') await store.close();
  }
}
