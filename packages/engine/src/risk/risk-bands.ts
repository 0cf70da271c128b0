/**
 * Risk bands (low, elevated, high, severe) with thresholds calibrated on history, and the
 * calibration table that says how much of the later incidents and harm fell in each band.
 *
 * What it answers: "which areas are severe, and what does severe mean?" A band is defined by
 * what it held in the past, not by a round number: on out-of-sample predictions for past periods
 * (each made only from the periods before it), areas are sorted by expected incidents; `severe`
 * starts where the top areas together held `shares[0]` (default 50 %) of the incidents that then
 * happened, `high` down to `shares[1]` (75 %), `elevated` down to `shares[2]` (90 %), and the
 * rest are `low`. The thresholds are values of the expected count per period, so they apply to
 * a new origin as they are. The calibration table on later, held-out periods then shows whether
 * the bands keep their meaning (a severe band holding about half the incidents again).
 *
 * Scales (`RiskBandScale`). Thresholds on the absolute expected count (`absolute`) do not transfer
 * when the overall level shifts: learnt on sparse past periods, they put almost every area of a
 * dense new period in the top bands. Two relative scales keep their meaning when the level moves:
 * - `share` (default): areas of one origin are ranked by expected value, and each area's score is
 *   the share of the origin's predicted total held by it and every area ranked below it (1 for the
 *   top area, falling to the last area's own share). The thresholds are calibrated on these scores,
 *   pooled over the calibration periods, where the observed share reaches 50 / 75 / 90 %; applied,
 *   they cut the ranking where the cumulative share of the predicted total reaches a calibrated
 *   fraction. Invariant to multiplying every expected value by a constant; monotone in rank.
 * - `ratio`: score = expected / mean expected over the origin's areas (also level-free).
 * The choice is made on the held-out calibration table (bench/risk/risk-backtest.ts, see
 * docs/methods/risk-index.md).
 * Units: thresholds in expected incidents (or harm) per area per period (`absolute`), a share of
 * the predicted total (`share`) or a ratio to the mean (`ratio`). Complexity: O(n log n).
 * Reference: the "capture" reading of hot-spot maps (Chainey, Tompson and Uhlig 2008, the PAI and
 * hit rate); banding by cumulative share as in concentration curves (Lorenz curves of crime
 * across places, Weisburd 2015, "the law of crime concentration").
 */
import { InsufficientDataError, BaseeratError } from '../domain/errors.js';

export const RISK_BANDS = ['low', 'elevated', 'high', 'severe'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

/** What the thresholds are compared with: see the file comment. */
export const RISK_BAND_SCALES = ['share', 'ratio', 'absolute'] as const;
export type RiskBandScale = (typeof RISK_BAND_SCALES)[number];
export const DEFAULT_BAND_SCALE: RiskBandScale = 'share';

export interface RiskBandThresholds {
  /** Score (on `scale`) at or above which an area is elevated / high / severe. */
  elevated: number;
  high: number;
  severe: number;
  /** Cumulative shares of past incidents that defined severe, high and elevated. */
  shares: readonly [number, number, number];
  /** Scale of the thresholds; absent means `absolute` (thresholds from before scales existed). */
  scale?: RiskBandScale;
}

export const DEFAULT_BAND_SHARES: readonly [number, number, number] = [0.5, 0.75, 0.9];

/**
 * Thresholds from pairs (predicted, observed): the predicted value of the area at which the
 * cumulative observed share, walking down the predictions, first reaches each share.
 */
export function calibrateRiskBands(predicted: ArrayLike<number>, observed: ArrayLike<number>, shares: readonly [number, number, number] = DEFAULT_BAND_SHARES): RiskBandThresholds {
  if (predicted.length !== observed.length) throw new BaseeratError('VALIDATION', `predicted has ${predicted.length} values and observed ${observed.length}`, { field: 'observed' });
  if (!(shares[0] > 0 && shares[0] < shares[1] && shares[1] < shares[2] && shares[2] < 1)) {
    throw new BaseeratError('VALIDATION', `band shares ${shares.join(', ')} must increase strictly within (0, 1)`, { field: 'bandShares' });
  }
  const order = Array.from({ length: predicted.length }, (_, i) => i).sort((a, b) => predicted[b]! - predicted[a]! || a - b);
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i]!;
  if (!(total > 0)) throw new InsufficientDataError('no incident in the calibration periods: risk bands cannot be calibrated');
  const cut: number[] = [];
  let cum = 0, s = 0;
  for (const i of order) {
    cum += observed[i]!;
    while (s < 3 && cum >= shares[s]! * total - 1e-12) { cut.push(predicted[i]!); s++; }
    if (s === 3) break;
  }
  return { severe: cut[0]!, high: cut[1]!, elevated: cut[2]!, shares };
}

