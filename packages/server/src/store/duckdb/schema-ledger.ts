/**
 * One migration runner for every group of tables kept in a DuckDB file: the security tables, the
 * monitor's alerts, the report archive. Each group has its own ledger table (`<name>_migrations`:
 * version, name, applied_at), so groups evolve independently; each migration runs in its own
 * transaction with its ledger row, so a failed one leaves nothing half-applied. Append a migration,
 * never edit a released one. (The store's own tables use migrations.ts, which predates this and
 * also records checksums.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface SchemaMigration {
  version: number;
  name: string;
  sql: readonly string[];
}

/** Runs `fn` inside a transaction on `conn`, rolling back on error. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await conn.run('COMMIT');
    return out;
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}

/** Applies the pending migrations in order, recording each in `ledger`; idempotent. Returns the versions applied now. */
export async function applySchemaMigrations(conn: DuckDBConnection, ledger: string, migrations: readonly SchemaMigration[], now: Date): Promise<number[]> {
  if (!/^[a-z_]+$/.test(ledger)) throw new Error(`ledger table name must be lower-case letters and _, got ${ledger}`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${ledger} (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)`);
  const done = new Set((await conn.runAndReadAll(`SELECT version FROM ${ledger}`)).getRowObjectsJS().map((r) => Number(r['version'])));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await inTransaction(conn, async () => {
      for (const s of m.sql) await conn.run(s);
      await conn.run(`INSERT INTO ${ledger} VALUES ($1, $2, $3)`, [m.version, m.name, now.toISOString()]);
    });
    applied.push(m.version);
  }
  return applied;
}
