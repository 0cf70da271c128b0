/**
 * Persistence for accounts, sessions and wrapped data keys: the `SecurityRepo` port, with an
 * in-memory implementation for tests (DuckDB in duckdb-security-repo.ts). Records are replaced
 * whole on update; the services hold the rules, the repo only stores.
 */
import type { Classification } from '@baseerat/engine';
import { BaseeratError } from '@baseerat/engine';
import type { Role } from './policy-engine.js';

export interface UserRecord {
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  role: Role;
  clearance: Classification;
  compartments: string[];
  /** Districts the user is limited to; null for no region limit. */
  districts: string[] | null;
  /** TOTP secret, encrypted with the `accounts` data key (field cipher, AAD = user id + 'totp'). */
  totpSecret: string;
  /** Last TOTP time step accepted, so a code is never accepted twice; -1 for none. */
  totpLastStep: number;
  disabled: boolean;
  disabledReason?: string;
  /** Set on the fifth failure within 15 minutes; cleared only by an administrator. */
  lockedAt?: string;
  /** ISO UTC times of recent failed logins (those within the lockout window). */
  failedLogins: string[];
  /** Bumped on every change of role, clearance, compartments or scope: sessions of older versions are void. */
  authzVersion: number;
  createdAt: string;
  lastLoginAt?: string;
  passwordChangedAt: string;
}

export interface SessionRecord {
  /** Hex SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  authzVersion: number;
  from: string;
  revokedAt?: string;
  revokedReason?: string;
}

export interface WrappedDataKey {
  /** `<dataset>.v<version>`, e.g. `incidents.v3`. */
  keyId: string;
  dataset: string;
  version: number;
  /** The data key encrypted under the master key (see master-key.ts). */
  wrapped: string;
  createdAt: string;
  /** The version new ciphertexts use; exactly one per dataset. */
  active: boolean;
}

export interface SecurityRepo {
  getUserById(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  insertUser(u: UserRecord): Promise<void>;
  updateUser(u: UserRecord): Promise<void>;

  insertSession(s: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  updateSession(s: SessionRecord): Promise<void>;
  /** Revokes every live session of the user; returns how many. */
  revokeSessionsOfUser(userId: string, at: string, reason: string): Promise<number>;

  listDataKeys(): Promise<WrappedDataKey[]>;
  /** Inserts `key` and, when it is active, makes it the only active key of its dataset, atomically. */
  insertDataKey(key: WrappedDataKey): Promise<void>;
  /** Replaces the wrapped form of existing keys (master-key rotation), atomically. */
  rewrapDataKeys(keys: readonly { keyId: string; wrapped: string }[]): Promise<void>;
}

const clone = <T>(x: T): T => structuredClone(x);

export class InMemorySecurityRepo implements SecurityRepo {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly keys: WrappedDataKey[] = [];

  async getUserById(id: string) { const u = this.users.get(id); return u && clone(u); }
  async getUserByUsername(username: string) {
    for (const u of this.users.values()) if (u.username === username) return clone(u);
    return undefined;
  }
  async listUsers() { return [...this.users.values()].map(clone); }
  async insertUser(u: UserRecord) {
    if (this.users.has(u.id) || (await this.getUserByUsername(u.username)) !== undefined) {
      throw new BaseeratError('CONFLICT', `user ${u.username} already exists`, { field: 'username' });
    }
    this.users.set(u.id, clone(u));
  }
  async updateUser(u: UserRecord) {
    if (!this.users.has(u.id)) throw new BaseeratError('NOT_FOUND', `user ${u.id} not found`, { field: 'id' });
    this.users.set(u.id, clone(u));
  }
  async insertSession(s: SessionRecord) { this.sessions.set(s.tokenHash, clone(s)); }
  async getSession(h: string) { const s = this.sessions.get(h); return s && clone(s); }
  async updateSession(s: SessionRecord) {
    // a revoked session stays revoked (as the DuckDB and PostgreSQL repositories enforce)
    if (this.sessions.get(s.tokenHash)?.revokedAt !== undefined && s.revokedAt === undefined) return;
    this.sessions.set(s.tokenHash, clone(s));
  }
  async revokeSessionsOfUser(userId: string, at: string, reason: string) {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.userId === userId && s.revokedAt === undefined) { s.revokedAt = at; s.revokedReason = reason; n++; }
    }
    return n;
  }
  async listDataKeys() { return this.keys.map(clone); }
  async insertDataKey(k: WrappedDataKey) {
    if (this.keys.some((x) => x.keyId === k.keyId)) throw new BaseeratError('CONFLICT', `data key ${k.keyId} exists`, { field: 'keyId' });
    if (k.active) for (const x of this.keys) if (x.dataset === k.dataset) x.active = false;
    this.keys.push(clone(k));
  }
  async rewrapDataKeys(keys: readonly { keyId: string; wrapped: string }[]) {
    for (const { keyId, wrapped } of keys) {
      const k = this.keys.find((x) => x.keyId === keyId);
      if (k === undefined) throw new BaseeratError('NOT_FOUND', `data key ${keyId} not found`, { field: 'keyId' });
      k.wrapped = wrapped;
    }
  }
}
