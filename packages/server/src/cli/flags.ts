/**
 * Flag parsers and the incident-filter flags shared by the analysis commands (`analyze`, `risk`,
 * `allocate`): one spelling of each check, so every command refuses a bad value with the same
 * message naming the flag.
 */
import { BaseeratError } from '@baseerat/engine';
import type { AnalysisFilter } from '../analysis/analysis-request.js';

/** Commander collector: comma-separated or repeated values, trimmed, empties dropped. */
export const list = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];

/** An integer flag in [lo, hi]. */
export function int(name: string, lo: number, hi = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new BaseeratError('VALIDATION', `--${name} must be an integer from ${lo}${hi === Number.MAX_SAFE_INTEGER ? '' : ` to ${hi}`}, got ${JSON.stringify(v)}`, { field: name });
    return n;
  };
}

/** A finite number flag in [lo, hi]. */
export function num(name: string, lo: number, hi = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < lo || n > hi) throw new BaseeratError('VALIDATION', `--${name} must be a number from ${lo}${hi === Infinity ? '' : ` to ${hi}`}, got ${JSON.stringify(v)}`, { field: name });
    return n;
  };
}

/** The incident-filter flags every analysis command takes. */
export interface FilterFlags {
  db?: string;
  province?: string;
  district?: string[];
  from?: string;
  to?: string;
  group?: string[];
  category?: string[];
  maxClassification?: string;
}

/** The filter flags as the analysis services' filter. */
export function filterOf(o: FilterFlags): AnalysisFilter {
  return {
    ...(o.province === undefined ? {} : { province: o.province }),
    ...(o.district === undefined ? {} : { districts: o.district }),
    ...(o.from === undefined ? {} : { from: o.from }),
    ...(o.to === undefined ? {} : { to: o.to }),
    ...(o.group === undefined ? {} : { groups: o.group }),
    ...(o.category === undefined ? {} : { categories: o.category }),
    ...(o.maxClassification === undefined ? {} : { maxClassification: o.maxClassification }),
  };
}
