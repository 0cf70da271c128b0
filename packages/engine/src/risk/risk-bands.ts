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
 * Units: thresholds in expected incidents (or harm) per area per period. Complexity: O(n log n).
 * Reference: the "capture" reading of hot-spot maps (Chainey, Tompson and Uhlig 2008, the PAI and
 * hit rate); banding by cumulative share as in concentration curves (Lorenz curves of crime
 * across places, Weisburd 2015, "the law of crime concentration").
 */
import { InsufficientDataError, BaseeratError } from '../domain/errors.js';

export const RISK_BANDS = ['low', 'elevated', 'high', 'severe'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

export interface RiskBandThresholds {
  /** Expected value at or above which an area is elevated / high / severe. */
  elevated: number;
  high: number;
  severe: number;
  /** Cumulative shares of past incidents that defined severe, high and elevated. */
  shares: readonly [number, number, number];
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
