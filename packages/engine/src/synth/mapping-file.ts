/**
 * The agency mapping file: how one agency's feed maps onto a Report. The ingest pipeline reads it
 * (server/ingest); the synthetic generator writes one per agency. Shape agreed with the ingest
 * engineer (issue 2):
 * - each field: `column` (CSV header or NDJSON top-level key) or `value`, optional `map` (raw ->
 *   value) and `default`;
 * - times: `format` in a small pattern language (`yyyy MM dd HH mm ss`, quoted literals such as
 *   `'T'`, `XXX` for an offset, or `iso`), read in `timezone` unless the value carries an offset;
 *   `timeColumn` + `timeFormat` add a separate time of day (blank: the time is known to the day).
 */
import type { Classification } from '../domain/classification.js';
import type { ReportingMode } from '../domain/incident.js';

export interface MappingField {
  column?: string;
  value?: string | number;
  map?: Record<string, string>;
  default?: string | number;
  format?: string;
  timeColumn?: string;
  timeFormat?: string;
}

export const MAPPING_FIELD_NAMES = [
  'sourceId', 'occurredAt', 'lat', 'lon', 'place', 'district', 'province', 'category', 'killed', 'injured', 'abducted',
  'targetType', 'perpetrator', 'narrative', 'classification', 'reportedAt',
] as const;
export type MappingFieldName = (typeof MAPPING_FIELD_NAMES)[number];

export interface MappingFile {
  agency: string;
  reader: 'csv' | 'ndjson' | 'geojson';
  delimiter?: string;
  timezone: string;
  classification: Classification;
  reportingMode: ReportingMode;
  fields: Partial<Record<MappingFieldName, MappingField>>;
}
