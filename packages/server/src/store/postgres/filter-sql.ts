/**
 * IncidentFilter -> a parameterised WHERE clause over `incidents` (alias `i`) for PostgreSQL: the
 * same reading as `../duckdb/filter-sql.ts` (an empty list matches nothing, an absent one does not
 * filter), with positional parameters. Values only ever travel as parameters.
 */
import { classificationRank } from '@baseerat/engine';
import { isoToMs } from '../duckdb/filter-sql.js';
import { checkIncidentFilter } from '../filter-checks.js';
import type { IncidentFilter } from '../port.js';

/** Positional parameters of one statement: `add(v)` returns its placeholder (`$n`). */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Canonical ISO text (millisecond UTC) of an ISO time, naming the field when it is not one. */
export function isoParam(iso: string, field: string): string {
  return new Date(isoToMs(iso, field)).toISOString();
}

/** The WHERE condition for `filter`; its values are appended to `p`. */
export function pgFilterSql(filter: IncidentFilter, p: Params): string {
  checkIncidentFilter(filter);
  const clauses: string[] = [];
  const list = (column: string, values: readonly string[]) => {
    clauses.push(values.length === 0 ? 'FALSE' : `${column} = ANY (${p.add([...values])}::text[])`);
  };
  if (filter.from !== undefined) clauses.push(`i.occurred_at >= ${p.add(isoParam(filter.from, 'from'))}::timestamptz`);
  if (filter.to !== undefined) clauses.push(`i.occurred_at < ${p.add(isoParam(filter.to, 'to'))}::timestamptz`);
  if (filter.districts !== undefined) list('i.district', filter.districts);
  if (filter.provinces !== undefined) list('i.province', filter.provinces);
  if (filter.categories !== undefined) list('i.category', filter.categories);
  if (filter.groups !== undefined) list('i.category_group', filter.groups);
  if (filter.agencies !== undefined) {
    if (filter.agencies.length === 0) clauses.push('FALSE');
    else clauses.push(`EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = i.id AND r.agency = ANY (${p.add([...filter.agencies])}::text[]))`);
  }
  if (filter.maxClassification !== undefined) {
    const rank = classificationRank(filter.maxClassification);
    clauses.push(`i.classification_rank <= ${p.add(rank)}::smallint`);
  }
  if (filter.bbox !== undefined) {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    clauses.push(
      `i.lon IS NOT NULL AND i.lat IS NOT NULL AND i.lon BETWEEN ${p.add(minLon)}::float8 AND ${p.add(maxLon)}::float8 AND i.lat BETWEEN ${p.add(minLat)}::float8 AND ${p.add(maxLat)}::float8`,
    );
  }
  return clauses.length === 0 ? 'TRUE' : clauses.map((c) => `(${c})`).join(' AND ');
}
