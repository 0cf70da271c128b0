/**
 * Robustness checks shared by the estimators.
 *  - Placebo start dates ("in time"): the estimator is re-run on the pre-period alone with a fake
 *    start `shift` months before the real one. A real-looking effect at a fake date says the design
 *    picks up something other than the measure (a trend break, a season, an unrelated event).
 *  - Leave-one-out comparison sets: the estimate with each comparison area left out in turn; an
 *    estimate that hinges on one area is fragile.
 * Complexity: one estimator run per shift or per comparison area.
 */
import { BaseeratError } from '../domain/errors.js';
import type { EvaluationPanel, RateRatioEffect } from './evaluation-panel.js';

export interface PlaceboEstimate {
  /** The fake start, months before the real start (placebo dates) or the area left out. */
  label: string;
  shift?: number;
  leftOut?: string;
  effect: RateRatioEffect | null;
  /** Why there is no estimate. */
  error?: string;
  significant: boolean;
}

/** The panel cut to the pre-period with a fake start `shift` periods before the real one. */
export function placeboInTimePanel(panel: EvaluationPanel, shift: number): EvaluationPanel {
  const fake = panel.startIndex - shift;
  if (!Number.isInteger(shift) || shift < 1 || fake < 1) throw new BaseeratError('VALIDATION', `shift ${shift} leaves no pre-period before the fake start`, { field: 'shift' });
  return {
    periods: panel.periods.slice(0, panel.startIndex),
    monthOfYear: panel.monthOfYear.slice(0, panel.startIndex),
    startIndex: fake,
    areas: panel.areas.map((a) => ({ ...a, counts: a.counts.slice(0, panel.startIndex) })),
  };
}

function run(label: string, extra: { shift?: number; leftOut?: string }, estimate: () => RateRatioEffect | null): PlaceboEstimate {
  try {
    const effect = estimate();
    return { label, ...extra, effect, significant: effect !== null && effect.standardError > 0 && (effect.upper < 1 || effect.lower > 1) };
  } catch (e) {
    if (!(e instanceof BaseeratError)) throw e;
    return { label, ...extra, effect: null, error: e.message, significant: false };
  }
}

export function placeboStartDates(panel: EvaluationPanel, shifts: readonly number[], estimate: (p: EvaluationPanel) => RateRatioEffect | null): PlaceboEstimate[] {
  return shifts.filter((s) => panel.startIndex - s >= 1).map((s) => run(`start ${s} months earlier (pre-period only)`, { shift: s }, () => estimate(placeboInTimePanel(panel, s))));
}

export function leaveOneComparisonOut(panel: EvaluationPanel, estimate: (p: EvaluationPanel) => RateRatioEffect | null): PlaceboEstimate[] {
  return panel.areas.filter((a) => a.role === 'comparison').map((left) => run(`without ${left.name}`, { leftOut: left.name }, () => estimate({ ...panel, areas: panel.areas.filter((a) => a !== left) })));
}
