/**
 * Independent check of a microdata release file: it re-derives the equivalence classes from the
 * released CSV itself (not from anything the generator computed) and refuses the release unless
 * every class over the quasi-identifiers holds at least k rows and at least l distinct values of the
 * sensitive attribute (distinct l-diversity), after normalising case, spacing and Unicode variants.
 *
 * It also refuses: rows with a missing quasi-identifier or sensitive value (a blank or "NA" would
 * form a class of its own that an attacker can still single out, and the generator never emits one);
 * columns that must never leave the building (narrative, names, source ids, raw records, exact
 * coordinates, incident ids); time values finer than an ISO week; H3 cells finer than resolution 7.
 *
 * Written without importing engine/src/privacy (or the release writer): keep it that way.
 * Complexity O(n · q). Units: rows.
 */
import { readCsvText } from './csv-reader.js';
import { isMissingValue, normaliseValue } from './normalise-value.js';

export interface MicrodataCheckOptions {
  quasiIdentifiers: readonly string[];
  sensitive: string;
  k: number;
  l: number;
  /** Extra column names that must not appear (on top of the built-in list). */
  forbiddenColumns?: readonly string[];
}

export interface MicrodataCheckResult {
  ok: boolean;
  problems: string[];
  rows: number;
  classes: number;
  /** Size of the smallest class (0 when there are no rows). */
  smallestClass: number;
  /** Fewest distinct sensitive values in a class (0 when there are no rows). */
  fewestDistinct: number;
}

/** Column names (normalised, with '-' and ' ' as '_') that a microdata release may never carry. */
export const FORBIDDEN_COLUMNS = [
  'narrative', 'description', 'name', 'names', 'victim', 'victim_name', 'suspect', 'suspect_name', 'perpetrator',
  'source', 'source_id', 'sourceid', 'sources', 'raw', 'raw_record', 'agency', 'id', 'incident_id', 'incidentid',
  'lat', 'lon', 'lng', 'latitude', 'longitude', 'place_name', 'placename', 'address', 'phone', 'cnic',
] as const;

const columnKey = (s: string) => normaliseValue(s).replace(/[-\s]+/g, '_');
const PERIOD_PATTERN = /^(\d{4}|\d{4}-w(0[1-9]|[1-4]\d|5[0-3])|\d{4}-(0[1-9]|1[0-2])|\d{4}-q[1-4])$/;
const TIME_COLUMNS = new Set(['period', 'week', 'month', 'quarter', 'year', 'time', 'date', 'occurred_at', 'occurredat']);
const H3_COLUMNS = new Set(['h3', 'h3_cell', 'cell']);

/** Resolution of a 15-hex-digit H3 cell index read from its bits (mode 1, bits 52-55), or undefined. */
export function h3ResolutionOf(cell: string): number | undefined {
  if (!/^8[0-9a-f]{14}$/.test(cell)) return undefined;
  return parseInt(cell[1]!, 16);
}

export function checkMicrodataCsv(text: string, o: MicrodataCheckOptions): MicrodataCheckResult {
  const problems: string[] = [];
  const table = readCsvText(text);
  problems.push(...table.problems);
  if (!Number.isInteger(o.k) || o.k < 2) problems.push(`k must be an integer >= 2, got ${o.k}`);
  if (!Number.isInteger(o.l) || o.l < 1) problems.push(`l must be an integer >= 1, got ${o.l}`);
  const header = table.header.map(columnKey);
  const forbidden = new Set([...FORBIDDEN_COLUMNS, ...(o.forbiddenColumns ?? []).map(columnKey)]);
  header.forEach((h, j) => { if (forbidden.has(h)) problems.push(`column ${JSON.stringify(table.header[j])} must not be released`); });
  const seen = new Set<string>();
  header.forEach((h) => { if (seen.has(h)) problems.push(`column ${h} appears twice`); seen.add(h); });
  const qiIdx = o.quasiIdentifiers.map((q) => header.indexOf(columnKey(q)));
  o.quasiIdentifiers.forEach((q, j) => { if (qiIdx[j] === -1) problems.push(`quasi-identifier column ${q} is not in the file`); });
  const sIdx = header.indexOf(columnKey(o.sensitive));
  if (sIdx === -1) problems.push(`sensitive column ${o.sensitive} is not in the file`);
  if (o.quasiIdentifiers.some((q) => columnKey(q) === columnKey(o.sensitive))) problems.push(`${o.sensitive} cannot be both quasi-identifier and sensitive`);
  if (problems.length > 0) return { ok: false, problems, rows: table.rows.length, classes: 0, smallestClass: 0, fewestDistinct: 0 };

  const classes = new Map<string, { n: number; values: Set<string>; example: string[] }>();
  let missingRows = 0;
  table.rows.forEach((row, r) => {
    const values = row.map((v) => normaliseValue(v ?? ''));
    header.forEach((h, j) => {
      const v = values[j] ?? '';
      if (TIME_COLUMNS.has(h) && !isMissingValue(v) && !PERIOD_PATTERN.test(v)) {
        problems.push(`row ${r + 1}: ${h} ${JSON.stringify(row[j])} is finer than an ISO week or not a period`);
      }
      if (H3_COLUMNS.has(h) && !isMissingValue(v)) {
        const res = h3ResolutionOf(v);
        if (res === undefined || res > 7) problems.push(`row ${r + 1}: ${h} ${JSON.stringify(row[j])} is not an H3 cell of resolution 7 or coarser`);
      }
    });
    const qi = qiIdx.map((j) => values[j] ?? '');
    const s = values[sIdx] ?? '';
    if (qi.some(isMissingValue) || isMissingValue(s)) {
      missingRows++;
      if (missingRows <= 5) problems.push(`row ${r + 1}: a quasi-identifier or the sensitive value is missing (${JSON.stringify(qiIdx.map((j) => row[j]))})`);
      return;
    }
    const key = JSON.stringify(qi);
    let c = classes.get(key);
    if (c === undefined) { c = { n: 0, values: new Set(), example: qiIdx.map((j) => row[j] ?? '') }; classes.set(key, c); }
    c.n++;
    c.values.add(s);
  });
  if (missingRows > 5) problems.push(`... ${missingRows} rows in all have a missing quasi-identifier or sensitive value`);
  let smallestClass = Number.POSITIVE_INFINITY, fewestDistinct = Number.POSITIVE_INFINITY;
  let reported = 0;
  for (const c of classes.values()) {
    smallestClass = Math.min(smallestClass, c.n);
    fewestDistinct = Math.min(fewestDistinct, c.values.size);
    if ((c.n < o.k || c.values.size < o.l) && reported++ < 10) {
      problems.push(`class ${JSON.stringify(c.example)} has ${c.n} rows (k = ${o.k}) and ${c.values.size} distinct ${o.sensitive} (l = ${o.l})`);
    }
  }
  if (reported > 10) problems.push(`... ${reported} classes in all fail k or l`);
  if (classes.size === 0) { smallestClass = 0; fewestDistinct = 0; }
  return { ok: problems.length === 0, problems, rows: table.rows.length, classes: classes.size, smallestClass, fewestDistinct };
}
