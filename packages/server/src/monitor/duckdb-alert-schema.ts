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
  {
    // The primary key's ART index is what a checkpoint of this file spent its time on: with it, a
    // checkpoint after appending 500 alerts to 67,000-300,000 stored ones took 230-320 ms, without
    // it 2-10 ms, deletes or not (bench/realtime/checkpoint-cost.bench.ts and docs/benchmarks.md,
    // "Checkpoint stalls", 2026-11-27); in the live path those checkpoints stalled both DuckDB
    // connections for 1-1.6 s. Ids stay unique by the repository, the table's one writer, which
    // deletes every id it writes that may be stored (duckdb-alert-repository.ts). DuckDB cannot drop
    // a primary key, so the table is copied.
    version: 2,
    name: 'mon_alerts without its primary key index',
    sql: [
      `CREATE TABLE mon_alerts_v2 (id VARCHAR NOT NULL, dedup_key VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
         severity_rank INTEGER NOT NULL, district VARCHAR NOT NULL, state VARCHAR NOT NULL, classification_rank INTEGER NOT NULL,
         opened_at VARCHAR NOT NULL, updated_at VARCHAR NOT NULL, classification VARCHAR NOT NULL, doc VARCHAR NOT NULL)`,
      `INSERT INTO mon_alerts_v2 SELECT * FROM mon_alerts ORDER BY opened_at, id`,
      `DROP TABLE mon_alerts`,
      `ALTER TABLE mon_alerts_v2 RENAME TO mon_alerts`,
    ],
  },
];

/** Applies pending migrations; idempotent. Returns the versions applied now. */
export async function migrateMonitorSchema(conn: DuckDBConnection, now: Date): Promise<number[]> {
  return applySchemaMigrations(conn, 'monitor_migrations', MIGRATIONS, now);
}
