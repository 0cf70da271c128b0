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
