/**
 * The factors of the area risk index, computed for every area at a forecast origin from the
 * periods before it only (no look-ahead).
 *
 * What it answers: "what do we know about this district or cell, before period t, that could
 * predict its incidents in period t?" The factors, all on a log scale so that a Poisson model's
 * coefficient is an elasticity-like rate ratio:
 *
 * - `intensity`: log(1 + exponentially weighted incident count), half-life `halfLifePeriods`:
 *   the forecast intensity of a smoothed persistence model (engine/forecast's weighted counts).
 * - `harm`: log(1 + harm in the last `harmPeriods` periods), harm = killed + 0.5 injured +
 *   0.5 abducted by default (DEFAULT_HARM_WEIGHTS; the caller may pass other per-event harm).
 * - `trend`: log((1 + count in the last `trendPeriods`) / (1 + count in the `trendPeriods` before)).
 * - `nearRepeat`: log(1 + incidents in the neighbouring areas in the last `nearRepeatPeriods`
 *   periods): the short-lived raised risk around recent events (Johnson et al. 2007; Townsley,
 *   Johnson and Ratcliffe 2008).
 * - terrain factors: one value per area and layer, supplied by the caller (e.g. log(1 + km to the
 *   nearest road), count of checkpoints within 10 km), as in Risk Terrain Modeling (Caplan and
 *   Kennedy 2011). Static over time.
 *
 * Incident counts are weighted by the feedback-loop weights (feedback-loop-weights.ts).
 *
 * Periods no feed covers (feed coverage, analysis/feed-coverage.ts) are missing data, not zero
 * incidents. The panel carries each period's exposure e_s in [0, 1], the share of the period that
 * some feed covers; the windowed sums above are rates per covered time scaled back to the window:
 * a window sum S over periods with exposure E out of n periods becomes S x n / E (the
 * exponentially weighted count likewise with the decay weights). With every period covered
 * (e = 1) the factors are exactly the calendar-time ones. A windowed factor (harm, trend, near
 * repeat) whose window is covered less than `minCoveredShare` (default 0.5; the trend: either of its
 * two windows) has no value: NaN, which the index reads as "not known" (the training average,
 * contributing nothing) and reports. The intensity, a long memory by design, keeps its value while
 * any period it reaches back to is covered (a rate per covered time, older the longer the gap); below
 * `minCoveredShare` of its decay weight it is reported as resting on little covered time.
 * Units: natural logs of counts and harm. Complexity: O(events + areas x periods x window).
 */
import { BaseeratError } from '../domain/errors.js';

export interface RiskArea {
  id: string;
  lat: number;
  lon: number;
  district?: string;
  /** Census population, for the per-capita variant. */
  population?: number;
  /** Indices of neighbouring areas (not the area itself). */
  neighbours: readonly number[];
}

/** Incidents binned to areas and periods. */
export interface RiskEvents {
  /** Area index, -1 outside every area (ignored). */
  area: ArrayLike<number>;
  /** Period index 0 .. nPeriods - 1; other values are ignored. */
  period: ArrayLike<number>;
  /** Harm of each incident (>= 0). */
  harm: ArrayLike<number>;
  /** Weight of each incident (feedback-loop correction); default 1. */
  weight?: ArrayLike<number>;
}

export interface TerrainFactor {
  /** Short name, e.g. `roads_distance`. */
  name: string;
  /** What it measures, for people: "log(1 + km to the nearest road)". */
  description: string;
  /** One value per area. */
  values: ArrayLike<number>;
}

export interface RiskFactorWindows {
  halfLifePeriods?: number;
  harmPeriods?: number;
  trendPeriods?: number;
  nearRepeatPeriods?: number;
}

export const DYNAMIC_FACTORS = ['intensity', 'harm', 'trend', 'nearRepeat'] as const;

export const DYNAMIC_FACTOR_DESCRIPTIONS: Record<(typeof DYNAMIC_FACTORS)[number], string> = {
  intensity: 'log(1 + exponentially weighted past incidents)',
  harm: 'log(1 + harm in the recent periods)',
  trend: 'log((1 + recent incidents) / (1 + incidents in the periods before))',
  nearRepeat: 'log(1 + incidents in neighbouring areas in the last period(s))',
};

