/**
 * Area risk index: expected incidents (or harm) of every district or cell in the next period, from
 * a ridge-penalised Poisson regression on the factors of area-risk-factors.ts, fitted on past
 * periods and validated on later past periods; every score with each factor's contribution.
 *
 * What it answers: "which areas carry the most risk next period, and why?" The model is
 *   log E[y_a,t] = offset_a + b0 + sum_j b_j z_j(a, t),
 * y_a,t the incidents of area a in period t (weighted by the feedback-loop correction), z_j the
 * factor j at origin t standardised with the training rows' mean and standard deviation, offset
 * log(population / 100,000) in the per-capita variant (else 0). Weights are never chosen by hand:
 * b is fitted, and the penalty lambda is chosen by rolling-origin validation, that is, for each of
 * the last `validationOrigins` training periods v, the model is fitted on the origins before v
 * and scored by its Poisson deviance at v; the lambda with the least total deviance wins (ties
 * to the larger penalty). The same out-of-sample predictions calibrate the risk bands
 * (risk-bands.ts). The final model is refitted on every training origin with that lambda.
 *
 * Contribution of factor j to area a: c_j = b_j z_j (log scale; exp(c_j) is the factor's relative
 * risk against an area at the training average of that factor); expected = exp(offset + b0 + sum c_j).
 * Periods no feed covers are missing data (panel.exposure, area-risk-factors.ts): an origin whose
 * outcome period no feed covers is left out of training and validation; a partly covered outcome
 * period enters with offset log(covered share), so the model fits rates per covered time (a
 * Poisson rate with exposure); the scored period is expected at full coverage. A factor with too
 * little covered time at an origin (NaN) is not known: it is standardised to 0 (the training
 * average, contribution 0, relative risk 1), left out of the training mean and SD, and the score
 * says so (`known`, `coveredShare`) with the range of ranks the area could take if the factor
 * were anywhere between the 10th and 90th percentile of its training values (`rankRange`).
 * Level outside the training range (since 2026-11-27): a log-linear model scored at factor values far
 * outside those it was fitted on extrapolates its level exponentially (the demo store: a synthetic
 * feed 500 times the rate of the UCDP years it follows puts the intensity at 6-12 training SDs and the
 * expected quarter at 1.15 million incidents against 2,596 recorded). The ranking is kept as it is
 * (the order of exp(eta) is what the factors say: shares, ranks, share and ratio bands unchanged);
 * only the level, the period's expected total, is recalibrated, by one factor for every area
 * (levelAdjustment). When every known factor of every scored area lies inside its training range
 * [min, max] of standardised values, the model's level stands (levelAdjustment exactly 1). When any
 * lies outside, the model's level is an extrapolation no data supports, and the expected total is
 * set to the total recorded in the most recent covered period before the origin (per full period:
 * divided by its covered share): a recalibration in the large on the latest covered period, the
 * persistence forecast of the total, which is robust to a shift in level (Clements and Hendry 1998,
 * intercept correction). `level: 'winsorised'` instead takes the model's total with every known
 * standardised factor clamped to its training range (the guard of scoring models; measured, not the
 * default: it bounds the extrapolation but leaves the level off by factors of 4 to 10 after a shift);
 * `level: 'extrapolated'` the unclamped model (the behaviour before 2026-11-27).
 * Units: expected incidents (or harm) per area per period; per capita per 100,000 people.
 * Complexity: O(lambdas x validationOrigins x fit), a fit O(iterations x areas x origins x p^2).
 * Reference: Poisson regression for area counts (Osgood 2000, J. Quant. Criminol. 16); penalised
 * GLM (Friedman, Hastie and Tibshirani 2010); Risk Terrain Modeling (Caplan and Kennedy 2011)
 * for terrain factors; rolling-origin evaluation (Tashman 2000).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import {
  factorCoverageAt, factorDescriptions, factorNames, firstFullOrigin, observedAt, riskFactorsAt, type RiskPanel,
} from './area-risk-factors.js';
import { fitRidgePoisson, poissonDeviance } from './ridge-poisson-regression.js';
import { assignRiskBands, calibrateRiskBandsOnScale, DEFAULT_BAND_SCALE, DEFAULT_BAND_SHARES, type RiskBand, type RiskBandScale, type RiskBandThresholds } from './risk-bands.js';

export const DEFAULT_LAMBDAS: readonly number[] = [1, 0.1, 0.01, 0.001, 0.0001, 0];

export interface AreaRiskOptions {
  /** What the model predicts: incidents (default) or harm (Poisson quasi-likelihood). */
  target?: 'count' | 'harm';
  /** Offset log(population / 100,000): areas without population are left out. Default false. */
  perCapita?: boolean;
  /** Penalties tried. Default DEFAULT_LAMBDAS. */
  lambdas?: readonly number[];
  /** Use this penalty and skip validation (thresholds must then be given too). */
  lambda?: number;
  /** Use these band thresholds instead of calibrating. */
  thresholds?: RiskBandThresholds;
  /** Past periods used to choose lambda and calibrate bands. Default 4. */
  validationOrigins?: number;
  /** First training origin. Default: the first with a full history window. */
  firstOrigin?: number;
  /** Train on origins before this one (default nPeriods: every period with an outcome). */
  endOrigin?: number;
  bandShares?: readonly [number, number, number];
  /** Scale of the band thresholds (risk-bands.ts). Default DEFAULT_BAND_SCALE ('share'). */
  bandScale?: RiskBandScale;
}

