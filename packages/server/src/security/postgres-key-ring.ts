/**
 * Server mode's data keys on PostgreSQL, shared by the API (api/server-mode.ts) and the workers
 * (worker/ingest-worker.ts) so that both encrypt the store's sensitive columns with the same keys:
 * the security pool (schema created, `sec_*` tables migrated), the key ring opened under an advisory
 * lock, and the store codec that follows rotations made by other processes.
 */
import { BaseeratError } from '@baseerat/engine';
import pg from 'pg';
import type { FieldCodec, SensitiveField } from '../store/port.js';
import { redact } from '../store/postgres/postgres-store.js';
import { ACCOUNTS_DATASET } from './admin-operations.js';
import { FieldCipher, KeyRing } from './field-cipher.js';
import { migratePostgresSecuritySchema, type PostgresSecurityRepo } from './postgres-security-repo.js';
import { STORE_DATASET } from './store-keys.js';

/**
 * A pool on `url` whose connections use `schema` (created when absent) and UTC, with the security
 * tables migrated; at least 2 connections (the key-ring lock holds one while the ring loads).
 */
export async function openPostgresSecurityPool(url: string, schema: string, connections: number): Promise<pg.Pool> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new BaseeratError('CONFIG', `schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`, { field: 'schema' });
  const pool = new pg.Pool({
    connectionString: url, max: Math.max(2, connections), options: `-c search_path=${schema} -c TimeZone=UTC`, application_name: 'baseerat-security',
  });
  // an idle connection that the server drops must not crash the process: the pool replaces it
  pool.on('error', () => undefined);
  try {
    if (schema !== 'public') {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((e: unknown) => {
        const code = (e as { code?: string }).code;
        if (code !== '23505' && code !== '42P06') throw e;
      });
    }
    await migratePostgresSecuritySchema(pool);
    return pool;
  } catch (e) {
    await pool.end();
    throw new BaseeratError('CONFIG', `cannot open the security tables at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`, { field: 'db', cause: e });
  }
}

/**
 * Opens the key ring and makes the first data keys, holding a session advisory lock on one
 * connection meanwhile: processes starting together on an empty database then make each first key
 * once (without it both would find none, and the second would make version 2 under the first's feet).
 */
export async function openPostgresKeyRing(pool: pg.Pool, repo: PostgresSecurityRepo, masterKey: Buffer, now: Date): Promise<KeyRing> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query(`SELECT pg_advisory_lock(hashtext(current_schema() || '.sec_data_keys'))`);
    try {
      const ring = await KeyRing.open(repo, masterKey);
      await ring.ensureDataset(ACCOUNTS_DATASET, now);
      await ring.ensureDataset(STORE_DATASET, now);
      return ring;
    } finally {
      await c.query(`SELECT pg_advisory_unlock(hashtext(current_schema() || '.sec_data_keys'))`).catch((e: unknown) => { broken = e instanceof Error ? e : new Error(String(e)); });
    }
  } finally {
    c.release(broken);
  }
}

/**
 * The store's codec in server mode: the `incidents` cipher of a key ring that is reloaded from the
 * database every `refreshMs` and whenever a value names a key this process does not hold, so that a
 * rotation made through another process reaches this one (the value that failed fails once; the
 * next read after the reload succeeds).
 */
export class ReloadingStoreCodec implements FieldCodec {
  private reloading: Promise<void> | undefined;
  constructor(private cipher: FieldCipher, private readonly reload: () => Promise<KeyRing>) {}
  encode(plain: string, field: SensitiveField, recordId: string): string { return this.cipher.encode(plain, field, recordId); }
  decode(stored: string, field: SensitiveField, recordId: string): string {
    try {
      return this.cipher.decode(stored, field, recordId);
    } catch (e) {
      if (e instanceof BaseeratError && e.code === 'CONFIG') void this.refresh().catch(() => undefined);
      throw e;
    }
  }
  currentPrefix(): string { return this.cipher.currentPrefix(); }
  /** Reloads the data keys (one reload at a time). */
  refresh(): Promise<void> {
    this.reloading ??= this.reload().then((ring) => { this.cipher = new FieldCipher(ring, STORE_DATASET); }).finally(() => { this.reloading = undefined; });
    return this.reloading;
  }
}