/**
 * Band scores of the areas of ONE origin on a scale, in the order given. `share`: ties in the
 * expected value are ranked by position (earlier first), as scoreAreaRisk ranks by id after sorting.
 */
export function riskBandScores(expected: ArrayLike<number>, scale: RiskBandScale): Float64Array {
  const n = expected.length;
  const out = new Float64Array(n);
  if (scale === 'absolute') { for (let i = 0; i < n; i++) out[i] = expected[i]!; return out; }
  let total = 0;
  for (let i = 0; i < n; i++) total += expected[i]!;
  if (scale === 'ratio') { const mean = total / Math.max(1, n); for (let i = 0; i < n; i++) out[i] = mean > 0 ? expected[i]! / mean : 0; return out; }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => expected[b]! - expected[a]! || a - b);
  let before = 0;
  for (const i of order) { out[i] = total > 0 ? Math.max(0, 1 - before / total) : 0; before += expected[i]!; }
  return out;
}

/**
 * Thresholds on a scale from predictions grouped by origin: `group[i]` names the origin of pair i
 * (the scores of `share` and `ratio` are computed within each origin, then pooled).
 */
export function calibrateRiskBandsOnScale(predicted: ArrayLike<number>, observed: ArrayLike<number>, group: ArrayLike<number>, scale: RiskBandScale, shares: readonly [number, number, number] = DEFAULT_BAND_SHARES): RiskBandThresholds {
  if (group.length !== predicted.length) throw new BaseeratError('VALIDATION', `predicted has ${predicted.length} values and group ${group.length}`, { field: 'group' });
  const score = new Float64Array(predicted.length);
  const members = new Map<number, number[]>();
  for (let i = 0; i < group.length; i++) { const g = group[i]!; const m = members.get(g); if (m) m.push(i); else members.set(g, [i]); }
  for (const idx of members.values()) {
    const s = riskBandScores(idx.map((i) => predicted[i]!), scale);
    idx.forEach((i, k) => { score[i] = s[k]!; });
  }
  return { ...calibrateRiskBands(score, observed, shares), scale };
}

/**
 * Bands of the areas of ONE origin (order kept), on the scale of the thresholds. Share and ratio
 * scores are O(1) sums of quotients: an area whose score equals a threshold up to rounding (1e-9)
 * gets the higher band, so that a period whose values are all a constant times the calibration
 * period's gets the same bands.
 */
export function assignRiskBands(expected: ArrayLike<number>, t: RiskBandThresholds): RiskBand[] {
  const scale = t.scale ?? 'absolute';
  const slack = scale === 'absolute' ? 0 : 1e-9;
  return Array.from(riskBandScores(expected, scale), (s) => riskBandOf(s + slack, t));
}

/** Band of one score, already on the scale of the thresholds (the expected value for `absolute`). */
export function riskBandOf(expected: number, t: RiskBandThresholds): RiskBand {
  return expected >= t.severe ? 'severe' : expected >= t.high ? 'high' : expected >= t.elevated ? 'elevated' : 'low';
}

export interface BandCalibrationRow {
  band: RiskBand;
  /** Area-periods in the band. */
  areaPeriods: number;
  areaShare: number;
  expected: number;
  incidents: number;
  incidentShare: number;
  harm: number;
  harmShare: number;
}

/** Accumulates the calibration table over held-out periods. */
export class BandCalibrationTable {
  private readonly rows = new Map<RiskBand, { n: number; e: number; c: number; h: number }>(RISK_BANDS.map((b) => [b, { n: 0, e: 0, c: 0, h: 0 }]));

  add(band: RiskBand, expected: number, incidents: number, harm: number): void {
    const r = this.rows.get(band)!;
    r.n++; r.e += expected; r.c += incidents; r.h += harm;
  }

  table(): BandCalibrationRow[] {
    let n = 0, c = 0, h = 0;
    for (const r of this.rows.values()) { n += r.n; c += r.c; h += r.h; }
    return [...RISK_BANDS].reverse().map((band) => {
      const r = this.rows.get(band)!;
      return { band, areaPeriods: r.n, areaShare: n > 0 ? r.n / n : 0, expected: r.e, incidents: r.c, incidentShare: c > 0 ? r.c / c : 0, harm: r.h, harmShare: h > 0 ? r.h / h : 0 };
    });
  }
}