/** Area x period totals that every origin's factors read. */
export interface RiskPanel {
  areas: readonly RiskArea[];
  nPeriods: number;
  /** Weighted incident count, row-major areas x periods. */
  count: Float64Array;
  /** Weighted harm, row-major areas x periods. */
  harm: Float64Array;
  terrain: readonly TerrainFactor[];
  windows: Required<RiskFactorWindows>;
  /** Incidents ignored because their area or period was outside the panel. */
  outside: number;
  /**
   * Share of each period (0..1) that some feed covers: the exposure of the period's counts. All 1
   * when every period is covered or coverage is unknown (then the factors are the calendar-time ones).
   */
  exposure: Float64Array;
  /** Below this covered share of its window a factor is not known (NaN). */
  minCoveredShare: number;
}

/** Feed coverage of the panel's periods. */
export interface RiskPanelCoverage {
  /** Share of each period covered by some feed, 0..1, one per period. Default all 1. */
  exposure?: ArrayLike<number>;
  /** A factor whose window is covered less than this is not known. Default DEFAULT_MIN_COVERED_SHARE. */
  minCoveredShare?: number;
}

/** Default least covered share of a factor's window for the factor to have a value. */
export const DEFAULT_MIN_COVERED_SHARE = 0.5;

export function buildRiskPanel(areas: readonly RiskArea[], nPeriods: number, events: RiskEvents, terrain: readonly TerrainFactor[] = [], windows: RiskFactorWindows = {}, coverage: RiskPanelCoverage = {}): RiskPanel {
  if (!Number.isInteger(nPeriods) || nPeriods < 1) throw new BaseeratError('VALIDATION', `nPeriods is ${nPeriods}, expected a positive integer`, { field: 'nPeriods' });
  if (areas.length === 0) throw new BaseeratError('VALIDATION', 'no areas: give at least one district or cell', { field: 'areas' });
  const n = events.area.length;
  if (events.period.length !== n || events.harm.length !== n || (events.weight !== undefined && events.weight.length !== n)) {
    throw new BaseeratError('VALIDATION', 'events: area, period, harm and weight must have the same length', { field: 'events' });
  }
  for (const t of terrain) {
    if (t.values.length !== areas.length) throw new BaseeratError('VALIDATION', `terrain factor ${t.name} has ${t.values.length} values for ${areas.length} areas`, { field: 'terrain' });
    for (let a = 0; a < areas.length; a++) if (!Number.isFinite(t.values[a]!)) throw new BaseeratError('VALIDATION', `terrain factor ${t.name} of area ${areas[a]!.id} is ${t.values[a]}, expected a finite number`, { field: 'terrain' });
  }
  if (new Set(terrain.map((t) => t.name)).size !== terrain.length || terrain.some((t) => (DYNAMIC_FACTORS as readonly string[]).includes(t.name))) {
    throw new BaseeratError('VALIDATION', 'terrain factor names must be unique and differ from intensity, harm, trend, nearRepeat', { field: 'terrain' });
  }
  areas.forEach((a, i) => {
    for (const b of a.neighbours) if (!(Number.isInteger(b) && b >= 0 && b < areas.length && b !== i)) throw new BaseeratError('VALIDATION', `area ${a.id}: neighbour index ${b} is not another area`, { field: 'neighbours' });
  });
  const w: Required<RiskFactorWindows> = {
    halfLifePeriods: windows.halfLifePeriods ?? 3,
    harmPeriods: windows.harmPeriods ?? 4,
    trendPeriods: windows.trendPeriods ?? 2,
    nearRepeatPeriods: windows.nearRepeatPeriods ?? 1,
  };
  if (!(w.halfLifePeriods > 0)) throw new BaseeratError('VALIDATION', `halfLifePeriods is ${w.halfLifePeriods}, expected > 0`, { field: 'halfLifePeriods' });
  for (const k of ['harmPeriods', 'trendPeriods', 'nearRepeatPeriods'] as const) {
    if (!Number.isInteger(w[k]) || w[k] < 1) throw new BaseeratError('VALIDATION', `${k} is ${w[k]}, expected a positive integer`, { field: k });
  }
  const exposure = new Float64Array(nPeriods).fill(1);
  if (coverage.exposure !== undefined) {
    if (coverage.exposure.length !== nPeriods) throw new BaseeratError('VALIDATION', `exposure has ${coverage.exposure.length} values for ${nPeriods} periods`, { field: 'exposure' });
    for (let t = 0; t < nPeriods; t++) {
      const e = coverage.exposure[t]!;
      if (!(e >= 0 && e <= 1)) throw new BaseeratError('VALIDATION', `exposure of period ${t} is ${e}, expected a covered share in [0, 1]`, { field: 'exposure' });
      exposure[t] = e;
    }
  }
  const minCoveredShare = coverage.minCoveredShare ?? DEFAULT_MIN_COVERED_SHARE;
  if (!(minCoveredShare > 0 && minCoveredShare <= 1)) throw new BaseeratError('VALIDATION', `minCoveredShare is ${minCoveredShare}, expected (0, 1]`, { field: 'minCoveredShare' });
  const count = new Float64Array(areas.length * nPeriods);
  const harm = new Float64Array(areas.length * nPeriods);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const a = events.area[i]!, t = events.period[i]!;
    if (!(a >= 0 && a < areas.length && t >= 0 && t < nPeriods && Number.isInteger(a) && Number.isInteger(t))) { outside++; continue; }
    const h = events.harm[i]!, wt = events.weight === undefined ? 1 : events.weight[i]!;
    if (!(h >= 0) || !(wt >= 0)) throw new BaseeratError('VALIDATION', `event ${i}: harm ${h} and weight ${wt} must be finite and >= 0`, { field: 'events' });
    count[a * nPeriods + t]! += wt;
    harm[a * nPeriods + t]! += wt * h;
  }
  return { areas, nPeriods, count, harm, terrain, windows: w, outside, exposure, minCoveredShare };
}

