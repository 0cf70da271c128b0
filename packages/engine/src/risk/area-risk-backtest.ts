/**
 * Backtest of the area risk index on held-out periods: the share of next-period incidents and
 * harm captured by the top fraction of risk-ranked areas, against ranking by past counts alone,
 * and the calibration table of the risk bands.
 *
 * What it answers: "does the index point at the areas where the next period's harm happens, and
 * better than simply listing the areas with most incidents so far?" For each test origin t (in
 * order), the model is refitted on every origin before t (an expanding window) with the penalty
 * and band thresholds chosen once, on the periods before the first test origin; the areas are
 * ranked by expected incidents; the top `topFraction` of areas (rounded, at least one) are
 * flagged; the share of period t's incidents and harm in flagged areas is recorded. The same is
 * done for the naive ranking by incidents in the `baselinePeriods` before t, and for the oracle
 * that knew period t (the most any ranking could capture, as the PEI's n*).
 * Ties (many areas with the same past count, often zero) are broken at random in expectation:
 * a tied block straddling the cut contributes its outcome times the fraction of the block that
 * fits, so neither ranking gains from an arbitrary order.
 * A test period no feed covers (panel.exposure 0) is missing data, not a period without incidents:
 * it is left out (`leftOut`), as the count forecast's backtest does; the models of the other test
 * periods are trained on covered periods only (area-risk-index.ts).
 * The level is scored too (calibration in the large): observed / expected incidents (or harm) over the
 * test periods, the expected total of a partly covered period times its covered share, and the mean
 * absolute error of the areas' expected against observed counts.
 * Units: shares in [0, 1]; pooled = sum captured / sum observed over test periods.
 * Complexity: one model fit per test origin plus the validation fits once.
 * Reference: NIJ Real-Time Crime Forecasting Challenge (2017) capture metrics (PAI, PEI);
 * Chainey, Tompson and Uhlig (2008); Mohler et al. (2015) compare with analysts' rankings.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { observedAt, pastCountsAt, type RiskPanel } from './area-risk-factors.js';
import { fitAreaRiskModel, scoreAreaRisk, type AreaRiskModel, type AreaRiskOptions } from './area-risk-index.js';
import { BandCalibrationTable, type BandCalibrationRow } from './risk-bands.js';

/**
 * Share of the observed total captured by the top k = max(1, round(fraction x n)) areas by
 * score, with ties broken at random in expectation.
 */
export function capturedShare(score: ArrayLike<number>, observed: ArrayLike<number>, fraction: number): number {
  if (score.length !== observed.length) throw new BaseeratError('VALIDATION', `score has ${score.length} values and observed ${observed.length}`, { field: 'observed' });
  if (!(fraction > 0 && fraction <= 1)) throw new BaseeratError('VALIDATION', `fraction ${fraction} must be in (0, 1]`, { field: 'topFraction' });
  const n = score.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += observed[i]!;
  if (!(total > 0)) return 0;
  const k = Math.max(1, Math.round(fraction * n));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let taken = 0, captured = 0, i = 0;
  while (i < n && taken < k) {
    let j = i, block = 0;
    while (j < n && score[order[j]!]! === score[order[i]!]!) { block += observed[order[j]!]!; j++; }
    const size = j - i;
    const room = k - taken;
    captured += size <= room ? block : block * (room / size);
    taken += Math.min(size, room);
    i = j;
  }
  return captured / total;
}

export interface AreaRiskBacktestOptions extends AreaRiskOptions {
  /** Periods to predict, each from the periods before it. */
  testOrigins: readonly number[];
  /** Fraction of areas flagged. Default 0.1. */
  topFraction?: number;
  /** Past periods of the naive count ranking. Default the model's harm window. */
  baselinePeriods?: number;
  /** The level of the scores outside the training range (scoreAreaRisk): 'recalibrated' (default), 'winsorised' or 'extrapolated'. */
  level?: 'recalibrated' | 'winsorised' | 'extrapolated';
}

export interface AreaRiskBacktestPeriod {
  origin: number;
  /** Sum of the index's expected values over the scored areas (incidents, or harm with target harm), for a fully covered period. */
  expected: number;
  incidents: number;
  harm: number;
  /** The period's levelAdjustment (1: no factor outside its training range) and where its level came from. */
  levelAdjustment: number;
  levelSource: 'model' | 'recent-period' | 'winsorised';
  /** Mean over the scored areas of |expected x covered share - observed| (incidents, or harm with target harm). */
  meanAbsoluteError: number;
  index: { incidentShare: number; harmShare: number };
  pastCounts: { incidentShare: number; harmShare: number };
  oracle: { incidentShare: number; harmShare: number };
}

export interface AreaRiskBacktest {
  topFraction: number;
  flaggedAreas: number;
  areas: number;
  baselinePeriods: number;
  periods: AreaRiskBacktestPeriod[];
  /** Sum captured over sum observed, all test periods. */
  pooled: { index: { incidentShare: number; harmShare: number }; pastCounts: { incidentShare: number; harmShare: number }; oracle: { incidentShare: number; harmShare: number } };
  /**
   * Calibration in the large: sum observed / sum expected (times each period's covered share) over
   * the test periods, in the model's target (incidents or harm); 1 is a level right on average.
   */
  observedOverExpected: number;
  /** Mean of the periods' meanAbsoluteError. */
  meanAbsoluteError: number;
  /** Test periods where the index captured more / the same / less harm than past counts. */
  harmWinsTiesLosses: [number, number, number];
  /** Test origins left out because no feed covers their period. */
  leftOut: number[];
  calibration: BandCalibrationRow[];
  /** The model chosen before the first test origin (lambda, thresholds, coefficients). */
  firstModel: AreaRiskModel;
}

