/**
 * IncidentFilter -> a parameterised WHERE clause over `incidents` (alias `i`). Values only ever
 * travel as named parameters; the SQL text is built from fixed fragments.
 *
 * An empty list matches nothing (a district officer with no districts sees no incident), which is
 * the safe reading for need-to-know filters; an absent list does not filter.
 */
import { BaseeratError, classificationRank } from '@baseerat/engine';
import { listValue, timestampValue, type DuckDBValue } from '@duckdb/node-api';
import { checkIncidentFilter } from '../filter-checks.js';
import type { IncidentFilter } from '../port.js';

export interface SqlFragment {
  where: string;
  params: Record<string, DuckDBValue>;
}

/** Parses an ISO time to epoch ms, naming the field when it is not a time. */
export function isoToMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new BaseeratError('VALIDATION', `${field} is not an ISO-8601 time: ${JSON.stringify(iso)}`, { field });
  return ms;
}

export function msToTimestamp(ms: number) {
  return timestampValue(BigInt(Math.round(ms)) * 1000n);
}

export function filterSql(filter: IncidentFilter): SqlFragment {
  checkIncidentFilter(filter);
  const clauses: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  let n = 0;
  const param = (v: DuckDBValue) => {
    const name = `f${n++}`;
    params[name] = v;
    return `$${name}`;
  };
  const list = (column: string, values: readonly string[]) => {
    if (values.length === 0) clauses.push('FALSE');
    else clauses.push(`list_contains(${param(listValue([...values]))}::VARCHAR[], ${column})`);
  };
  if (filter.from !== undefined) clauses.push(`i.occurred_at >= ${param(msToTimestamp(isoToMs(filter.from, 'from')))}`);
  if (filter.to !== undefined) clauses.push(`i.occurred_at < ${param(msToTimestamp(isoToMs(filter.to, 'to')))}`);
  if (filter.districts !== undefined) list('i.district', filter.districts);
  if (filter.provinces !== undefined) list('i.province', filter.provinces);
  if (filter.categories !== undefined) list('i.category', filter.categories);
  if (filter.groups !== undefined) list('i.category_group', filter.groups);
  if (filter.agencies !== undefined) {
    if (filter.agencies.length === 0) clauses.push('FALSE');
    else clauses.push(`EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = i.id AND list_contains(${param(listValue([...filter.agencies]))}::VARCHAR[], r.agency))`);
  }
  if (filter.maxClassification !== undefined) {
    const rank = classificationRank(filter.maxClassification);
    clauses.push(`i.classification_rank <= ${param(rank)}`);
  }
  if (filter.bbox !== undefined) {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    clauses.push(
      `i.lon IS NOT NULL AND i.lat IS NOT NULL AND i.lon BETWEEN ${param(minLon)} AND ${param(maxLon)} AND i.lat BETWEEN ${param(minLat)} AND ${param(maxLat)}`,
    );
  }
  return { where: clauses.length === 0 ? 'TRUE' : clauses.map((c) => `(${c})`).join(' AND '), params };
}