/** Names of the factors in design order: the dynamic ones, then the terrain layers. */
export function factorNames(panel: RiskPanel): string[] {
  return [...DYNAMIC_FACTORS, ...panel.terrain.map((t) => t.name)];
}

export function factorDescriptions(panel: RiskPanel): Record<string, string> {
  const out: Record<string, string> = { ...DYNAMIC_FACTOR_DESCRIPTIONS };
  for (const t of panel.terrain) out[t.name] = t.description;
  return out;
}

/** First origin with a full history window for every factor. */
export function firstFullOrigin(panel: RiskPanel): number {
  const w = panel.windows;
  return Math.max(w.harmPeriods, 2 * w.trendPeriods, w.nearRepeatPeriods, 1);
}

function sumWindow(m: Float64Array, nP: number, a: number, from: number, to: number): number {
  let s = 0;
  for (let t = Math.max(0, from); t < Math.min(to, nP); t++) s += m[a * nP + t]!;
  return s;
}

/** Periods of [from, to) inside 0..nP and their summed exposure. */
function windowExposure(exposure: Float64Array, from: number, to: number): { periods: number; covered: number } {
  let periods = 0, covered = 0;
  for (let t = Math.max(0, from); t < Math.min(to, exposure.length); t++) { periods++; covered += exposure[t]!; }
  return { periods, covered };
}

/** Decay weights of the exponentially weighted count at origin t (most recent first), as the factor uses them. */
function decayWeights(panel: RiskPanel, t: number): number[] {
  const decay = Math.pow(0.5, 1 / panel.windows.halfLifePeriods);
  const out: number[] = [];
  for (let s = t - 1, f = 1; s >= 0; s--, f *= decay) { out.push(f); if (f < 1e-6) break; }
  return out;
}

/**
 * Covered share of each factor's window at origin t, in design order (factorNames): the share of
 * the window's (decay-weighted, for intensity) time that some feed covers; for the trend the smaller
 * of its two windows' shares; 1 for terrain factors and for a window with no period (origin 0).
 * The same for every area: coverage is in time only.
 */
export function factorCoverageAt(panel: RiskPanel, t: number): Float64Array {
  const { exposure, windows: w } = panel;
  const out = new Float64Array(DYNAMIC_FACTORS.length + panel.terrain.length).fill(1);
  const share = (x: { periods: number; covered: number }): number => (x.periods === 0 ? 1 : x.covered / x.periods);
  const fw = decayWeights(panel, t);
  let fs = 0, fe = 0;
  fw.forEach((f, k) => { fs += f; fe += f * exposure[t - 1 - k]!; });
  out[0] = fs > 0 ? fe / fs : 1;
  out[1] = share(windowExposure(exposure, t - w.harmPeriods, t));
  out[2] = Math.min(share(windowExposure(exposure, t - w.trendPeriods, t)), share(windowExposure(exposure, t - 2 * w.trendPeriods, t - w.trendPeriods)));
  out[3] = share(windowExposure(exposure, t - w.nearRepeatPeriods, t));
  return out;
}

