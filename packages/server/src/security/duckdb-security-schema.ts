/**
 * The security tables in the incident store's DuckDB file, with their own migration ledger
 * (`security_migrations`) so that they evolve independently of the store's tables. All SQL is
 * parameterised.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { applySchemaMigrations, inTransaction, type SchemaMigration } from '../store/duckdb/schema-ledger.js';

const MIGRATIONS: readonly SchemaMigration[] = [
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
  return applySchemaMigrations(conn, 'security_migrations', MIGRATIONS, now);
}

export { inTransaction };

/** Serialises the async operations of one object on its connection (DuckDB transactions are per connection). */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
