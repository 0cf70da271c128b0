/**
 * Regional probabilistic count forecasts as a service: incidents per district of a province per
 * month or ISO week, for horizons 1..3 after an origin, from the store, with a model card and a
 * short backtest on data before the origin. The CLI and the API call `runCountForecast`.
 *
 * Only incidents that occurred before the origin are read (the store filter's exclusive `to`), so
 * a forecast made "as of" an origin is the one an analyst would have had then.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseeratError, caveat, CLASSIFICATION_LEVELS, coveredMs, UNCOVERED_PERIODS, type Caveat, type Classification } from '@baseerat/engine';
import {
  BENCHMARK_MODELS, COUNT_MODELS, DEFAULT_COUNT_MODEL, LAG_WINDOW, LOG_SCORE_BIN_EDGES, LOG_SCORE_PROBABILITY_FLOOR, SELECTED_MODEL, SELECTION_CANDIDATES,
  buildCountPanel, centralInterval, districtNeighboursFromTopology, distributionMean, distributionQuantile, forecastDistrictCounts,
  isCountModelName, keepCoveredPeriods, parseOrigin, periodIndexOf, periodLabel, periodOfColumn, periodStartMs, runCountBacktestOnPanel,
  type CandidateScore, type CountBacktestResult, type CountModelName, type CountModelSelection, type CountPanel, type CountPeriod, type FittedCountGlm, type DampedTrendFit,
} from '@baseerat/engine/forecast/counts/index';
import { loadGeography, referenceDir } from '../reference/geography.js';
import { openStore, type Store } from '../store/index.js';
import { coverageCaveats } from '../analysis/analysis-request.js';
import { coverageSpans } from '../analysis/feed-coverage-service.js';

export interface CountForecastOptions {
  /** Store file path, or an open Store (left open). */
  db: string | Store;
  province: string;
  unit?: 'district';
  period: CountPeriod;
  /** First forecast period: 'YYYY-MM' (months) or 'YYYY-MM-DD' (weeks: the ISO week containing the day). */
  origin: string;
  /** Forecasts are made for horizons 1..horizon (at most 3). */
  horizon: number;
  model?: CountModelName;
  /** First period of history; default the period of the province's first incident. */
  historyFrom?: string;
  /** Origins in the model card's backtest (the last ones before the origin); default 24, 0 for none. */
  backtestOrigins?: number;
  /** The probability vectors stop where P(count > K) is below this; default 1e-6. */
  tailTolerance?: number;
  /**
   * Need-to-know scope (the API passes the user's): only these districts of the province are
   * forecast, and only their incidents are read (the gamma prior is then fitted across them alone).
   */
  districts?: readonly string[];
  /** Only incidents at or below this classification are read. */
  maxClassification?: Classification;
  /**
   * Periods no feed covers: 'leave-out' (default) cuts them out of the history the models train and
   * are scored on; 'as-zero' reads them as periods without incidents (the behaviour before 2026-11-27,
   * kept to measure the difference).
   */
  uncovered?: UncoveredPeriods;
}

export type UncoveredPeriods = 'leave-out' | 'as-zero';

export interface DistrictCountPrediction {
  district: string;
  mean: number;
  median: number;
  interval50: [number, number];
  interval90: [number, number];
  /** P(count = k) for k = 0, 1, ..., K. */
  probabilities: number[];
  /** P(count > K), below tailTolerance. */
  tailProbability: number;
  /** Count in the last period before the origin that a feed covers, for reference. */
  lastObserved: number;
}

/** How the model shown was chosen ('backtest-selected'): every candidate's score on earlier origins. */
export interface CountModelChoice {
  chosen: CountModelName;
  /** The chosen model is one of the benchmarks (last value, historical mean, bootstrap). */
  baseline: boolean;
  /** No earlier origin could be scored: the chosen model is the fallback. */
  fallback: boolean;
  pastOrigins: number;
  /** 'YYYY-MM..YYYY-MM' of the scored origins, absent when none. */
  origins?: string;
  /** Lowest mean CRPS first. */
  candidates: CandidateScore[];
  /** One sentence: which model won, against which, by how much, and its interval coverage. */
  statement: string;
}

