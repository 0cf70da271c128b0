/**
 * DuckDB implementations of SecurityRepo and AuditStore, in the incident store's database file.
 * Give each its own `DuckDBConnection` from the same `DuckDBInstance` (transactions are per
 * connection) and call `migrateSecuritySchema` once before use.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BaseeratError } from '@baseerat/engine';
import type { AuditStore, StoredAuditEntry } from './audit-log.js';
import { inTransaction, OperationQueue } from './duckdb-security-schema.js';
import type { SecurityRepo, SessionRecord, UserRecord, WrappedDataKey } from './security-repo.js';

export class DuckDBSecurityRepo implements SecurityRepo {
  private readonly q = new OperationQueue();
  constructor(private readonly conn: DuckDBConnection) {}

  private async rows(sql: string, params: (string | number | boolean | null)[] = []): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
  }

  getUserById(id: string) {
    return this.q.run(async () => {
      const r = await this.rows('SELECT doc FROM sec_users WHERE id = $1', [id]);
      return r[0] === undefined ? undefined : (JSON.parse(String(r[0]['doc'])) as UserRecord);
    });
  }
  getUserByUsername(username: string) {
    return this.q.run(async () => {
      const r = await this.rows('SELECT doc FROM sec_users WHERE username = $1', [username]);
      return r[0] === undefined ? undefined : (JSON.parse(String(r[0]['doc'])) as UserRecord);
    });
  }
  listUsers() {
    return this.q.run(async () => (await this.rows('SELECT doc FROM sec_users ORDER BY username')).map((r) => JSON.parse(String(r['doc'])) as UserRecord));
  }
  insertUser(u: UserRecord) {
    return this.q.run(async () => {
      const exists = await this.rows('SELECT 1 FROM sec_users WHERE id = $1 OR username = $2', [u.id, u.username]);
      if (exists.length > 0) throw new BaseeratError('CONFLICT', `user ${u.username} already exists`, { field: 'username' });
      await this.conn.run('INSERT INTO sec_users VALUES ($1, $2, $3)', [u.id, u.username, JSON.stringify(u)]);
    });
  }
  updateUser(u: UserRecord) {
    return this.q.run(async () => {
      const r = await this.rows('SELECT username FROM sec_users WHERE id = $1', [u.id]);
      if (r[0] === undefined) throw new BaseeratError('NOT_FOUND', `user ${u.id} not found`, { field: 'id' });
      if (String(r[0]['username']) !== u.username) throw new BaseeratError('VALIDATION', `user ${u.id}: username cannot change`, { field: 'username' });
      await this.conn.run('UPDATE sec_users SET doc = $2 WHERE id = $1', [u.id, JSON.stringify(u)]);
    });
  }

  insertSession(s: SessionRecord) {
    return this.q.run(async () => {
      await this.conn.run('INSERT INTO sec_sessions VALUES ($1, $2, $3, $4)', [s.tokenHash, s.userId, s.revokedAt !== undefined, JSON.stringify(s)]);
    });
  }
  getSession(tokenHash: string) {
    return this.q.run(async () => {
      const r = await this.rows('SELECT doc FROM sec_sessions WHERE token_hash = $1', [tokenHash]);
      return r[0] === undefined ? undefined : (JSON.parse(String(r[0]['doc'])) as SessionRecord);
    });
  }
  updateSession(s: SessionRecord) {
    return this.q.run(async () => {
      await this.conn.run('UPDATE sec_sessions SET revoked = $2, doc = $3 WHERE token_hash = $1', [s.tokenHash, s.revokedAt !== undefined, JSON.stringify(s)]);
    });
  }
  revokeSessionsOfUser(userId: string, at: string, reason: string) {
    return this.q.run(() => inTransaction(this.conn, async () => {
      const live = await this.rows('SELECT doc FROM sec_sessions WHERE user_id = $1 AND NOT revoked', [userId]);
      for (const r of live) {
        const s = JSON.parse(String(r['doc'])) as SessionRecord;
        s.revokedAt = at; s.revokedReason = reason;
        await this.conn.run('UPDATE sec_sessions SET revoked = true, doc = $2 WHERE token_hash = $1', [s.tokenHash, JSON.stringify(s)]);
      }
      return live.length;
    }));
  }

  listDataKeys() {
    return this.q.run(async () => (await this.rows('SELECT * FROM sec_data_keys ORDER BY dataset, version')).map((r): WrappedDataKey => ({
      keyId: String(r['key_id']), dataset: String(r['dataset']), version: Number(r['version']), wrapped: String(r['wrapped']),
      createdAt: String(r['created_at']), active: r['active'] === true,
    })));
  }
  insertDataKey(k: WrappedDataKey) {
    return this.q.run(() => inTransaction(this.conn, async () => {
      if (k.active) await this.conn.run('UPDATE sec_data_keys SET active = false WHERE dataset = $1 AND active', [k.dataset]);
      await this.conn.run('INSERT INTO sec_data_keys VALUES ($1, $2, $3, $4, $5, $6)', [k.keyId, k.dataset, k.version, k.wrapped, k.createdAt, k.active]);
    }));
  }
  rewrapDataKeys(keys: readonly { keyId: string; wrapped: string }[]) {
    return this.q.run(() => inTransaction(this.conn, async () => {
      for (const { keyId, wrapped } of keys) {
        const r = await this.rows('SELECT 1 FROM sec_data_keys WHERE key_id = $1', [keyId]);
        if (r.length === 0) throw new BaseeratError('NOT_FOUND', `data key ${keyId} not found`, { field: 'keyId' });
        await this.conn.run('UPDATE sec_data_keys SET wrapped = $2 WHERE key_id = $1', [keyId, wrapped]);
      }
    }));
  }
}

export class DuckDBAuditStore implements AuditStore {
  private readonly q = new OperationQueue();
  constructor(private readonly conn: DuckDBConnection) {}

  append(entries: readonly StoredAuditEntry[]): Promise<void> {
    return this.q.run(() => inTransaction(this.conn, async () => {
      let next = await this.nextSeq();
      for (const e of entries) {
        if (e.seq !== next) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but log size is ${next}`, { field: 'seq' });
        await this.conn.run('INSERT INTO sec_audit_log VALUES ($1, $2)', [e.seq, e.entry]);
        next++;
      }
    }));
  }
  // max(seq) + 1 rather than count(*): if a row is deleted behind our back, logging goes on
  // (a reused seq would violate the key and stop it) and the verifier reports the gap.
  private async nextSeq(): Promise<number> {
    const r = (await this.conn.runAndReadAll('SELECT coalesce(max(seq) + 1, 0) AS n FROM sec_audit_log')).getRowObjectsJS()[0];
    return Number(r?.['n'] ?? 0);
  }
  size(): Promise<number> {
    return this.q.run(() => this.nextSeq());
  }
  read(from: number, to: number): Promise<StoredAuditEntry[]> {
    return this.q.run(async () => (await this.conn.runAndReadAll(
      'SELECT seq, entry FROM sec_audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq', [from, to],
    )).getRowObjectsJS().map((r) => ({ seq: Number(r['seq']), entry: String(r['entry']) })));
  }
}
