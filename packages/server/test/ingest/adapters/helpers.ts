import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ReportSchema } from '@baseerat/engine';
import type { FieldIssue, Report, Result } from '@baseerat/engine';
import type { Adapter, AdapterContext, Row } from '../../../src/ingest/adapter.js';
import { FakeGeocoder } from './fake-geocoder.js';

export const repoPath = (rel: string): string => fileURLToPath(new URL(`../../../../../${rel}`, import.meta.url));
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../../fixtures/adapters/${name}`, import.meta.url));

export function context(agency = 'test', geocoder = new FakeGeocoder()): AdapterContext {
  return { geocoder, agency, receivedAt: '2026-11-26T00:00:00.000Z', classification: 'RESTRICTED', reportingMode: 'unknown' };
}

/** Rows of a CSV file as records keyed by header (strings), as the pipeline's reader yields them. */
export function readCsv(path: string, opts: { delimiter?: string; skipRowsAfterHeader?: number; toLine?: number } = {}): Record<string, string>[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, delimiter: opts.delimiter ?? ',', trim: true, skip_empty_lines: true, ...(opts.toLine === undefined ? {} : { to_line: opts.toLine }) }) as Record<string, string>[];
  return rows.slice(opts.skipRowsAfterHeader ?? 0);
}

export function expectOk(r: Result<Report, FieldIssue[]>): Report {
  if (!r.ok) throw new Error(`expected a report, got issues: ${JSON.stringify(r.error)}`);
  return r.value;
}

export function expectIssues(r: Result<Report, FieldIssue[]>): FieldIssue[] {
  if (r.ok) throw new Error(`expected quarantine, got a report: ${JSON.stringify(r.value)}`);
  expect(r.error.length).toBeGreaterThan(0);
  return r.error;
}

/**
 * Property: the adapter never throws, whatever the row; it returns a schema-valid Report or at
 * least one issue with a field and a message. Rows mix the adapter's own columns (with valid and
 * arbitrary values) with arbitrary keys and non-string values.
 */
export function assertNeverThrows(adapter: Adapter, columns: readonly string[], validValues: readonly string[], seed: number): void {
  const value = fc.oneof(
    fc.string(), fc.constantFrom(...validValues), fc.double().map(String), fc.integer().map(String),
    fc.constant(null), fc.constant(undefined), fc.double(), fc.boolean(), fc.constant('__proto__'), fc.constant('constructor'),
  );
  const row = fc.dictionary(fc.oneof(fc.constantFrom(...columns), fc.string()), value, { maxKeys: columns.length + 3 }) as fc.Arbitrary<Row>;
  const ctx = context();
  fc.assert(
    fc.property(row, fc.string(), fc.integer({ min: 1, max: 1e7 }), (r, raw, line) => {
      const res = adapter.toReport(r, raw, line, ctx);
      if (res.ok) expect(ReportSchema.safeParse(res.value).success).toBe(true);
      else {
        expect(res.error.length).toBeGreaterThan(0);
        for (const i of res.error) { expect(typeof i.field).toBe('string'); expect(i.message.length).toBeGreaterThan(0); }
      }
    }),
    { seed, numRuns: 400 },
  );
}

/** Same property starting from a valid row with one column replaced by an arbitrary value. */
export function assertMutationsNeverThrow(adapter: Adapter, valid: Row, seed: number): void {
  const ctx = context();
  const keys = Object.keys(valid);
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.double().map(String), fc.constant(''), fc.constant(null)), (k, v) => {
      const res = adapter.toReport({ ...valid, [k]: v }, 'raw', 2, ctx);
      if (res.ok) expect(ReportSchema.safeParse(res.value).success).toBe(true);
      else for (const i of res.error) expect(typeof i.field).toBe('string');
    }),
    { seed, numRuns: 400 },
  );
}