export interface CountForecastHorizon {
  horizon: number;
  period: string;
  periodStart: string;
  periodEnd: string;
  /** The model whose forecast this is: the requested one, or for 'backtest-selected' the chosen candidate. */
  model: CountModelName;
  /** For 'backtest-selected': how the model was chosen. */
  selection?: CountModelChoice;
  /** The model used (for 'auto': the one chosen by AIC), with coefficients; absent for benchmarks. */
  fitted?: FittedCountGlm;
  /** The recent-rate model's half-life (null = all history weighted equally), gamma prior and the CRPS of each candidate half-life on earlier origins. */
  recentRate?: {
    halfLife: number | null;
    prior: { alpha: number; beta: number };
    weightSum: number;
    pastOrigins: number;
    selection: { halfLife: number | null; pastCases: number; meanCrps: number }[];
  };
  /** The damped-trend model's smoothing parameters, NB2 dispersion k (Var = mu + k mu^2; 0 = Poisson) and the CRPS of each parameter set on earlier origins. */
  dampedTrend?: DampedTrendFit;
  districts: DistrictCountPrediction[];
}

export interface CountBacktestLine {
  model: string;
  cases: number;
  meanCrps: number;
  meanLogScore: number;
  meanAbsoluteError: number;
  coverage50: number;
  coverage90: number;
}

export interface CountModelCard {
  model: CountModelName;
  description: string;
  data: { source: string; province: string; incidentsUsed: number; from: string; to: string; periods: number; districts: number; neighbours: string; uncovered: UncoveredPeriods; leftOutPeriods: string[] };
  backtest: { origins: string; horizons: number[]; lines: CountBacktestLine[]; note: string } | null;
  scoring: string;
  knownLimits: string[];
}

export interface CountForecastResult {
  province: string;
  /** Highest classification among the incidents the forecast read. */
  classification: Classification;
  unit: 'district';
  period: CountPeriod;
  origin: string;
  model: CountModelName;
  horizons: CountForecastHorizon[];
  modelCard: CountModelCard;
  caveats: Caveat[];
}

export const COUNT_FORECAST_KNOWN_LIMITS: readonly string[] = [
  'The counts are of recorded incidents. UCDP GED records only events reported in the media and other open sources with at least one death; unreported, non-fatal and remote events are missing, and reporting intensity changes over time.',
  'Events are counted in the district the geocoder placed them in; events known only at province level (no district) are left out and counted in a caveat.',
  'Predictive distributions are plug-in: the uncertainty of the estimated coefficients is not included, so intervals are somewhat too narrow for large shocks.',
  'The models use only past counts (own, 12-period mean, neighbours) and season: they cannot foresee a new campaign, a ceasefire or an election, and they forecast escalation only after it has begun.',
  'The GLMs are fitted for the whole province; districts differ only through their own past counts. The default recent-rate model has a district rate shrunk towards the province, but no season, no neighbours and the same distribution for every horizon.',
  'A forecast is about areas and periods, never about persons.',
];

const DESCRIPTIONS: Record<CountModelName, string> = {
  'backtest-selected': `For each horizon, the one of ${SELECTION_CANDIDATES.join(', ')} with the lowest mean CRPS on the 24 origins before this one (every target before the forecast origin; periods no feed covers left out); the benchmarks count as candidates, so a model is shown only when it beat them.`,
  'recent-rate-gamma-poisson': "Empirical-Bayes gamma-Poisson on each district's recent record: past counts weighted by 0.5^(age / half-life), a gamma prior across the province's districts fitted by moments, and the negative binomial posterior predictive; the half-life (3, 6, 12, 24, 48 periods or all history) is the one with the lowest mean CRPS on the 24 origins before this one (never on the forecast period).",
  'damped-trend-negbin': "Holt's linear method with a damped trend (Gardner and McKenzie 1985; ETS(A,Ad,N) as R forecast::ets) on each district's counts, the mean floored at 0, and a negative binomial around it whose dispersion is estimated from the method's own h-step errors over the 24 periods before the origin; alpha, beta and phi (a grid of 18) are the ones with the lowest mean CRPS on the 24 origins before this one (never on the forecast period).",
  auto: 'Panel GLM per horizon: Poisson or negative binomial (NB2), with or without the neighbour lag, chosen by AIC on the training data; covariates log(1+last count), log(1+mean of the last 12 periods), log(1+neighbour mean), seasonal harmonics, log(days) offset.',
  'poisson-glm': 'Panel Poisson GLM per horizon with own lag, 12-period own mean, neighbour lag and season.',
  'negbin-glm': 'Panel negative binomial (NB2) GLM per horizon with own lag, 12-period own mean, neighbour lag and season.',
  'poisson-glm-no-spatial': 'Panel Poisson GLM per horizon with own lag, 12-period own mean and season.',
  'negbin-glm-no-spatial': 'Panel negative binomial GLM per horizon with own lag, 12-period own mean and season.',
  'last-value-poisson': 'Benchmark: Poisson with mean equal to the last observed count.',
  'historical-mean-poisson': "Benchmark: Poisson with the district's mean count over all history.",
  'bootstrap-past-values': "Benchmark: the empirical distribution of the district's past counts.",
};