export interface FactorCoefficient {
  name: string;
  description: string;
  /** Log rate ratio per training standard deviation of the factor (0 when the factor was constant). */
  coefficient: number;
  /** exp(coefficient): rate ratio for one standard deviation more. */
  rateRatioPerSd: number;
  mean: number;
  sd: number;
  used: boolean;
}

export interface AreaRiskModel {
  target: 'count' | 'harm';
  perCapita: boolean;
  intercept: number;
  factors: FactorCoefficient[];
  lambda: number;
  /** Validation deviance of each penalty tried (empty when lambda was given). */
  lambdaPath: { lambda: number; validationDeviance: number }[];
  thresholds: RiskBandThresholds;
  trainingOrigins: { from: number; to: number };
  trainingRows: number;
  /** Areas in the model (all, or those with population in the per-capita variant). */
  areaMask: Uint8Array;
  converged: boolean;
  /** Training origins (outcome periods) left out because no feed covers them, and those partly covered. */
  coverage: { originsLeftOut: number; originsPartlyCovered: number };
  /** 10th and 90th percentile of each factor's standardised training values (design order; [0, 0] when unused). */
  standardisedRange: [number, number][];
  /** Smallest and largest standardised training value of each factor (design order; [0, 0] when unused): the range the level is winsorised to. */
  trainingRange: [number, number][];
  caveats: Caveat[];
}

export interface FactorContribution {
  name: string;
  /** Factor value before standardising. */
  value: number;
  standardised: number;
  /** coefficient x standardised: the factor's share of the log expected value. */
  contribution: number;
  /** exp(contribution): relative risk from this factor against an average area. */
  relativeRisk: number;
  /** Share of the factor's window (before the origin) that some feed covers; 1 for terrain factors. */
  coveredShare: number;
  /** False when the window was covered too little for a value: value NaN, contribution 0. */
  known: boolean;
  /** coveredShare below the panel's minCoveredShare: the factor (if known at all) rests on little covered time. */
  lowCoverage: boolean;
}

export interface AreaRiskScore {
  area: number;
  id: string;
  district?: string;
  rank: number;
  /** Expected incidents (or harm) in the period at the origin. */
  expected: number;
  /** Expected per 100,000 people (per-capita variant only). */
  per100k?: number;
  band: RiskBand;
  /** exp(intercept + offset): the expectation of an area at the average of every factor. */
  baseline: number;
  /**
   * Level calibration of the period, the same for every area: the recalibrated expected total over
   * the model's (1 when no factor lies outside its training range, or with level 'extrapolated').
   * expected = baseline x product of relative risks x levelAdjustment.
   */
  levelAdjustment: number;
  /** Where the period's expected total comes from: the model, the most recent covered period's recorded total, or the winsorised model. */
  levelSource: 'model' | 'recent-period' | 'winsorised';
  factors: FactorContribution[];
  /**
   * Best and worst rank the area could take if every factor not known at this origin were anywhere
   * between the 10th and 90th percentile of its training values (the other areas' likewise);
   * [rank, rank] when every factor is known.
   */
  rankRange: [number, number];
  /**
   * True when rankRange is wider than one rank, or a known factor of the model rests on little
   * covered time (lowCoverage): the rank rests on periods the feeds do not cover.
   */
  uncertain: boolean;
}

