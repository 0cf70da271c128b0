/**
 * The report archive's tables in its own DuckDB file (`<archive dir>/report-archive.duckdb`), with
 * their own migration ledger, so that they evolve apart from the store's. `rpt_reports` is one row
 * per generated report (who generated it, its security label); `rpt_opens` one row per opening.
 * Both are also in the tamper-evident audit log (report.generate, data.read) when the API is used.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { applySchemaMigrations, type SchemaMigration } from '../store/duckdb/schema-ledger.js';

const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'reports and openings',
    sql: [
      `CREATE TABLE rpt_reports (id VARCHAR PRIMARY KEY, template VARCHAR NOT NULL, period VARCHAR NOT NULL, lang VARCHAR NOT NULL,
         province VARCHAR NOT NULL, district VARCHAR, classification VARCHAR NOT NULL, districts VARCHAR NOT NULL, title VARCHAR NOT NULL,
         formats VARCHAR NOT NULL, generated_by VARCHAR NOT NULL, generated_at VARCHAR NOT NULL, schedule VARCHAR)`,
      `CREATE TABLE rpt_opens (report_id VARCHAR NOT NULL, opened_by VARCHAR NOT NULL, opened_at VARCHAR NOT NULL, format VARCHAR NOT NULL)`,
    ],
  },
];

/** Applies pending migrations; idempotent. Returns the versions applied now. */
export async function migrateReportArchive(conn: DuckDBConnection, now: Date): Promise<number[]> {
  return applySchemaMigrations(conn, 'rpt_migrations', MIGRATIONS, now);
}
