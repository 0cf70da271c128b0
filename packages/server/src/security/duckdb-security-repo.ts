/**
 * DuckDB implementations of SecurityRepo and AuditStore, in the incident store's database file.
 * Give each its own `DuckDBConnection` from the same `DuckDBInstance` (transactions are per
 * connection) and call `migrateSecuritySchema` once before use.
 *
 * Users and sessions are also kept in memory (write-through), because every API request reads its
 * session and its user: two queries on one serial connection cost about 3 ms of CPU per request
 * and queued 20 concurrent clients behind each other (bench/api). The cache is exact because the
 * embedded store's file has one writer, this process (DuckDB locks the file; `store/duckdb`
 * claims it once per process), and every write below updates or drops its entries only after the
 * database accepted it. Documents are cached as their JSON text, so each read returns a fresh
 * object as before. Unknown tokens are not cached (no growth from invented tokens); the session
 * cache is emptied when it exceeds MAX_CACHED_SESSIONS.
 */
import { listValue, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { BaseeratError } from '@baseerat/engine';
import type { AuditStore, StoredAuditEntry } from './audit-log.js';
import { inTransaction, OperationQueue } from './duckdb-security-schema.js';
import type { SecurityRepo, SessionRecord, UserRecord, WrappedDataKey } from './security-repo.js';

/** Sessions kept in memory at most (beyond it the cache starts again empty). */
const MAX_CACHED_SESSIONS = 10_000;

export class DuckDBSecurityRepo implements SecurityRepo {
  private readonly q = new OperationQueue();
  /** id -> the user's document as stored (JSON). */
  private readonly userDocs = new Map<string, string>();
  /** token hash -> the session's document as stored (JSON). */
  private readonly sessionDocs = new Map<string, string>();
  constructor(private readonly conn: DuckDBConnection) {}

  private async rows(sql: string, params: (string | number | boolean | null)[] = []): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
  }

  getUserById(id: string) {
    const cached = this.userDocs.get(id);
    if (cached !== undefined) return Promise.resolve(JSON.parse(cached) as UserRecord);
    return this.q.run(async () => {
      const r = await this.rows('SELECT doc FROM sec_users WHERE id = $1', [id]);
      if (r[0] === undefined) return undefined;
      const doc = String(r[0]['doc']);
      this.userDocs.set(id, doc);
      return JSON.parse(doc) as UserRecord;
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
      const doc = JSON.stringify(u);
      await this.conn.run('INSERT INTO sec_users VALUES ($1, $2, $3)', [u.id, u.username, doc]);
      this.userDocs.set(u.id, doc);
    });
  }
  updateUser(u: UserRecord) {
    return this.q.run(async () => {
      const r = await this.rows('SELECT username FROM sec_users WHERE id = $1', [u.id]);
      if (r[0] === undefined) throw new BaseeratError('NOT_FOUND', `user ${u.id} not found`, { field: 'id' });
      if (String(r[0]['username']) !== u.username) throw new BaseeratError('VALIDATION', `user ${u.id}: username cannot change`, { field: 'username' });
      const doc = JSON.stringify(u);
      await this.conn.run('UPDATE sec_users SET doc = $2 WHERE id = $1', [u.id, doc]);
      this.userDocs.set(u.id, doc);
    });
  }

  insertSession(s: SessionRecord) {
    return this.q.run(async () => {
      const doc = JSON.stringify(s);
      await this.conn.run('INSERT INTO sec_sessions VALUES ($1, $2, $3, $4)', [s.tokenHash, s.userId, s.revokedAt !== undefined, doc]);
      this.cacheSession(s.tokenHash, doc);
    });
  }
  getSession(tokenHash: string) {
    const cached = this.sessionDocs.get(tokenHash);
    if (cached !== undefined) return Promise.resolve(JSON.parse(cached) as SessionRecord);
    return this.q.run(async () => {
      const r = await this.rows('SELECT doc FROM sec_sessions WHERE token_hash = $1', [tokenHash]);
      if (r[0] === undefined) return undefined;
      const doc = String(r[0]['doc']);
      this.cacheSession(tokenHash, doc);
      return JSON.parse(doc) as SessionRecord;
    });
  }
  private cacheSession(tokenHash: string, doc: string): void {
    if (this.sessionDocs.size >= MAX_CACHED_SESSIONS && !this.sessionDocs.has(tokenHash)) this.sessionDocs.clear();
    this.sessionDocs.set(tokenHash, doc);
  }
  updateSession(s: SessionRecord) {
    return this.q.run(async () => {
      const doc = JSON.stringify(s);
      const revoked = s.revokedAt !== undefined;
      // A revoked session stays revoked (as in PostgreSQL): the touch of a session read just before
      // a logout or revocation must not write it back as live.
      await this.conn.run('UPDATE sec_sessions SET revoked = $2, doc = $3 WHERE token_hash = $1 AND (NOT revoked OR $2)', [s.tokenHash, revoked, doc]);
      // a live document may not have been written (the stored one was revoked): the next read asks the database
      if (revoked) this.cacheSession(s.tokenHash, doc);
      else this.sessionDocs.delete(s.tokenHash);
    });
  }
  revokeSessionsOfUser(userId: string, at: string, reason: string) {
    // the cache is dropped before and after: no read may see a session of this user as live once
    // the transaction is under way, and one that failed leaves the next read to the database
    this.sessionDocs.clear();
    return this.q.run(() => inTransaction(this.conn, async () => {
      const live = await this.rows('SELECT doc FROM sec_sessions WHERE user_id = $1 AND NOT revoked', [userId]);
      for (const r of live) {
        const s = JSON.parse(String(r['doc'])) as SessionRecord;
        s.revokedAt = at; s.revokedReason = reason;
        await this.conn.run('UPDATE sec_sessions SET revoked = true, doc = $2 WHERE token_hash = $1', [s.tokenHash, JSON.stringify(s)]);
      }
      return live.length;
    }).finally(() => this.sessionDocs.clear()));
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

/**
 * Attempts of one `appendAtEnd` when another writer keeps taking the seq it read: each attempt
 * re-reads the end of the log after a random pause of up to `attempt` ms, so that two writers
 * racing in step fall out of step.
 */
const AUDIT_APPEND_ATTEMPTS = 20;
/** DuckDB's refusal of a seq already taken (at the insert, or at the commit when the other writer's transaction was still open). */
const DUPLICATE_SEQ = /Duplicate key|PRIMARY KEY or UNIQUE constraint/i;

/**
 * The audit trail in `sec_audit_log` (seq BIGINT PRIMARY KEY, entry). Every audited API read
 * appends here before it answers, so the append is one statement: the seq of the next entry is
 * read once (`max(seq) + 1`) and then kept in memory, and the entries go in with one multi-row
 * INSERT in its own (auto-committed) transaction. Before, every append read `max(seq)` twice and
 * ran in BEGIN..COMMIT: five statements, 1.8-3.1 ms of CPU per audited read at 1,000,000 incidents
 * (issue #7).
 *
 * The kept seq is only a guess of where the log ends; the primary key decides. A second writer on
 * the same file (another connection, another AuditStore) that took the seq makes the INSERT fail
 * with a key violation, and nothing of it is written: `appendAtEnd` then re-reads the end and
 * builds its entries again for the new first seq (AuditLog's entries are independent leaves of the
 * Merkle tree, audit-checkpoints.ts, so renumbering before they are stored is all it takes), and
 * `append`, whose caller fixed the seqs, refuses with CONFLICT. Any failed write forgets the kept
 * seq. A row deleted behind our back does not bring its seq back into use (the kept seq runs on),
 * and the verifier reports the gap.
 */
export class DuckDBAuditStore implements AuditStore {
  private readonly q = new OperationQueue();
  /** The seq the next entry takes; undefined until read, and after any failed write. */
  private next: number | undefined;
  private insertStatement: DuckDBPreparedStatement | undefined;
  constructor(private readonly conn: DuckDBConnection) {}

  appendAtEnd(make: (first: number) => readonly StoredAuditEntry[]): Promise<void> {
    return this.q.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const first = this.next ?? await this.readNextSeq();
        const entries = make(first);
        entries.forEach((e, i) => {
          if (e.seq !== first + i) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but expected ${first + i}`, { field: 'seq' });
        });
        try {
          await this.insert(entries);
          return;
        } catch (e) {
          if (!DUPLICATE_SEQ.test(String(e)) || attempt >= AUDIT_APPEND_ATTEMPTS) throw e;
          await new Promise((ok) => setTimeout(ok, Math.random() * attempt));
        }
      }
    });
  }

  append(entries: readonly StoredAuditEntry[]): Promise<void> {
    return this.q.run(async () => {
      const next = this.next ?? await this.readNextSeq();
      entries.forEach((e, i) => {
        if (e.seq !== next + i) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but log size is ${next + i}`, { field: 'seq' });
      });
      try {
        await this.insert(entries);
      } catch (e) {
        if (DUPLICATE_SEQ.test(String(e))) throw new BaseeratError('CONFLICT', `audit append: seq ${entries[0]!.seq} is taken (another writer appended)`, { field: 'seq' });
        throw e;
      }
    });
  }

  /** All of `entries` in one statement (all or nothing); on success the kept seq moves past them, on failure it is forgotten. */
  private async insert(entries: readonly StoredAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      // prepared once: parsing and planning it again for every audited read cost the main thread
      this.insertStatement ??= await this.conn.prepare('INSERT INTO sec_audit_log SELECT unnest($1::BIGINT[]), unnest($2::VARCHAR[])');
      this.insertStatement.bind([listValue(entries.map((e) => BigInt(e.seq))), listValue(entries.map((e) => e.entry))]);
      await this.insertStatement.run();
    } catch (e) {
      this.next = undefined;
      throw e;
    }
    this.next = entries[entries.length - 1]!.seq + 1;
  }

  // max(seq) + 1 rather than count(*): if a row is deleted behind our back, logging goes on
  // (a reused seq would violate the key and stop it) and the verifier reports the gap.
  /** The end of the log as stored (does not change the kept seq). */
  private async readNextSeq(): Promise<number> {
    const r = (await this.conn.runAndReadAll('SELECT coalesce(max(seq) + 1, 0) AS n FROM sec_audit_log')).getRowObjectsJS()[0];
    return Number(r?.['n'] ?? 0);
  }
  /** The log's size as stored (read afresh: another writer may have appended). */
  size(): Promise<number> {
    return this.q.run(() => this.readNextSeq());
  }
  read(from: number, to: number): Promise<StoredAuditEntry[]> {
    return this.q.run(async () => (await this.conn.runAndReadAll(
      'SELECT seq, entry FROM sec_audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq', [from, to],
    )).getRowObjectsJS().map((r) => ({ seq: Number(r['seq']), entry: String(r['entry']) })));
  }
}
