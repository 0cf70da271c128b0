/**
 * Caveats travel with every analysis result: what limits it, in words an analyst can check.
 * Codes are stable so that reports and the dashboard can group or translate them.
 */
export interface Caveat {
  code: string;
  message: string;
  count?: number;
}

export function caveat(code: string, message: string, count?: number): Caveat {
  return count === undefined ? { code, message } : { code, message, count };
}

/**
 * Code of the caveat every analysis carries when its time window holds days no feed covers (see
 * analysis/feed-coverage.ts `uncoveredPeriodsCaveat`): incidents there are missing data, and a count,
 * rate or model over the window reads them as none.
 */
export const UNCOVERED_PERIODS = 'UNCOVERED_PERIODS';
