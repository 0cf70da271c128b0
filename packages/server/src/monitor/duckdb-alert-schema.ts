/**
 * The monitor's tables in the embedded DuckDB file, with their own migration ledger
 * (`monitor_migrations`), so that they evolve independently of the store's and the security
 * tables (as security/duckdb-security-schema.ts does). Alerts are kept as the engine's Alert JSON
 * in `doc`, with the columns the API filters on beside it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { applySchemaMigrations, type SchemaMigration } from '../store/duckdb/schema-ledger.js';

const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'alerts and webhook deliveries',
    sql: [
      `CREATE TABLE mon_alerts (id VARCHAR PRIMARY KEY, dedup_key VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
         severity_rank INTEGER NOT NULL, district VARCHAR NOT NULL, state VARCHAR NOT NULL, classification_rank INTEGER NOT NULL,
         opened_at VARCHAR NOT NULL, updated_at VARCHAR NOT NULL, classification VARCHAR NOT NULL, doc VARCHAR NOT NULL)`,
      `CREATE TABLE mon_webhook_deliveries (seq BIGINT NOT NULL, delivery_id VARCHAR NOT NULL, webhook_id VARCHAR NOT NULL,
         alert_id VARCHAR NOT NULL, attempt INTEGER NOT NULL, attempted_at VARCHAR NOT NULL, status INTEGER NOT NULL, outcome VARCHAR NOT NULL,
         error VARCHAR, duration_ms DOUBLE NOT NULL)`,
    ],
  },
];

/** Applies pending migrations; idempotent. Returns the versions applied now. */
export async function migrateMonitorSchema(conn: DuckDBConnection, now: Date): Promise<number[]> {
  return applySchemaMigrations(conn, 'monitor_migrations', MIGRATIONS, now);
}
