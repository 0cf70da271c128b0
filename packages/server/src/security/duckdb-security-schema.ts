/**
 * The security tables in the incident store's DuckDB file, with their own migration ledger
 * (`security_migrations`) so that they evolve independently of the store's tables. All SQL is
 * parameterised.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string[] }> = [
  {
    version: 1,
    name: 'users, sessions, data keys, audit log',
    sql: [
      `CREATE TABLE sec_users (id VARCHAR PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, doc VARCHAR NOT NULL)`,
      `CREATE TABLE sec_sessions (token_hash VARCHAR PRIMARY KEY, user_id VARCHAR NOT NULL, revoked BOOLEAN NOT NULL, doc VARCHAR NOT NULL)`,
      `CREATE TABLE sec_data_keys (key_id VARCHAR PRIMARY KEY, dataset VARCHAR NOT NULL, version INTEGER NOT NULL,
         wrapped VARCHAR NOT NULL, created_at VARCHAR NOT NULL, active BOOLEAN NOT NULL)`,
      `CREATE TABLE sec_audit_log (seq BIGINT PRIMARY KEY, entry VARCHAR NOT NULL)`,
    ],
  },
];

/** Applies pending migrations; idempotent. Returns the versions applied now. */
export async function migrateSecuritySchema(conn: DuckDBConnection, now: Date): Promise<number[]> {
  await conn.run(`CREATE TABLE IF NOT EXISTS security_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)`);
  const done = new Set(
    (await conn.runAndReadAll('SELECT version FROM security_migrations')).getRowObjectsJS().map((r) => Number(r['version'])),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const s of m.sql) await conn.run(s);
      await conn.run('INSERT INTO security_migrations VALUES ($1, $2, $3)', [m.version, m.name, now.toISOString()]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}

/** Runs `fn` inside a transaction, rolling back on error. */
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

/** Serialises the async operations of one object on its connection (DuckDB transactions are per connection). */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
