/**
 * The audit trail: who did what, when (UTC), from where, with what outcome. Entries are appended
 * in sequence as canonical JSON; their RFC 6962 leaf hashes are what signed checkpoints
 * (audit-checkpoints.ts) commit to, so an entry edited, inserted, reordered or deleted in the
 * database after a checkpoint is found by `verifyAuditTrail`.
 *
 * The store holds only the entry text: any hash kept beside it in the database could be
 * recomputed by whoever edits the database, so verification never trusts one.
 */
import { BaseeratError } from '@baseerat/engine';
import { canonicalJson, type Json } from './canonical-json.js';

export const AUDIT_ACTIONS = [
  'auth.login', 'auth.logout', 'auth.session_expired', 'auth.lockout', 'auth.unlock',
  'data.read', 'data.list', 'data.export', 'data.change', 'data.ingest', 'report.generate', 'release.approve',
  'analysis.run', 'alert.acknowledge', 'alert.action',
  'admin.user_create', 'admin.user_disable', 'admin.user_enable', 'admin.role_change', 'admin.clearance_change',
  'admin.compartments_change', 'admin.scope_change', 'admin.second_factor_reset', 'admin.password_set',
  'admin.accounts_dormant_disabled', 'keys.rotate', 'keys.reencrypt', 'audit.view', 'audit.verify',
  'audit.checkpoint', 'authz.denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEvent {
  /** User id (or `system`, or the attempted username prefixed `unknown:` for failed logins). */
  actor: string;
  action: AuditAction;
  /** What was acted on: record id, user id, export name... */
  target?: string;
  /** Where from: client IP, `cli@host`... */
  from: string;
  outcome: AuditOutcome;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEntry extends AuditEvent {
  /** Position in the log, 0-based; also the Merkle leaf index. */
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
}

export interface StoredAuditEntry {
  seq: number;
  /** Canonical JSON of the AuditEntry: exactly the bytes that are hashed. */
  entry: string;
}

/** Persistence of the audit trail: append-only by contract (the verifier catches breaches of it). */
export interface AuditStore {
  /** Appends entries whose seq must continue the log without gaps; rejects otherwise. */
  append(entries: readonly StoredAuditEntry[]): Promise<void>;
  size(): Promise<number>;
  /** Entries with from <= seq < to, in seq order. */
  read(from: number, to: number): Promise<StoredAuditEntry[]>;
  /**
   * Optional: appends the entries that `make(first)` builds for the first free seq, so that two
   * writers never fork the log: PostgreSQL reads the seq and writes the rows under one lock across
   * processes; DuckDB keeps the seq in memory and, when the primary key shows another writer took
   * it, reads the end again and calls `make` anew. Without it, AuditLog reads `size()` then calls
   * `append` (serialised within the process only).
   */
  appendAtEnd?(make: (first: number) => readonly StoredAuditEntry[]): Promise<void>;
}

export class InMemoryAuditStore implements AuditStore {
  /** Public so that tests can play the attacker who edits the database directly. */
  readonly rows: StoredAuditEntry[] = [];
  async append(entries: readonly StoredAuditEntry[]): Promise<void> {
    for (const e of entries) {
      if (e.seq !== this.rows.length) throw new BaseeratError('CONFLICT', `audit append: seq ${e.seq} but log size is ${this.rows.length}`, { field: 'seq' });
      this.rows.push({ ...e });
    }
  }
  async size(): Promise<number> { return this.rows.length; }
  async read(from: number, to: number): Promise<StoredAuditEntry[]> {
    return this.rows.slice(Math.max(0, from), Math.max(0, to)).map((r) => ({ ...r }));
  }
}

export function encodeAuditEntry(e: AuditEntry): string {
  const o: { [k: string]: Json } = { seq: e.seq, at: e.at, actor: e.actor, action: e.action, from: e.from, outcome: e.outcome };
  if (e.target !== undefined) o['target'] = e.target;
  if (e.details !== undefined) o['details'] = { ...e.details };
  return canonicalJson(o);
}

export function decodeAuditEntry(s: string): AuditEntry {
  return JSON.parse(s) as AuditEntry;
}

/** Events of one `recordMany` call, waiting for the next append. */
interface PendingRecord {
  events: readonly AuditEvent[];
  now: Date;
  ok: (entries: AuditEntry[]) => void;
  fail: (e: unknown) => void;
}

/**
 * Appends events to an AuditStore in order. Appends are serialised within the process so that
 * sequence numbers never collide; the store's uniqueness on seq catches a second writer, and a
 * store with `appendAtEnd` serialises writers across processes (PostgreSQL) or retries when the
 * key shows another writer (DuckDB).
 *
 * Group commit: a call that arrives while an append is running waits for it, and then every call
 * that waited is appended together in one store append (one statement, one commit), each call's
 * events contiguous and in arrival order. A call still resolves only once its own entries are
 * stored (never before: the audit entry of a read is durable before the read is answered), and
 * when that append fails, every call of it fails. A call with nothing in front of it is appended at
 * once, alone. So under concurrent audited reads (the dashboard at 20 clients) the cost of an
 * append, mostly its commit, is shared instead of paid per request one after another (issue #7).
 */
export class AuditLog {
  private pending: PendingRecord[] = [];
  private appending = false;
  constructor(readonly store: AuditStore) {}

  record(event: AuditEvent, now: Date): Promise<AuditEntry> {
    return this.recordMany([event], now).then((entries) => entries[0]!);
  }

  /** Appends several events contiguously, in one store transaction (e.g. the field reads of one list request). */
  recordMany(events: readonly AuditEvent[], now: Date): Promise<AuditEntry[]> {
    return new Promise<AuditEntry[]>((ok, fail) => {
      this.pending.push({ events, now, ok, fail });
      if (!this.appending) void this.appendPending();
    });
  }

  /** Appends what is pending, group after group, until nothing is left. */
  private async appendPending(): Promise<void> {
    this.appending = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          const entries = await this.appendGroup(group);
          for (let i = 0; i < group.length; i++) group[i]!.ok(entries[i]!);
        } catch (e) {
          for (const g of group) g.fail(e);
        }
      }
    } finally {
      this.appending = false;
    }
  }

  /** One store append of the group's events from the first free seq; the entries of each call. */
  private async appendGroup(group: readonly PendingRecord[]): Promise<AuditEntry[][]> {
    const build = (first: number): AuditEntry[][] => {
      let seq = first;
      return group.map((g) => g.events.map((e): AuditEntry => ({ ...e, seq: seq++, at: g.now.toISOString() })));
    };
    const stored = (entries: readonly AuditEntry[][]) => entries.flat().map((e) => ({ seq: e.seq, entry: encodeAuditEntry(e) }));
    if (this.store.appendAtEnd !== undefined) {
      let entries: AuditEntry[][] = [];
      await this.store.appendAtEnd((first) => stored(entries = build(first)));
      return entries;
    }
    const entries = build(await this.store.size());
    await this.store.append(stored(entries));
    return entries;
  }

  /**
   * Reads entries for a person allowed to view the audit log; the read is itself recorded first,
   * so that a read which fails half-way still leaves its trace.
   */
  async readAs(viewer: { actor: string; from: string }, fromSeq: number, toSeq: number, now: Date): Promise<AuditEntry[]> {
    await this.record({ actor: viewer.actor, action: 'audit.view', from: viewer.from, outcome: 'success', details: { fromSeq, toSeq } }, now);
    return (await this.store.read(fromSeq, toSeq)).map((r) => decodeAuditEntry(r.entry));
  }
}
