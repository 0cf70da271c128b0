/**
 * Rolling-origin backtest of the district count models against the VIEWS benchmarks on the
 * incidents in the store: every origin from `from` to `to` (inclusive), training on all data
 * before each origin (the engine's forecast reads no panel column at or after its origin), scored
 * on the periods after it. The table in docs/methods/count-forecast.md comes from here.
 */
import { BaseeratError } from '@baseerat/engine';
import type { Caveat } from '@baseerat/engine';
import {
  BENCHMARK_MODELS, GLM_MODELS, SELECTED_MODEL, parseOrigin, periodLabel, periodOfColumn, runCountBacktestOnPanel,
  type CountBacktestResult, type CountModelName, type CountPanel, type CountPeriod,
} from '@baseerat/engine/forecast/counts/index';
import type { Store } from '../store/index.js';
import { openStore } from '../store/index.js';
import { leaveOutUncovered, loadProvinceCountPanel, type UncoveredPeriods } from './counts-service.js';

export interface CountBacktestOptions {
  db: string | Store;
  province: string;
  period: CountPeriod;
  /** First and last origin, 'YYYY-MM' (or 'YYYY-MM-DD' for weeks). */
  from: string;
  to: string;
  horizons?: number[];
  /** Default: backtest-selected (the default), the recent-rate model, auto, the four GLMs and the three benchmarks. */
  models?: CountModelName[];
  historyFrom?: string;
  /** Periods no feed covers: cut out of the series (default) or read as zeros (as before 2026-11-27). */
  uncovered?: UncoveredPeriods;
}

export interface CountBacktestReport extends CountBacktestResult {
  province: string;
  period: CountPeriod;
  originLabels: [string, string];
  history: { from: string; to: string; incidentsUsed: number; uncovered: UncoveredPeriods; leftOutPeriods: string[] };
  caveats: Caveat[];
  /** Markdown table of the overall scores, best CRPS first. */
  table: string;
}

export const ALL_COUNT_MODELS: CountModelName[] = [SELECTED_MODEL, 'recent-rate-gamma-poisson', 'damped-trend-negbin', 'auto', ...GLM_MODELS, ...BENCHMARK_MODELS];

function truncatePanel(panel: CountPanel, nPeriods: number): CountPanel {
  if (nPeriods >= panel.nPeriods) return panel;
  const U = panel.units.length;
  const counts = new Float64Array(U * nPeriods);
  for (let u = 0; u < U; u++) counts.set(panel.counts.subarray(u * panel.nPeriods, u * panel.nPeriods + nPeriods), u * nPeriods);
  return { ...panel, nPeriods, counts };
}

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

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
    const truncated = truncatePanel(loaded.panel, last + Math.max(...horizons) - loaded.panel.firstPeriod);
    const uncovered = opts.uncovered ?? 'leave-out';
    // periods no feed covers are cut out of the series: origins are then the covered periods in [from, to]
    const cut = uncovered === 'leave-out'
      ? await leaveOutUncovered(store, truncated, truncated.firstPeriod + truncated.nPeriods)
      : { panel: truncated, leftOut: [] as string[], leftOutPeriods: 0 };
    const panel = cut.panel;
    const origins: number[] = [];
    for (let t = 0; t < panel.nPeriods; t++) {
      const p = periodOfColumn(panel, t);
      if (p >= first && p <= last) origins.push(t);
    }
    if (origins.length === 0) throw new BaseeratError('INSUFFICIENT_DATA', `no period from ${opts.from} to ${opts.to} is covered by a feed`, { field: 'from' });
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
      history: {
        from: periodLabel(periodOfColumn(panel, 0), opts.period), to: periodLabel(periodOfColumn(panel, panel.nPeriods - 1), opts.period),
        incidentsUsed: loaded.incidentsUsed - (sum(truncated.counts) - sum(panel.counts)), uncovered, leftOutPeriods: cut.leftOut,
      },
      caveats: loaded.caveats,
      table,
    };
  } finally {
    if (typeof opts.db === 'string') await store.close();
  }
}
