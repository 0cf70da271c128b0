/**
 * PostgreSQL implementations of SecurityRepo and AuditStore for server mode, where several API
 * processes share one database: accounts, sessions, wrapped data keys and the audit trail live in
 * the `sec_*` tables beside the store's (same schema, same pool settings), so that any API process
 * can serve any session.
 *
 * - Records are kept whole as JSON text (`doc`), as in the DuckDB repo; the columns beside it are
 *   what the queries look up. Every value is a parameter.
 * - The audit trail is appended under a transaction-scoped advisory lock (`appendAtEnd`): the next
 *   seq is read and the rows written while holding it, so two processes never take the same seq
 *   nor fork the log. The hashing and checkpoints (audit-checkpoints.ts) are unchanged: the table
 *   holds only the canonical entry text.
 * - Migrations have their own ledger (`security_migrations`) and run under an advisory lock, so
 *   processes starting together apply each one once.
 *
 * The tables carry no row-level security: they are not region- or classification-scoped data, and
 * only the application role reaches them (docs/operations.md, "PostgreSQL roles").
 */
import { BaseeratError } from '@baseerat/engine';
import type pg from 'pg';
import type { AuditStore, StoredAuditEntry } from './audit-log.js';
import type { SecurityRepo, SessionRecord, UserRecord, WrappedDataKey } from './security-repo.js';

export interface PostgresSchemaMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * Applies the migrations not yet in `ledger`, in one transaction holding an advisory lock on the
 * ledger's name in the current schema; idempotent. Returns the versions applied now.
 */
