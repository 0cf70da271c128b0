/**
 * How the checker compares values: Unicode NFKC, zero-width characters removed, every run of
 * white space (including no-break spaces) collapsed to one space, trimmed, lower case. Two values
 * that a person would read as the same ("Quetta", " QUETTA ", "Quet\u200Bta") fall in the same
 * equivalence class, so a class cannot hide from the check behind spelling variants; and values that
 * mean "nothing" are reported as missing.
 */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SPACE = /[\s\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '-', '?', '*', 'unknown', '(unknown)']);

export function normaliseValue(v: string): string {
  return v.normalize('NFKC').replace(ZERO_WIDTH, '').replace(SPACE, ' ').trim().toLowerCase();
}

export function isMissingValue(normalised: string): boolean {
  return MISSING.has(normalised);
}
