/**
 * Generator side of k-anonymity (Sweeney 2002) and distinct l-diversity (Machanavajjhala et al.
 * 2007) for microdata releases: rows whose equivalence class over the quasi-identifiers holds fewer
 * than k rows, or fewer than l distinct values of the sensitive attribute, are suppressed whole.
 *
 * What it answers: which rows of an already generalised table may be released. Units: rows.
 * Complexity O(n · q) with q quasi-identifiers. How to read it: `suppressed` is the price paid in
 * rows; if it is large, generalise further (month to quarter, district to division) rather than
 * lowering k. Values are compared exactly as given: the generator produces canonical values, and
 * the independent checker (server/release-check) normalises case and spacing to catch what this
 * side might miss.
 *
 * Not differential privacy: k-anonymity says nothing about an attacker who knows that a given
 * incident is in the data and can narrow it by outside knowledge (a news report).
 */
import { BaseeratError } from '../domain/errors.js';

export interface KAnonymityOptions {
  quasiIdentifiers: readonly string[];
  sensitive: string;
  /** Minimum rows per class (default 10). */
  k?: number;
  /** Minimum distinct sensitive values per class (default 2). */
  l?: number;
}

export interface KAnonymityResult<R> {
  kept: R[];
  suppressed: number;
  /** Classes kept and removed, by key (quasi-identifier values joined by ' | '). */
  classesKept: number;
  classesSuppressed: number;
  k: number;
  l: number;
}

export function suppressSmallClasses<R extends Readonly<Record<string, string>>>(rows: readonly R[], options: KAnonymityOptions): KAnonymityResult<R> {
  const k = options.k ?? 10;
  const l = options.l ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new BaseeratError('VALIDATION', `k must be an integer >= 1, got ${k}`, { field: 'k' });
  if (!Number.isInteger(l) || l < 1) throw new BaseeratError('VALIDATION', `l must be an integer >= 1, got ${l}`, { field: 'l' });
  if (options.quasiIdentifiers.length === 0) throw new BaseeratError('VALIDATION', 'quasiIdentifiers must name at least one column', { field: 'quasiIdentifiers' });
  if (options.quasiIdentifiers.includes(options.sensitive)) {
    throw new BaseeratError('VALIDATION', `the sensitive attribute ${options.sensitive} cannot also be a quasi-identifier`, { field: 'sensitive' });
  }
  const classes = new Map<string, { rows: number[]; values: Set<string> }>();
  rows.forEach((r, i) => {
    const key = options.quasiIdentifiers.map((q) => {
      const v = r[q];
      if (v === undefined || v.trim() === '') throw new BaseeratError('VALIDATION', `row ${i} has no value for quasi-identifier ${q}`, { field: q });
      return v;
    }).join('\u0000');
    const s = r[options.sensitive];
    if (s === undefined || s.trim() === '') throw new BaseeratError('VALIDATION', `row ${i} has no value for the sensitive attribute ${options.sensitive}`, { field: options.sensitive });
    let c = classes.get(key);
    if (c === undefined) { c = { rows: [], values: new Set() }; classes.set(key, c); }
    c.rows.push(i);
    c.values.add(s);
  });
  const keep = new Uint8Array(rows.length);
  let classesKept = 0, classesSuppressed = 0;
  for (const c of classes.values()) {
    if (c.rows.length >= k && c.values.size >= l) {
      classesKept++;
      for (const i of c.rows) keep[i] = 1;
    } else classesSuppressed++;
  }
  const kept = rows.filter((_, i) => keep[i] === 1);
  return { kept, suppressed: rows.length - kept.length, classesKept, classesSuppressed, k, l };
}