export async function applyPostgresMigrations(pool: pg.Pool, ledger: string, migrations: readonly PostgresSchemaMigration[]): Promise<number[]> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(ledger)) throw new BaseeratError('CONFIG', `ledger name ${JSON.stringify(ledger)} is not an identifier`, { field: 'ledger' });
  return inPgTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || $1))`, [ledger]);
    await c.query(`CREATE TABLE IF NOT EXISTS ${ledger} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await c.query<{ version: number }>(`SELECT version FROM ${ledger}`)).rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const s of m.statements) await c.query(s);
      await c.query(`INSERT INTO ${ledger} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** Runs `fn` in one transaction on one pooled connection; rolls back on error. */
export async function inPgTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    try { await c.query('ROLLBACK'); } catch (r) { broken = r instanceof Error ? r : new Error(String(r)); }
    throw e;
  } finally {
    c.release(broken);
  }
}

const SECURITY_MIGRATIONS: readonly PostgresSchemaMigration[] = [
  {
    version: 1,
    name: 'users, sessions, data keys, audit log',
    statements: [
      `CREATE TABLE sec_users (id text COLLATE "C" PRIMARY KEY, username text COLLATE "C" NOT NULL UNIQUE, doc text NOT NULL)`,
      `CREATE TABLE sec_sessions (token_hash text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL, revoked boolean NOT NULL, doc text NOT NULL)`,
      `CREATE INDEX sec_sessions_user ON sec_sessions (user_id) WHERE NOT revoked`,
      `CREATE TABLE sec_data_keys (key_id text COLLATE "C" PRIMARY KEY, dataset text COLLATE "C" NOT NULL, version integer NOT NULL,
         wrapped text NOT NULL, created_at text NOT NULL, active boolean NOT NULL)`,
      `CREATE UNIQUE INDEX sec_data_keys_one_active ON sec_data_keys (dataset) WHERE active`,
      `CREATE TABLE sec_audit_log (seq bigint PRIMARY KEY, entry text NOT NULL)`,
    ],
  },
];

/** Applies pending security migrations (ledger `security_migrations`); idempotent. */
export function migratePostgresSecuritySchema(pool: pg.Pool): Promise<number[]> {
  return applyPostgresMigrations(pool, 'security_migrations', SECURITY_MIGRATIONS);
}

const sqlState = (e: unknown) => (e as { code?: string }).code;

export class PostgresSecurityRepo implements SecurityRepo {
  constructor(private readonly pool: pg.Pool) {}

  private async docs<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<{ doc: string }>(sql, values)).rows.map((r) => JSON.parse(r.doc) as T);
  }

  async getUserById(id: string): Promise<UserRecord | undefined> {
    return (await this.docs<UserRecord>('SELECT doc FROM sec_users WHERE id = $1', [id]))[0];
  }
  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    return (await this.docs<UserRecord>('SELECT doc FROM sec_users WHERE username = $1', [username]))[0];
  }
  listUsers(): Promise<UserRecord[]> {
    return this.docs<UserRecord>('SELECT doc FROM sec_users ORDER BY username');
  }
  async insertUser(u: UserRecord): Promise<void> {
    try {
      await this.pool.query('INSERT INTO sec_users (id, username, doc) VALUES ($1, $2, $3)', [u.id, u.username, JSON.stringify(u)]);
    } catch (e) {
      if (sqlState(e) === '23505') throw new BaseeratError('CONFLICT', `user ${u.username} already exists`, { field: 'username', cause: e });
      throw e;
    }
  }
  async updateUser(u: UserRecord): Promise<void> {
    await inPgTransaction(this.pool, async (c) => {
      const r = await c.query<{ username: string }>('SELECT username FROM sec_users WHERE id = $1 FOR UPDATE', [u.id]);
      if (r.rows[0] === undefined) throw new BaseeratError('NOT_FOUND', `user ${u.id} not found`, { field: 'id' });
      if (r.rows[0].username !== u.username) throw new BaseeratError('VALIDATION', `user ${u.id}: username cannot change`, { field: 'username' });
      await c.query('UPDATE sec_users SET doc = $2 WHERE id = $1', [u.id, JSON.stringify(u)]);
    });
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO sec_sessions (token_hash, user_id, revoked, doc) VALUES ($1, $2, $3, $4)', [s.tokenHash, s.userId, s.revokedAt !== undefined, JSON.stringify(s)]);
  }
  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return (await this.docs<SessionRecord>('SELECT doc FROM sec_sessions WHERE token_hash = $1', [tokenHash]))[0];
  }
  /**
   * Replaces the session, except that a revocation already stored stays: another process may have
   * revoked it (logout, user disabled) while this one was touching `lastSeenAt`.
   */
  async updateSession(s: SessionRecord): Promise<void> {
    await this.pool.query('UPDATE sec_sessions SET revoked = $2, doc = $3 WHERE token_hash = $1 AND (NOT revoked OR $2)', [s.tokenHash, s.revokedAt !== undefined, JSON.stringify(s)]);
  }
  async revokeSessionsOfUser(userId: string, at: string, reason: string): Promise<number> {
    return inPgTransaction(this.pool, async (c) => {
      const live = (await c.query<{ doc: string }>('SELECT doc FROM sec_sessions WHERE user_id = $1 AND NOT revoked FOR UPDATE', [userId])).rows;
      for (const r of live) {
        const s = JSON.parse(r.doc) as SessionRecord;
        s.revokedAt = at; s.revokedReason = reason;
        await c.query('UPDATE sec_sessions SET revoked = true, doc = $2 WHERE token_hash = $1', [s.tokenHash, JSON.stringify(s)]);
      }
      return live.length;
    });
  }

  async listDataKeys(): Promise<WrappedDataKey[]> {
    const r = await this.pool.query<{ key_id: string; dataset: string; version: number; wrapped: string; created_at: string; active: boolean }>(
      'SELECT key_id, dataset, version, wrapped, created_at, active FROM sec_data_keys ORDER BY dataset, version',
    );
    return r.rows.map((x) => ({ keyId: x.key_id, dataset: x.dataset, version: Number(x.version), wrapped: x.wrapped, createdAt: x.created_at, active: x.active }));
  }
  /** A key id taken meanwhile by another process is a CONFLICT (the caller reloads the key ring and goes on). */
  async insertDataKey(k: WrappedDataKey): Promise<void> {
    try {
      await inPgTransaction(this.pool, async (c) => {
        if (k.active) await c.query('UPDATE sec_data_keys SET active = false WHERE dataset = $1 AND active', [k.dataset]);
        await c.query('INSERT INTO sec_data_keys (key_id, dataset, version, wrapped, created_at, active) VALUES ($1, $2, $3, $4, $5, $6)',
          [k.keyId, k.dataset, k.version, k.wrapped, k.createdAt, k.active]);
      });
    } catch (e) {
      if (sqlState(e) === '23505') throw new BaseeratError('CONFLICT', `data key ${k.keyId} exists`, { field: 'keyId', cause: e });
      throw e;
    }
  }
  async rewrapDataKeys(keys: readonly { keyId: string; wrapped: string }[]): Promise<void> {
    await inPgTransaction(this.pool, async (c) => {
      for (const { keyId, wrapped } of keys) {
        const r = await c.query('UPDATE sec_data_keys SET wrapped = $2 WHERE key_id = $1', [keyId, wrapped]);
        if (r.rowCount === 0) throw new BaseeratError('NOT_FOUND', `data key ${keyId} not found`, { field: 'keyId' });
      }
    });
  }
}

export class PostgresAuditStore implements AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  private static async lockAndNext(c: pg.PoolClient): Promise<number> {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.sec_audit_log'))`);
    // max(seq) + 1 rather than count(*), as in the DuckDB store: a deleted row leaves a gap that the verifier reports
    const r = await c.query<{ n: string }>('SELECT coalesce(max(seq) + 1, 0)::text AS n FROM sec_audit_log');
    return Number(r.rows[0]?.n ?? 0);
  }

  private static async insert(c: pg.PoolClient, entries: readonly StoredAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await c.query('INSERT INTO sec_audit_log (seq, entry) SELECT * FROM unnest($1::bigint[], $2::text[])', [entries.map((e) => e.seq), entries.map((e) => e.entry)]);
  }

  async append(entries: readonly StoredAuditEntry[]): Promise<void> {
    await inPgTransaction(this.pool, async (c) => {
      let next = await PostgresAuditStore.lockAndNext(c);
      for (const e of entries) {
        if (e.seq !== next) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but log size is ${next}`, { field: 'seq' });
        next++;
      }
      await PostgresAuditStore.insert(c, entries);
    });
  }

  async appendAtEnd(make: (first: number) => readonly StoredAuditEntry[]): Promise<void> {
    await inPgTransaction(this.pool, async (c) => {
      const first = await PostgresAuditStore.lockAndNext(c);
      const entries = make(first);
      entries.forEach((e, i) => {
        if (e.seq !== first + i) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but expected ${first + i}`, { field: 'seq' });
      });
      await PostgresAuditStore.insert(c, entries);
    });
  }

  async size(): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT coalesce(max(seq) + 1, 0)::text AS n FROM sec_audit_log');
    return Number(r.rows[0]?.n ?? 0);
  }

  async read(from: number, to: number): Promise<StoredAuditEntry[]> {
    const r = await this.pool.query<{ seq: string; entry: string }>('SELECT seq::text AS seq, entry FROM sec_audit_log WHERE seq >= $1 AND seq < $2 ORDER BY sec_audit_log.seq', [from, to]);
    return r.rows.map((x) => ({ seq: Number(x.seq), entry: x.entry }));
  }
}