export function backtestAreaRisk(panel: RiskPanel, options: AreaRiskBacktestOptions): AreaRiskBacktest {
  const asked = [...options.testOrigins].sort((a, b) => a - b);
  if (asked.length === 0) throw new BaseeratError('VALIDATION', 'give at least one test origin', { field: 'testOrigins' });
  for (const t of asked) if (!(Number.isInteger(t) && t >= 1 && t < panel.nPeriods)) throw new BaseeratError('VALIDATION', `test origin ${t} is outside 1..${panel.nPeriods - 1}`, { field: 'testOrigins' });
  const leftOut = asked.filter((t) => !(panel.exposure[t]! > 0));
  const origins = asked.filter((t) => panel.exposure[t]! > 0);
  if (origins.length === 0) throw new InsufficientDataError(`no feed covers any of the ${asked.length} test periods: nothing to score`);
  const fraction = options.topFraction ?? 0.1;
  const baselinePeriods = options.baselinePeriods ?? panel.windows.harmPeriods;
  const { testOrigins: _t, topFraction: _f, baselinePeriods: _b, level, ...modelOptions } = options;
  const firstModel = fitAreaRiskModel(panel, { ...modelOptions, endOrigin: origins[0]! });
  const table = new BandCalibrationTable();
  const periods: AreaRiskBacktestPeriod[] = [];
  const sums = { n: 0, h: 0, ic: 0, ih: 0, pc: 0, ph: 0, oc: 0, oh: 0 };
  let nAreas = 0;
  for (const t of origins) {
    const model = t === origins[0] ? firstModel : fitAreaRiskModel(panel, { ...modelOptions, endOrigin: t, lambda: firstModel.lambda, thresholds: firstModel.thresholds });
    const scores = scoreAreaRisk(model, panel, t, level === undefined ? {} : { level });
    const obs = observedAt(panel, t);
    const past = pastCountsAt(panel, t, baselinePeriods);
    const idx = scores.map((s) => s.area);
    nAreas = idx.length;
    const pick = (v: ArrayLike<number>): Float64Array => Float64Array.from(idx, (a) => v[a]!);
    const oc = pick(obs.count), oh = pick(obs.harm);
    const model_ = Float64Array.from(scores, (s) => s.expected);
    const naive = pick(past);
    for (const s of scores) table.add(s.band, s.expected, obs.count[s.area]!, obs.harm[s.area]!);
    const incidents = oc.reduce((a, b) => a + b, 0), harm = oh.reduce((a, b) => a + b, 0);
    const target = model.target === 'harm' ? oh : oc, e = panel.exposure[t]!;
    const row: AreaRiskBacktestPeriod = {
      origin: t, expected: model_.reduce((a, b) => a + b, 0), incidents, harm,
      levelAdjustment: scores[0]?.levelAdjustment ?? 1, levelSource: scores[0]?.levelSource ?? 'model',
      meanAbsoluteError: idx.length === 0 ? 0 : model_.reduce((s, x, i) => s + Math.abs(x * e - target[i]!), 0) / idx.length,
      index: { incidentShare: capturedShare(model_, oc, fraction), harmShare: capturedShare(model_, oh, fraction) },
      pastCounts: { incidentShare: capturedShare(naive, oc, fraction), harmShare: capturedShare(naive, oh, fraction) },
      oracle: { incidentShare: capturedShare(oc, oc, fraction), harmShare: capturedShare(oh, oh, fraction) },
    };
    periods.push(row);
    sums.n += incidents; sums.h += harm;
    sums.ic += row.index.incidentShare * incidents; sums.ih += row.index.harmShare * harm;
    sums.pc += row.pastCounts.incidentShare * incidents; sums.ph += row.pastCounts.harmShare * harm;
    sums.oc += row.oracle.incidentShare * incidents; sums.oh += row.oracle.harmShare * harm;
  }
  const div = (a: number, b: number): number => (b > 0 ? a / b : 0);
  const wtl: [number, number, number] = [0, 0, 0];
  for (const r of periods) {
    if (r.harm === 0) continue;
    const d = r.index.harmShare - r.pastCounts.harmShare;
    wtl[d > 1e-12 ? 0 : d < -1e-12 ? 2 : 1]++;
  }
  return {
    topFraction: fraction,
    flaggedAreas: Math.max(1, Math.round(fraction * nAreas)),
    areas: nAreas,
    baselinePeriods,
    periods,
    pooled: {
      index: { incidentShare: div(sums.ic, sums.n), harmShare: div(sums.ih, sums.h) },
      pastCounts: { incidentShare: div(sums.pc, sums.n), harmShare: div(sums.ph, sums.h) },
      oracle: { incidentShare: div(sums.oc, sums.n), harmShare: div(sums.oh, sums.h) },
    },
    observedOverExpected: div(periods.reduce((s, r) => s + (firstModel.target === 'harm' ? r.harm : r.incidents), 0), periods.reduce((s, r) => s + r.expected * panel.exposure[r.origin]!, 0)),
    meanAbsoluteError: periods.reduce((s, r) => s + r.meanAbsoluteError, 0) / periods.length,
    harmWinsTiesLosses: wtl,
    leftOut,
    calibration: table.table(),
    firstModel,
  };
}