interface Design { x: Float64Array; y: Float64Array; offset: Float64Array; rows: number }

function offsets(panel: RiskPanel, perCapita: boolean): Float64Array {
  const o = new Float64Array(panel.areas.length);
  if (perCapita) panel.areas.forEach((a, i) => { o[i] = a.population !== undefined && a.population > 0 ? Math.log(a.population / 100_000) : 0; });
  return o;
}

/** Builds and caches factors by origin: the validation loop reads each origin many times. */
class FactorCache {
  private readonly cache = new Map<number, Float64Array>();
  constructor(readonly panel: RiskPanel) {}
  at(t: number): Float64Array {
    let f = this.cache.get(t);
    if (f === undefined) { f = riskFactorsAt(this.panel, t); this.cache.set(t, f); }
    return f;
  }
}

function design(cache: FactorCache, origins: readonly number[], mask: Uint8Array, off: Float64Array, target: 'count' | 'harm'): Design {
  const panel = cache.panel;
  const p = factorNames(panel).length;
  let nA = 0;
  for (let a = 0; a < mask.length; a++) nA += mask[a]!;
  const covered = origins.filter((t) => panel.exposure[t]! > 0);
  const rows = nA * covered.length;
  const x = new Float64Array(rows * p), y = new Float64Array(rows), offset = new Float64Array(rows);
  let r = 0;
  for (const t of covered) {
    const f = cache.at(t);
    const obs = observedAt(panel, t);
    const out = target === 'harm' ? obs.harm : obs.count;
    for (let a = 0; a < mask.length; a++) {
      if (mask[a] === 0) continue;
      x.set(f.subarray(a * p, a * p + p), r * p);
      y[r] = out[a]!;
      // A partly covered outcome period: its counts are those of the covered share.
      offset[r] = off[a]! + (panel.exposure[t]! < 1 ? Math.log(panel.exposure[t]!) : 0);
      r++;
    }
  }
  return { x, y, offset, rows };
}

interface CoreFit { intercept: number; coef: Float64Array; mean: Float64Array; sd: Float64Array; used: boolean[]; converged: boolean; zRange: [number, number][]; zMinMax: [number, number][] }

/** The q-quantile (type 7) of sorted values. */
function quantileSorted(v: Float64Array, q: number): number {
  if (v.length === 0) return 0;
  const h = (v.length - 1) * q, lo = Math.floor(h);
  return v[lo]! + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)]! - v[lo]!));
}

function fitCore(d: Design, p: number, lambda: number): CoreFit {
  const mean = new Float64Array(p), sd = new Float64Array(p);
  // Mean and SD (1/n) over the rows where the factor is known; unknown (NaN) values are set to the mean.
  for (let j = 0; j < p; j++) {
    let s = 0, n = 0;
    for (let i = 0; i < d.rows; i++) { const x = d.x[i * p + j]!; if (!Number.isNaN(x)) { s += x; n++; } }
    const m = n > 0 ? s / n : 0;
    let v = 0;
    for (let i = 0; i < d.rows; i++) { const x = d.x[i * p + j]!; if (!Number.isNaN(x)) { const e = x - m; v += e * e; } }
    mean[j] = m; sd[j] = n > 0 ? Math.sqrt(v / n) : 0;
  }
  const used = Array.from(sd, (s) => s > 1e-12);
  const cols = used.map((u, j) => (u ? j : -1)).filter((j) => j >= 0);
  const q = cols.length;
  const z = new Float64Array(d.rows * q);
  for (let i = 0; i < d.rows; i++) for (let k = 0; k < q; k++) { const j = cols[k]!; const x = d.x[i * p + j]!; z[i * q + k] = Number.isNaN(x) ? 0 : (x - mean[j]!) / sd[j]!; }
  const zRange: [number, number][] = Array.from({ length: p }, () => [0, 0]);
  const zMinMax: [number, number][] = Array.from({ length: p }, () => [0, 0]);
  cols.forEach((j, k) => {
    const known: number[] = [];
    for (let i = 0; i < d.rows; i++) if (!Number.isNaN(d.x[i * p + j]!)) known.push(z[i * q + k]!);
    const sorted = Float64Array.from(known).sort();
    zRange[j] = [quantileSorted(sorted, 0.1), quantileSorted(sorted, 0.9)];
    if (sorted.length > 0) zMinMax[j] = [sorted[0]!, sorted[sorted.length - 1]!];
  });
  const fit = fitRidgePoisson({ y: d.y, x: z, p: q, lambda, offset: d.offset });
  const coef = new Float64Array(p);
  cols.forEach((j, k) => { coef[j] = fit.coefficients[k]!; });
  return { intercept: fit.intercept, coef, mean, sd, used, converged: fit.converged, zRange, zMinMax };
}

