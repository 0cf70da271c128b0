/**
 * The adapter port: turns one parsed row of a feed into a normalised Report, or into the list of
 * field problems that sends it to quarantine. Adapters never throw on bad input.
 *
 * A row is what the reader produced: for CSV a record keyed by header (raw strings), for NDJSON and
 * GeoJSON a plain object (GeoJSON: feature properties plus `__lon` / `__lat` from a Point geometry).
 */
import type { Classification, FieldIssue, Geocoder, Report, ReportingMode, Result } from '@baseerat/engine';

export type RowValue = string | number | boolean | null | undefined | RowValue[] | { [k: string]: RowValue };
export type Row = Record<string, RowValue>;

export interface AdapterContext {
  geocoder: Geocoder;
  /** Agency that supplied the file (adapters of public datasets have their own default). */
  agency: string;
  /** receivedAt for the source records of this run (ISO UTC); a parameter, never the clock. */
  receivedAt: string;
  /** Default classification of records that do not state one. */
  classification: Classification;
  reportingMode: ReportingMode;
}

export interface Adapter {
  /** Stable name, recorded as the source record's `format` (e.g. `ucdp-ged`, `mapping:levies`). */
  name: string;
  /** How the file is read. */
  reader: 'csv' | 'ndjson' | 'geojson';
  /** CSV options for the reader. */
  csv?: { delimiter?: string; skipRowsAfterHeader?: number; trim?: boolean };
  /** The agency this adapter stamps on source records when the caller gives none. */
  defaultAgency: string;
  /**
   * Row -> Report or field issues. `raw` is the row's original text, kept as the source record's
   * raw value; `line` is its 1-based line (for messages only).
   */
  toReport(row: Row, raw: string, line: number, ctx: AdapterContext): Result<Report, FieldIssue[]>;
}