/**
 * Factor values of every area at origin t (0 <= t <= nPeriods; t = nPeriods forecasts the period
 * after the data), from periods before t only. Row-major areas x factors. Window sums are rates per
 * covered time scaled to the window (identical to the calendar-time sums when every period is
 * covered); a factor whose window is covered less than the panel's minCoveredShare is NaN (not known).
 */
export function riskFactorsAt(panel: RiskPanel, t: number): Float64Array {
  const { areas, nPeriods: nP, count, harm, windows: w, exposure } = panel;
  if (!Number.isInteger(t) || t < 0 || t > nP) throw new BaseeratError('VALIDATION', `origin ${t} is outside 0..${nP}`, { field: 'origin' });
  const p = DYNAMIC_FACTORS.length + panel.terrain.length;
  const out = new Float64Array(areas.length * p);
  const known = factorCoverageAt(panel, t).map((c) => (c >= panel.minCoveredShare ? 1 : 0));
  // Window sum S over n periods with covered time E becomes S x n / E (1 when E = n).
  const scale = (from: number, to: number): number => { const x = windowExposure(exposure, from, to); return x.periods === 0 || x.covered === x.periods ? 1 : x.periods / x.covered; };
  const fw = decayWeights(panel, t);
  let fs = 0, fe = 0;
  fw.forEach((f, k) => { fs += f; fe += f * exposure[t - 1 - k]!; });
  const ewScale = fe === fs || fe === 0 ? 1 : fs / fe;
  const harmScale = scale(t - w.harmPeriods, t), recentScale = scale(t - w.trendPeriods, t), beforeScale = scale(t - 2 * w.trendPeriods, t - w.trendPeriods);
  const nearScale = scale(t - w.nearRepeatPeriods, t);
  for (let a = 0; a < areas.length; a++) {
    let ew = 0;
    fw.forEach((f, k) => { ew += f * count[a * nP + t - 1 - k]!; });
    let near = 0;
    for (const b of areas[a]!.neighbours) near += sumWindow(count, nP, b, t - w.nearRepeatPeriods, t);
    const recent = sumWindow(count, nP, a, t - w.trendPeriods, t) * recentScale, before = sumWindow(count, nP, a, t - 2 * w.trendPeriods, t - w.trendPeriods) * beforeScale;
    const row = a * p;
    out[row] = fe > 0 || fs === 0 ? Math.log1p(ew * ewScale) : NaN;
    out[row + 1] = known[1] ? Math.log1p(sumWindow(harm, nP, a, t - w.harmPeriods, t) * harmScale) : NaN;
    out[row + 2] = known[2] ? Math.log((1 + recent) / (1 + before)) : NaN;
    out[row + 3] = known[3] ? Math.log1p(near * nearScale) : NaN;
    panel.terrain.forEach((tf, k) => { out[row + DYNAMIC_FACTORS.length + k] = tf.values[a]!; });
  }
  return out;
}

/** Past incidents (weighted) of every area in the `periods` before origin t: the naive ranking. */
export function pastCountsAt(panel: RiskPanel, t: number, periods: number): Float64Array {
  const out = new Float64Array(panel.areas.length);
  for (let a = 0; a < panel.areas.length; a++) out[a] = sumWindow(panel.count, panel.nPeriods, a, t - periods, t);
  return out;
}

/** Observed weighted count and harm of every area in period t. */
export function observedAt(panel: RiskPanel, t: number): { count: Float64Array; harm: Float64Array } {
  const nP = panel.nPeriods;
  if (!Number.isInteger(t) || t < 0 || t >= nP) throw new BaseeratError('VALIDATION', `period ${t} is outside 0..${nP - 1}`, { field: 'period' });
  const count = new Float64Array(panel.areas.length), harm = new Float64Array(panel.areas.length);
  for (let a = 0; a < panel.areas.length; a++) { count[a] = panel.count[a * nP + t]!; harm[a] = panel.harm[a * nP + t]!; }
  return { count, harm };
}
