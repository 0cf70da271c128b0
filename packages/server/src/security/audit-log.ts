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
   * Optional, for stores shared by several processes (server mode): appends the entries that
   * `make(first)` builds for the first free seq, with the seq read and the rows written under one
   * lock across processes, so that two writers never fork the log. Without it, AuditLog reads
   * `size()` then calls `append` (serialised within the process only).
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

/**
 * Appends events to an AuditStore in order. Appends are serialised within the process so that
 * sequence numbers never collide; the store's uniqueness on seq catches a second writer, and a
 * store with `appendAtEnd` (PostgreSQL) serialises writers across processes.
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(readonly store: AuditStore) {}

  record(event: AuditEvent, now: Date): Promise<AuditEntry> {
    return this.recordMany([event], now).then((entries) => entries[0]!);
  }

  /** Appends several events in one store transaction (e.g. the field reads of one list request). */
  recordMany(events: readonly AuditEvent[], now: Date): Promise<AuditEntry[]> {
    const run = this.tail.then(async () => {
      const build = (first: number) => events.map((e, i): AuditEntry => ({ ...e, seq: first + i, at: now.toISOString() }));
      const stored = (entries: readonly AuditEntry[]) => entries.map((e) => ({ seq: e.seq, entry: encodeAuditEntry(e) }));
      if (this.store.appendAtEnd !== undefined) {
        let entries: AuditEntry[] = [];
        await this.store.appendAtEnd((first) => stored(entries = build(first)));
        return entries;
      }
      const entries = build(await this.store.size());
      await this.store.append(stored(entries));
      return entries;
    });
    this.tail = run.catch(() => undefined);
    return run;
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