/** Time precisions (index into TIME_PRECISIONS: exact, day, month, year) fine enough for a period. */
function precisionFits(precision: number, period: CountPeriod): boolean {
  return period === 'month' ? precision <= 2 : precision <= 1;
}

let topologyCache: unknown;
function provinceNeighbours(names: readonly string[]): number[][] {
  topologyCache ??= JSON.parse(readFileSync(join(referenceDir(), 'pakistan-districts-2023', 'geography.topojson.json'), 'utf8'));
  return districtNeighboursFromTopology(topologyCache, names);
}

export interface LoadedPanel {
  panel: CountPanel;
  province: string;
  incidentsUsed: number;
  /** Highest classification among the incidents read. */
  classification: Classification;
  caveats: Caveat[];
}

/**
 * Reads the province's incidents before `beforePeriod` (exclusive; undefined = all) and builds the
 * district x period panel from `historyFrom` (default: the first incident's period).
 */
export async function loadProvinceCountPanel(
  store: Store,
  opts: { province: string; period: CountPeriod; beforePeriod?: number; historyFrom?: string; districts?: readonly string[]; maxClassification?: Classification },
): Promise<LoadedPanel> {
  const geo = loadGeography();
  const province = geo.resolveProvince(opts.province);
  if (province === undefined) throw new BaseeratError('VALIDATION', `province ${JSON.stringify(opts.province)} is not a province or territory of Pakistan`, { field: 'province' });
  let units = geo.districtsIn(province).map((d) => d.name);
  if (opts.districts !== undefined) {
    const wanted = new Set(opts.districts);
    units = units.filter((u) => wanted.has(u));
    if (units.length === 0) throw new BaseeratError('VALIDATION', `none of the districts ${opts.districts.join(', ')} is in ${province}`, { field: 'districts' });
  }
  const neighbours = provinceNeighbours(units);
  const filter = {
    provinces: [province],
    ...(opts.districts === undefined ? {} : { districts: units }),
    ...(opts.maxClassification === undefined ? {} : { maxClassification: opts.maxClassification }),
    ...(opts.beforePeriod === undefined ? {} : { to: new Date(periodStartMs(opts.beforePeriod, opts.period)).toISOString() }),
  };
  const cols = await store.readColumns(filter);
  let highest = 0;
  for (let i = 0; i < cols.length; i++) if (cols.classification[i]! > highest) highest = cols.classification[i]!;
  const classification = CLASSIFICATION_LEVELS[highest] ?? 'UNCLASSIFIED';
  const pos = new Map(units.map((u, i) => [u, i] as const));
  const colToUnit = cols.districtNames.map((n) => pos.get(n) ?? -1);
  const unit = new Int32Array(cols.length);
  const time = new Float64Array(cols.length);
  let coarse = 0, first = Infinity;
  for (let i = 0; i < cols.length; i++) {
    const d = cols.district[i]!;
    unit[i] = d < 0 ? -1 : colToUnit[d]!;
    if (!precisionFits(cols.timePrecision[i]!, opts.period)) { time[i] = NaN; coarse++; continue; }
    time[i] = cols.time[i]!;
    if (Number.isFinite(time[i]!)) first = Math.min(first, periodIndexOf(time[i]!, opts.period));
  }
  const fromPeriod = opts.historyFrom !== undefined ? parseOrigin(opts.historyFrom, opts.period) : first;
  const toPeriod = opts.beforePeriod ?? (Number.isFinite(first) ? Math.max(...Array.from(time).filter(Number.isFinite).map((t) => periodIndexOf(t, opts.period))) + 1 : NaN);
  if (!Number.isFinite(fromPeriod) || !Number.isFinite(toPeriod) || toPeriod - fromPeriod < LAG_WINDOW + 1) {
    throw new BaseeratError('INSUFFICIENT_DATA', `province ${province} has ${cols.length} incidents before the origin: fewer than ${LAG_WINDOW + 1} ${opts.period}s of history`, { field: 'origin' });
  }
  const built = buildCountPanel({ time, unit, units, neighbours, period: opts.period, fromPeriod, toPeriod });
  const caveats: Caveat[] = [];
  if (built.skippedUnknownUnit > 0) caveats.push(caveat('NO_DISTRICT', `${built.skippedUnknownUnit} incidents of ${province} have no district and are not counted`, built.skippedUnknownUnit));
  if (coarse > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarse} incidents are dated less precisely than a ${opts.period} and are not counted`, coarse));
  const early = built.skippedOutside - coarse;
  if (early > 0) caveats.push(caveat('BEFORE_HISTORY', `${early} incidents before ${periodLabel(fromPeriod, opts.period)} are outside the history window`, early));
  const isolated = units.filter((_, i) => neighbours[i]!.length === 0);
  if (isolated.length > 0) caveats.push(caveat('NO_NEIGHBOURS', `districts without a neighbour in the province (spatial lag 0): ${isolated.join(', ')}`, isolated.length));
  const incidentsUsed = Array.from(built.panel.counts).reduce((a, b) => a + b, 0);
  return { panel: built.panel, province, incidentsUsed, classification, caveats };
}

/**
 * The panel without the periods no feed covers (`keepCoveredPeriods`); unchanged when the store
 * records no coverage or every period is covered. Returns the left-out periods' labels as ranges.
 */
export async function leaveOutUncovered(store: Store, panel: CountPanel, nextPeriod: number): Promise<{ panel: CountPanel; leftOut: string[]; leftOutPeriods: number }> {
  const spans = await coverageSpans({ store });
  if (spans === undefined) return { panel, leftOut: [], leftOutPeriods: 0 };
  const covered = Array.from({ length: panel.nPeriods }, (_, t) => {
    const p = periodOfColumn(panel, t);
    return coveredMs(spans, periodStartMs(p, panel.period), periodStartMs(p + 1, panel.period)) > 0;
  });
  const n = covered.filter((c) => !c).length;
  if (n === 0) return { panel, leftOut: [], leftOutPeriods: 0 };
  const leftOut: string[] = [];
  for (let t = 0; t < covered.length; t++) {
    if (covered[t]) continue;
    let e = t;
    while (e + 1 < covered.length && !covered[e + 1]) e++;
    const a = periodLabel(periodOfColumn(panel, t), panel.period), b = periodLabel(periodOfColumn(panel, e), panel.period);
    leftOut.push(a === b ? a : `${a}..${b}`);
    t = e;
  }
  return { panel: keepCoveredPeriods(panel, covered, nextPeriod), leftOut, leftOutPeriods: n };
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 1 ? 3 : 2) : 'n/a');
const BASELINE_WORDS: Record<string, string> = {
  'last-value-poisson': 'same as the last period, with Poisson noise',
  'historical-mean-poisson': "the district's average over all history",
  'bootstrap-past-values': "the district's past counts drawn at random",
};

/** The model-choice sentence: who won, against whom, by how much, and whether its intervals held. */
export function choiceOf(sel: CountModelSelection, panel: CountPanel, targetLabel: string): CountModelChoice {
  const period = panel.period;
  const origins = sel.originColumns === undefined ? undefined : `${periodLabel(periodOfColumn(panel, sel.originColumns[0]), period)}..${periodLabel(periodOfColumn(panel, sel.originColumns[1]), period)}`;
  const won = sel.candidates.find((c) => c.model === sel.chosen)!;
  const baseline = won.baseline;
  let statement: string;
  if (sel.fallback) {
    statement = `Model for ${targetLabel}: ${sel.chosen}, by default: no earlier ${period} could be scored to choose between it and the baselines.`;
  } else {
    // a baseline that won is compared with the best model; a model that won, with the best baseline
    const rival = sel.candidates.filter((c) => c.model !== sel.chosen && c.baseline !== baseline).sort((a, b) => a.meanCrps - b.meanCrps)[0]
      ?? sel.candidates.filter((c) => c.model !== sel.chosen)[0];
    const who = baseline ? `${sel.chosen}, a baseline (${BASELINE_WORDS[sel.chosen] ?? 'benchmark'}): no model beat it` : `${sel.chosen}: it beat every baseline`;
    const pct = rival === undefined || !(rival.meanCrps > 0) ? 0 : (1 - won.meanCrps / rival.meanCrps) * 100;
    const by = rival === undefined ? '' : `; ${rival.model}${rival.baseline ? ' (the best baseline)' : ' (the best model)'} scored ${fmt(rival.meanCrps)}: ${pct >= 0.5 ? `${Math.round(pct)}% lower for the chosen one` : 'practically a tie'}`;
    statement = `Model for ${targetLabel}: ${who}. Mean CRPS ${fmt(won.meanCrps)} on ${won.cases} district-${period}s (${sel.pastOrigins} origins ${origins ?? ''} before the forecast, lower is better)${by}. Its 50% / 90% intervals held ${fmt(won.coverage50)} / ${fmt(won.coverage90)} of the outcomes (calibrated: 0.5 / 0.9).`;
  }
  return { chosen: sel.chosen, baseline, fallback: sel.fallback, pastOrigins: sel.pastOrigins, ...(origins === undefined ? {} : { origins }), candidates: sel.candidates, statement };
}

function backtestLines(r: CountBacktestResult): CountBacktestLine[] {
  return r.models.map((m) => {
    const s = r.overall[m]!;
    return { model: m, cases: s.cases, meanCrps: s.meanCrps, meanLogScore: s.meanLogScore, meanAbsoluteError: s.meanAbsoluteError, coverage50: s.coverage50, coverage90: s.coverage90 };
  });
}

async function withStoreArg<T>(db: string | Store, fn: (s: Store) => Promise<T>): Promise<T> {
  if (typeof db !== 'string') return fn(db);
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function checkCommon(o: { unit?: string; period: string; model?: string }): void {
  if (o.unit !== undefined && o.unit !== 'district') throw new BaseeratError('VALIDATION', `unit is ${JSON.stringify(o.unit)}, only 'district' is supported`, { field: 'unit' });
  if (o.period !== 'month' && o.period !== 'week') throw new BaseeratError('VALIDATION', `period is ${JSON.stringify(o.period)}, expected 'month' or 'week'`, { field: 'period' });
  if (o.model !== undefined && !isCountModelName(o.model)) throw new BaseeratError('VALIDATION', `model is ${JSON.stringify(o.model)}; known models: ${COUNT_MODELS.join(', ')}`, { field: 'model' });
}

/** Forecast distributions for every district of a province, horizons 1..horizon, from data before the origin. */
export async function runCountForecast(opts: CountForecastOptions): Promise<CountForecastResult> {
  checkCommon(opts);
  if (!Number.isInteger(opts.horizon) || opts.horizon < 1 || opts.horizon > 3) throw new BaseeratError('VALIDATION', `horizon is ${opts.horizon}, expected 1, 2 or 3`, { field: 'horizon' });
  const model = opts.model ?? DEFAULT_COUNT_MODEL;
  const tol = opts.tailTolerance ?? 1e-6;
  const originPeriod = parseOrigin(opts.origin, opts.period);
  return withStoreArg(opts.db, async (store) => {
    const loaded = await loadProvinceCountPanel(store, {
      province: opts.province, period: opts.period, beforePeriod: originPeriod, ...(opts.historyFrom === undefined ? {} : { historyFrom: opts.historyFrom }),
      ...(opts.districts === undefined ? {} : { districts: opts.districts }),
      ...(opts.maxClassification === undefined ? {} : { maxClassification: opts.maxClassification }),
    });
    const uncovered = opts.uncovered ?? 'leave-out';
    const full = loaded.panel;
    // The history's periods no feed covers: cut out of the series (default), or read as zeros ('as-zero').
    const cut = uncovered === 'leave-out' ? await leaveOutUncovered(store, full, originPeriod) : { panel: full, leftOut: [], leftOutPeriods: 0 };
    const panel = cut.panel;
    const T = panel.nPeriods;
    if (T < LAG_WINDOW) throw new BaseeratError('INSUFFICIENT_DATA', `${loaded.province} has ${T} ${opts.period}s covered by a feed before the origin: fewer than ${LAG_WINDOW}`, { field: 'origin' });
    const horizons: CountForecastHorizon[] = [];
    // one cache for the forecasts and the model card's backtest: the earlier origins' scores are shared
    const cache = new Map<string, unknown>();
    for (let h = 1; h <= opts.horizon; h++) {
      const f = forecastDistrictCounts(panel, { model, origin: T, horizon: h, tailTolerance: tol, fitCache: cache });
      const p = periodOfColumn(panel, f.target);
      const out: CountForecastHorizon = {
        horizon: h,
        period: periodLabel(p, opts.period),
        periodStart: new Date(periodStartMs(p, opts.period)).toISOString(),
        periodEnd: new Date(periodStartMs(p + 1, opts.period)).toISOString(),
        model: f.selection?.chosen ?? model,
        districts: f.distributions.map((d, u) => {
          const i50 = centralInterval(d, 0.5), i90 = centralInterval(d, 0.9);
          return {
            district: panel.units[u]!,
            mean: distributionMean(d),
            median: distributionQuantile(d, 0.5),
            interval50: [i50.lower, i50.upper],
            interval90: [i90.lower, i90.upper],
            probabilities: Array.from(d.pmf),
            tailProbability: d.tail,
            lastObserved: panel.counts[u * T + T - 1]!,
          };
        }),
      };
      if (f.selection !== undefined) out.selection = choiceOf(f.selection, panel, out.period);
      if (f.fitted !== undefined) out.fitted = f.fitted;
      if (f.dampedTrend !== undefined) out.dampedTrend = f.dampedTrend;
      if (f.recentRate !== undefined) {
        const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
        const r = f.recentRate;
        out.recentRate = {
          halfLife: finite(r.halfLife), prior: r.prior, weightSum: r.weightSum, pastOrigins: r.pastOrigins,
          selection: r.selection.map((c) => ({ halfLife: finite(c.halfLife), pastCases: c.pastCases, meanCrps: c.meanCrps })),
        };
      }
      horizons.push(out);
    }
    const nBack = opts.backtestOrigins ?? 24;
    let backtest: CountModelCard['backtest'] = null;
    // the history's periods no feed covers: say so, and (by default) that the models leave them out
    const history = { fromMs: periodStartMs(full.firstPeriod, opts.period), toMs: periodStartMs(full.firstPeriod + full.nPeriods, opts.period) };
    const coverage = (await coverageCaveats({ store }, history, 'the count forecast\'s history')).map((c) => {
      if (c.code !== UNCOVERED_PERIODS || cut.leftOutPeriods === 0) return c;
      const said = `the count models leave these ${cut.leftOutPeriods} ${opts.period}s (${cut.leftOut.join(', ')}) out of the history they are trained and scored on, rather than read them as zero incidents`;
      const m = /, and counts, rates and models over the window read them as none$/.test(c.message) ? c.message.replace(/, and counts, rates and models over the window read them as none$/, `: ${said}`) : `${c.message}; ${said}`;
      return { ...c, message: m, ...('then' in c ? { then: m } : {}) };
    });
    const caveats = [...coverage, ...loaded.caveats];
    const lostIncidents = loaded.incidentsUsed - Array.from(panel.counts).reduce((a, b) => a + b, 0);
    if (lostIncidents > 0) caveats.push(caveat('UNCOVERED_INCIDENTS_LEFT_OUT', `${lostIncidents} incidents fall in ${opts.period}s no feed covers and are left out with them`, lostIncidents));
    for (const hz of horizons) {
      if (hz.selection === undefined) continue;
      caveats.push(caveat('MODEL_CHOICE', hz.selection.statement));
      if (hz.selection.baseline && !hz.selection.fallback) {
        caveats.push(caveat('BASELINE_CHOSEN', `the forecast for ${hz.period} is a baseline (${hz.selection.chosen}): on the ${hz.selection.pastOrigins} ${opts.period}s before the origin no forecasting model did better than it`));
      }
      const won = hz.selection.candidates.find((c) => c.model === hz.selection!.chosen);
      if (won !== undefined && won.cases > 0 && won.coverage90 < 0.8) {
        caveats.push(caveat('INTERVALS_TOO_NARROW', `the 90% intervals for ${hz.period} are too narrow: on the earlier ${opts.period}s they held only ${Math.round(won.coverage90 * 100)}% of the outcomes (50% intervals: ${Math.round(won.coverage50 * 100)}%)`));
      }
    }
    const firstOrigin = Math.max(LAG_WINDOW + 3, T - nBack);
    // A backtest origin whose target period no feed covers (not a day of it) would score a forecast of
    // missing data against zeros: it is left out, so the backtest is scored on covered periods only
    // (with 'leave-out' every column is covered; origins whose target lies across the gap are skipped by the engine).
    const spans = await coverageSpans({ store });
    const targetCovered = (o: number): boolean => spans === undefined || Array.from({ length: opts.horizon }, (_, h) => o + h).every((t) => t >= T
      || coveredMs(spans, periodStartMs(periodOfColumn(panel, t), opts.period), periodStartMs(periodOfColumn(panel, t) + 1, opts.period)) > 0);
    const candidates = nBack > 0 && firstOrigin < T ? Array.from({ length: T - firstOrigin }, (_, i) => firstOrigin + i) : [];
    const origins = candidates.filter(targetCovered);
    const leftOut = candidates.filter((o) => !targetCovered(o));
    if (leftOut.length > 0) {
      caveats.push(caveat('BACKTEST_UNCOVERED_ORIGINS', `${leftOut.length} of the ${candidates.length} backtest origins (${periodLabel(periodOfColumn(panel, leftOut[0]!), opts.period)}..${periodLabel(periodOfColumn(panel, leftOut[leftOut.length - 1]!), opts.period)}) are left out: no feed covers their target ${opts.period}, so a score there would measure missing data`, leftOut.length));
    }
    if (origins.length > 0) {
      const models = [...new Set<CountModelName>([model, ...(model === SELECTED_MODEL ? SELECTION_CANDIDATES : BENCHMARK_MODELS)])];
      const r = runCountBacktestOnPanel(panel, { origins, horizons: Array.from({ length: opts.horizon }, (_, i) => i + 1), models, cache });
      backtest = {
        origins: `${periodLabel(periodOfColumn(panel, origins[0]!), opts.period)}..${periodLabel(periodOfColumn(panel, origins[origins.length - 1]!), opts.period)}`,
        horizons: r.horizons,
        lines: backtestLines(r),
        note: `Rolling origins before the forecast origin; each forecast fitted on data before its own origin; targets after the last observed period are not scored${leftOut.length > 0 ? `; ${leftOut.length} origins whose target period no feed covers are left out` : ''}${cut.leftOutPeriods > 0 ? `; the ${cut.leftOutPeriods} ${opts.period}s no feed covers are cut out of the series, and ${r.acrossGap} origin-horizon cases whose target lies across them are not scored` : ''}. ${model === SELECTED_MODEL ? "The line 'backtest-selected' scores the choice itself: at each origin, the candidate chosen on the origins before it. " : ''}Lower CRPS, log score and MAE are better; coverage should be near 0.5 and 0.9.`,
      };
    } else if (nBack > 0) {
      caveats.push(caveat('NO_BACKTEST', candidates.length > 0 ? 'no backtest in the model card: no feed covers the target period of any backtest origin' : 'too little history before the origin for a backtest in the model card'));
    }
    const modelCard: CountModelCard = {
      model,
      description: DESCRIPTIONS[model],
      data: {
        source: 'incidents in the store (for the shipped demo: UCDP GED Pakistan 1989-2021, CC BY 4.0)',
        province: loaded.province,
        incidentsUsed: loaded.incidentsUsed - lostIncidents,
        from: periodLabel(periodOfColumn(panel, 0), opts.period),
        to: periodLabel(periodOfColumn(panel, T - 1), opts.period),
        periods: T,
        uncovered,
        leftOutPeriods: cut.leftOut,
        districts: panel.units.length,
        neighbours: 'districts sharing a boundary in the 2023 district boundaries (TopoJSON arcs), within the province',
      },
      backtest,
      scoring: `CRPS (counts); log score in bits over bins starting at ${LOG_SCORE_BIN_EDGES.join(', ')} with probabilities floored at ${LOG_SCORE_PROBABILITY_FLOOR}; MAE of the predictive median; central 50% and 90% interval coverage.`,
      knownLimits: [...COUNT_FORECAST_KNOWN_LIMITS],
    };
    if (loaded.incidentsUsed < 30) caveats.push(caveat('FEW_EVENTS', `only ${loaded.incidentsUsed} incidents before the origin: the forecast is close to a guess`, loaded.incidentsUsed));
    return { province: loaded.province, classification: loaded.classification, unit: 'district', period: opts.period, origin: periodLabel(originPeriod, opts.period), model, horizons, modelCard, caveats };
  });
}
