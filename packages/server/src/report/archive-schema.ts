/**
 * The report archive's tables in its own DuckDB file (`<archive dir>/report-archive.duckdb`), with
 * their own migration ledger, so that they evolve apart from the store's. `rpt_reports` is one row
 * per generated report (who generated it, its security label); `rpt_opens` one row per opening.
 * Both are also in the tamper-evident audit log (report.generate, data.read) when the API is used.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string[] }> = [
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

export async function migrateReportArchive(conn: DuckDBConnection, now: Date): Promise<number[]> {
  await conn.run(`CREATE TABLE IF NOT EXISTS rpt_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)`);
  const done = new Set((await conn.runAndReadAll('SELECT version FROM rpt_migrations')).getRowObjectsJS().map((r) => Number(r['version'])));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const s of m.sql) await conn.run(s);
      await conn.run('INSERT INTO rpt_migrations VALUES ($1, $2, $3)', [m.version, m.name, now.toISOString()]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}