function predict(core: CoreFit, f: Float64Array, p: number, a: number, off: number): number {
  let eta = off + core.intercept;
  for (let j = 0; j < p; j++) if (core.used[j] && !Number.isNaN(f[a * p + j]!)) eta += core.coef[j]! * (f[a * p + j]! - core.mean[j]!) / core.sd[j]!;
  return Math.exp(eta);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export function fitAreaRiskModel(panel: RiskPanel, options: AreaRiskOptions = {}): AreaRiskModel {
  const target = options.target ?? 'count';
  const perCapita = options.perCapita ?? false;
  const names = factorNames(panel);
  const p = names.length;
  const caveats: Caveat[] = [];
  const mask = new Uint8Array(panel.areas.length).fill(1);
  if (perCapita) {
    let missing = 0;
    panel.areas.forEach((a, i) => { if (!(a.population !== undefined && a.population > 0)) { mask[i] = 0; missing++; } });
    if (missing > 0) caveats.push(caveat('NO_POPULATION', `${missing} areas have no census population and are left out of the per-capita index`, missing));
    if (missing === panel.areas.length) throw new InsufficientDataError('no area has a census population: the per-capita index cannot be fitted');
  }
  const off = offsets(panel, perCapita);
  const first = options.firstOrigin ?? firstFullOrigin(panel);
  const end = options.endOrigin ?? panel.nPeriods;
  if (end > panel.nPeriods) throw new BaseeratError('VALIDATION', `endOrigin ${end} is past the last period ${panel.nPeriods - 1}`, { field: 'endOrigin' });
  const allOrigins = range(first, end);
  // Outcome periods no feed covers are missing data: not trained on, not validated on.
  const origins = allOrigins.filter((t) => panel.exposure[t]! > 0);
  const originsLeftOut = allOrigins.length - origins.length;
  const originsPartlyCovered = origins.filter((t) => panel.exposure[t]! < 1).length;
  const cache = new FactorCache(panel);
  const shares = options.bandShares ?? DEFAULT_BAND_SHARES;

  let lambda: number;
  let thresholds: RiskBandThresholds;
  const lambdaPath: { lambda: number; validationDeviance: number }[] = [];
  if (options.lambda !== undefined && options.thresholds !== undefined) {
    lambda = options.lambda;
    thresholds = options.thresholds;
  } else {
    const v = Math.min(options.validationOrigins ?? 4, origins.length - 2);
    if (v < 1) throw new InsufficientDataError(`${origins.length} training periods after the history window${originsLeftOut > 0 ? ` with feed coverage (${originsLeftOut} no feed covers are left out)` : ''}: the risk index needs at least 3 to fit and validate (give more history or shorter windows)`);
    const valOrigins = origins.slice(origins.length - v);
    const lambdas = options.lambda === undefined ? [...(options.lambdas ?? DEFAULT_LAMBDAS)] : [options.lambda];
    const preds = new Map<number, { pred: number[]; obs: number[]; group: number[] }>();
    for (const lam of lambdas) {
      if (!(lam >= 0)) throw new BaseeratError('VALIDATION', `lambda ${lam} must be >= 0`, { field: 'lambdas' });
      let dev = 0;
      const pred: number[] = [], obs: number[] = [], group: number[] = [];
      for (const vo of valOrigins) {
        const core = fitCore(design(cache, origins.filter((t) => t < vo), mask, off, target), p, lam);
        const f = cache.at(vo);
        const o = observedAt(panel, vo);
        const yv = target === 'harm' ? o.harm : o.count;
        const mu: number[] = [], ys: number[] = [];
        for (let a = 0; a < mask.length; a++) {
          if (mask[a] === 0) continue;
          mu.push(predict(core, f, p, a, off[a]!) * panel.exposure[vo]!); ys.push(yv[a]!);
          pred.push(mu[mu.length - 1]!); obs.push(yv[a]!); group.push(vo);
        }
        dev += poissonDeviance(ys, mu);
      }
      lambdaPath.push({ lambda: lam, validationDeviance: dev });
      preds.set(lam, { pred, obs, group });
    }
    const best = lambdaPath.reduce((b, r) => (r.validationDeviance < b.validationDeviance - 1e-9 * Math.abs(b.validationDeviance) || (Math.abs(r.validationDeviance - b.validationDeviance) <= 1e-9 * Math.abs(b.validationDeviance) && r.lambda > b.lambda) ? r : b));
    lambda = best.lambda;
    const pv = preds.get(lambda)!;
    thresholds = options.thresholds ?? calibrateRiskBandsOnScale(pv.pred, pv.obs, pv.group, options.bandScale ?? DEFAULT_BAND_SCALE, shares);
  }
  const d = design(cache, origins, mask, off, target);
  let ySum = 0;
  for (let i = 0; i < d.rows; i++) ySum += d.y[i]!;
  if (!(ySum > 0)) throw new InsufficientDataError('no incident in the training periods: the risk index cannot be fitted');
  const core = fitCore(d, p, lambda);
  if (!core.converged) caveats.push(caveat('NOT_CONVERGED', 'the penalised Poisson fit did not converge in 100 Newton steps; coefficients may be imprecise'));
  const unused = names.filter((_, j) => !core.used[j]);
  if (unused.length > 0) caveats.push(caveat('CONSTANT_FACTOR', `factors constant over the training periods, left out: ${unused.join(', ')}`, unused.length));
  let events = 0;
  for (let i = 0; i < d.rows; i++) events += d.y[i]!;
  if (originsLeftOut > 0 || originsPartlyCovered > 0) {
    caveats.push(caveat('RISK_TRAINED_ON_COVERED_PERIODS', `the risk index is trained on covered time only: ${originsLeftOut} training period${originsLeftOut === 1 ? '' : 's'} that no feed covers ${originsLeftOut === 1 ? 'is' : 'are'} left out${originsPartlyCovered > 0 ? `, ${originsPartlyCovered} partly covered enter${originsPartlyCovered === 1 ? 's' : ''} as rates per covered day` : ''}, and the factors are rates per covered day`, originsLeftOut));
  }
  if (events < 30) caveats.push(caveat('FEW_EVENTS', `only ${events.toFixed(0)} incidents in the training periods: coefficients are uncertain and the penalty shrinks them strongly`, Math.round(events)));
  const desc = factorDescriptions(panel);
  return {
    target, perCapita, intercept: core.intercept,
    factors: names.map((name, j) => ({ name, description: desc[name] ?? name, coefficient: core.coef[j]!, rateRatioPerSd: Math.exp(core.coef[j]!), mean: core.mean[j]!, sd: core.sd[j]!, used: core.used[j]! })),
    lambda, lambdaPath, thresholds,
    trainingOrigins: { from: first, to: end }, trainingRows: d.rows, areaMask: mask, converged: core.converged,
    coverage: { originsLeftOut, originsPartlyCovered }, standardisedRange: core.zRange, trainingRange: core.zMinMax, caveats,
  };
}

export interface ScoreAreaRiskOptions {
  /**
   * The period's expected total when a factor lies outside its training range: 'recalibrated'
   * (default) the most recent covered period's recorded total; 'winsorised' the model's with each
   * known standardised factor clamped to its training range; 'extrapolated' the unclamped model's
   * (the behaviour before 2026-11-27). Inside the range all three are the model's. Ranks and shares
   * are the same either way.
   */
  level?: 'recalibrated' | 'winsorised' | 'extrapolated';
}

/**
 * The model target's recorded total (incidents or harm, weighted) over the model's areas in the most
 * recent period before origin t that some feed covers, per full period (divided by its covered
 * share); undefined when no covered period before t holds any.
 */
export function recentCoveredTotal(model: AreaRiskModel, panel: RiskPanel, t: number): { period: number; total: number } | undefined {
  for (let s = Math.min(t, panel.nPeriods) - 1; s >= 0; s--) {
    const e = panel.exposure[s]!;
    if (!(e > 0)) continue;
    const o = observedAt(panel, s), v = model.target === 'harm' ? o.harm : o.count;
    let total = 0;
    for (let a = 0; a < v.length; a++) if (model.areaMask[a] === 1) total += v[a]!;
    return total > 0 ? { period: s, total: total / e } : undefined;
  }
  return undefined;
}

/** Scores every area in the model at origin t (t = nPeriods: the period after the data), highest first. */
export function scoreAreaRisk(model: AreaRiskModel, panel: RiskPanel, t: number, options: ScoreAreaRiskOptions = {}): AreaRiskScore[] {
  const names = factorNames(panel);
  if (names.length !== model.factors.length || names.some((n, j) => n !== model.factors[j]!.name)) {
    throw new BaseeratError('VALIDATION', 'the panel has other factors than the model was fitted on', { field: 'factors' });
  }
  const p = names.length;
  const f = riskFactorsAt(panel, t);
  const covered = factorCoverageAt(panel, t);
  const off = offsets(panel, model.perCapita);
  const out: AreaRiskScore[] = [];
  // Spread of the log expected value from the factors not known at this origin (lowest, highest).
  const unknownSpread = (a: number): [number, number] => {
    let lo = 0, hi = 0;
    model.factors.forEach((c, j) => {
      if (!c.used || !Number.isNaN(f[a * p + j]!)) return;
      const [z10, z90] = model.standardisedRange[j] ?? [0, 0];
      lo += Math.min(c.coefficient * z10, c.coefficient * z90, 0);
      hi += Math.max(c.coefficient * z10, c.coefficient * z90, 0);
    });
    return [lo, hi];
  };
  const spread: [number, number][] = [];
  // Totals of the period with the factors as they are and winsorised to their training range (the level).
  let totalRaw = 0, totalWinsorised = 0, outside = false;
  panel.areas.forEach((area, a) => {
    if (model.areaMask[a] === 0) return;
    const factors: FactorContribution[] = model.factors.map((c, j) => {
      const value = f[a * p + j]!;
      const known = !Number.isNaN(value);
      const standardised = c.used && known ? (value - c.mean) / c.sd : 0;
      const contribution = c.coefficient * standardised;
      return { name: c.name, value, standardised, contribution, relativeRisk: Math.exp(contribution), coveredShare: covered[j]!, known, lowCoverage: covered[j]! < panel.minCoveredShare };
    });
    const baseline = Math.exp(model.intercept + off[a]!);
    const expected = baseline * Math.exp(factors.reduce((s, c) => s + c.contribution, 0));
    totalRaw += expected;
    totalWinsorised += baseline * Math.exp(factors.reduce((s, c, j) => {
      const [zlo, zhi] = model.trainingRange[j] ?? [0, 0];
      if (model.factors[j]!.used && c.known && model.factors[j]!.coefficient !== 0 && (c.standardised > zhi || c.standardised < zlo)) outside = true;
      return s + (model.factors[j]!.used && c.known ? model.factors[j]!.coefficient * Math.min(zhi, Math.max(zlo, c.standardised)) : 0);
    }, 0));
    const s: AreaRiskScore = { area: a, id: area.id, rank: 0, expected, band: 'low', baseline, levelAdjustment: 1, levelSource: 'model', factors, rankRange: [0, 0], uncertain: false };
    spread[a] = unknownSpread(a);
    if (area.district !== undefined) s.district = area.district;
    out.push(s);
  });
  // The level: one factor for every area, exactly 1 when no factor lies outside its training range.
  const mode = options.level ?? 'recalibrated';
  let levelAdjustment = 1, levelSource: AreaRiskScore['levelSource'] = 'model';
  if (outside && mode !== 'extrapolated' && totalRaw > 0) {
    const recent = mode === 'recalibrated' ? recentCoveredTotal(model, panel, t) : undefined;
    if (recent !== undefined) { levelAdjustment = recent.total / totalRaw; levelSource = 'recent-period'; }
    else { levelAdjustment = totalWinsorised / totalRaw; levelSource = 'winsorised'; }
  }
  for (const s of out) {
    s.levelAdjustment = levelAdjustment;
    s.levelSource = levelSource;
    s.expected *= levelAdjustment;
    const pop = panel.areas[s.area]!.population;
    if (model.perCapita && pop !== undefined) s.per100k = s.expected / (pop / 100_000);
  }
  out.sort((x, y) => y.expected - x.expected || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  out.forEach((s, i) => { s.rank = i + 1; });
  // Rank range: best when this area is at its highest and every other at its lowest, worst the reverse.
  const lo = out.map((s) => s.expected * Math.exp(spread[s.area]![0])), hi = out.map((s) => s.expected * Math.exp(spread[s.area]![1]));
  const anyUnknown = out.some((s) => spread[s.area]![0] !== 0 || spread[s.area]![1] !== 0);
  out.forEach((s, i) => {
    if (!anyUnknown) { s.rankRange = [s.rank, s.rank]; s.uncertain = false; return; }
    let surelyAbove = 0, mayBeAbove = 0;
    out.forEach((_, k) => { if (k === i) return; if (lo[k]! > hi[i]!) surelyAbove++; if (hi[k]! > lo[i]!) mayBeAbove++; });
    s.rankRange = [Math.min(s.rank, surelyAbove + 1), Math.max(s.rank, mayBeAbove + 1)];
    s.uncertain = s.rankRange[0] !== s.rankRange[1];
  });
  // A known factor resting on little covered time (intensity across a long gap) leaves every rank uncertain; unknown ones are in rankRange.
  for (const s of out) if (s.factors.some((f, j) => f.known && f.lowCoverage && model.factors[j]!.used && model.factors[j]!.coefficient !== 0)) s.uncertain = true;
  // Bands on the sorted list: with the share scale they depend on the whole origin (and on rank).
  assignRiskBands(out.map((s) => s.expected), model.thresholds).forEach((b, i) => { out[i]!.band = b; });
  return out;
}

/**
 * The caveat of a scored period whose factors lie outside their training range (levelSource not
 * 'model'): which factors, how far (standardised, against the training maximum or minimum), where
 * the expected total comes from, and what the model alone would have said. Undefined otherwise.
 */
export function levelExtrapolationCaveat(model: AreaRiskModel, scores: readonly AreaRiskScore[], periodLabel?: string): Caveat | undefined {
  if (scores.length === 0 || scores[0]!.levelSource === 'model') return undefined;
  const adj = scores[0]!.levelAdjustment;
  const parts: string[] = [];
  let areasOutside = 0;
  for (const s of scores) {
    if (s.factors.some((f, j) => { const [lo, hi] = model.trainingRange[j] ?? [0, 0]; return model.factors[j]!.used && model.factors[j]!.coefficient !== 0 && f.known && (f.standardised > hi || f.standardised < lo); })) areasOutside++;
  }
  model.factors.forEach((c, j) => {
    if (!c.used || c.coefficient === 0) return;
    const [lo, hi] = model.trainingRange[j] ?? [0, 0];
    let mx = -Infinity, mn = Infinity;
    for (const s of scores) { const f = s.factors[j]!; if (f.known) { mx = Math.max(mx, f.standardised); mn = Math.min(mn, f.standardised); } }
    if (mx > hi) parts.push(`${c.name} up to ${mx.toFixed(1)} SD above its training mean (training at most ${hi.toFixed(1)})`);
    if (mn < lo) parts.push(`${c.name} down to ${mn.toFixed(1)} SD (training at least ${lo.toFixed(1)})`);
  });
  const total = scores.reduce((s, x) => s + x.expected, 0);
  const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));
  const what = model.target === 'harm' ? 'harm' : 'incidents';
  const source = scores[0]!.levelSource === 'recent-period'
    ? `the expected total is set to the ${fmt(total)} ${what} recorded in the most recent covered period${periodLabel === undefined ? '' : ` (${periodLabel})`}`
    : `the expected total is taken with those factors held at the edge of that range, ${fmt(total)}`;
  return caveat('RISK_LEVEL_OUTSIDE_TRAINING', `in ${areasOutside} of ${scores.length} areas the factors of the scored period lie outside the range the model was trained on (${parts.join('; ')}): ${source}, instead of the model's extrapolated ${fmt(total / adj)}; the ranking and the bands are the model's. The level is uncertain: the data changed more than the history shows`, areasOutside);
}
