/**
 * Accounts and sessions: login with password and TOTP, lockout, sessions, logout, and the
 * administrator's operations. `now` is always a parameter; randomness (ids, tokens, TOTP secrets)
 * comes from node:crypto at this edge.
 *
 * Rules (docs/security.md):
 * - Same answer for unknown user, wrong password, wrong code, locked or disabled account
 *   (`invalid_credentials`), and exactly one password-hash verification on every path (against a
 *   dummy hash for an unknown user), so neither the answer nor the work done tells who exists.
 * - 5 failures within 15 minutes lock the account until an administrator unlocks it.
 * - Session tokens: 256 random bits, base64url; only their SHA-256 is stored. Idle timeout
 *   30 minutes, absolute lifetime 12 hours, void on any change of role, clearance, compartments
 *   or scope, on logout, and when the account is disabled or locked.
 * - Accounts unused for 90 days are disabled (on login, and by `disableDormantAccounts`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { BaseeratError, CLASSIFICATION_LEVELS, type Classification } from '@baseerat/engine';
import type { AuditLog } from './audit-log.js';
import type { FieldCipher } from './field-cipher.js';
import { argon2idHasher, type PasswordHasher } from './password-hashing.js';
import { checkPassword, PASSWORD_MIN_LENGTH } from './password-policy.js';
import { ROLES, type Principal, type Role } from './policy-engine.js';
import type { SecurityRepo, SessionRecord, UserRecord } from './security-repo.js';
import { base32Decode, base32Encode, newTotpSecret, otpauthUri, verifyTotp } from './totp.js';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/**
 * A session's `lastSeenAt` is written back at most this often (and at most every thirtieth of the
 * idle timeout): writing it on every request made each API request a write transaction, queued
 * behind every other one. The stored time then trails the last request by less than this, so a
 * session is ended as idle at most this much early, never late.
 */
export const SESSION_TOUCH_MS = 60_000;
export const DORMANT_AFTER_MS = 90 * 86_400_000;

/** Who acts and from where, for the audit trail. */
export interface Actor { id: string; from: string }

export type LoginResult =
  | { ok: true; token: string; userId: string; expiresAt: string }
  | { ok: false; error: 'invalid_credentials' };

export type SessionCheck =
  | { ok: true; principal: Principal; session: SessionRecord }
  | { ok: false; reason: 'unknown' | 'revoked' | 'idle' | 'expired' | 'authz_changed' | 'disabled' };

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  clearance: Classification;
  compartments?: readonly string[];
  districts?: readonly string[] | null;
}

export interface Enrollment { user: UserRecord; totpSecret: string; otpauthUri: string }

export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const normUser = (u: string) => u.trim().toLowerCase();

export class AccountService {
  private readonly repo: SecurityRepo;
  private readonly audit: AuditLog;
  private readonly cipher: FieldCipher;
  private readonly hasher: PasswordHasher;
  private readonly idleMs: number;
  private readonly touchMs: number;
  private readonly minPasswordLength: number;
  private dummyHash: Promise<string> | undefined;

  /**
   * `cipher` must be the FieldCipher of the `accounts` dataset (it encrypts TOTP secrets).
   * `sessionIdleMs` (default 30 min) and `minPasswordLength` (default 8) may be tightened to
   * OWASP ASVS level 3's 15 minutes and 12 characters.
   */
  constructor(deps: { repo: SecurityRepo; audit: AuditLog; cipher: FieldCipher; hasher?: PasswordHasher; sessionIdleMs?: number; minPasswordLength?: number }) {
    this.repo = deps.repo;
    this.audit = deps.audit;
    this.cipher = deps.cipher;
    this.hasher = deps.hasher ?? argon2idHasher;
    this.idleMs = Math.min(deps.sessionIdleMs ?? SESSION_IDLE_MS, SESSION_IDLE_MS);
    this.touchMs = Math.min(SESSION_TOUCH_MS, this.idleMs / 30);
    this.minPasswordLength = Math.max(deps.minPasswordLength ?? PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(24).toString('base64'));
    return this.dummyHash;
  }

  private totpSecretOf(u: UserRecord): Buffer {
    return base32Decode(this.cipher.decrypt(u.id, 'totp', u.totpSecret));
  }

  // ---- login, sessions ------------------------------------------------------------------

  async login(req: { username: string; password: string; totp: string; from: string }, now: Date): Promise<LoginResult> {
    const fail: LoginResult = { ok: false, error: 'invalid_credentials' };
    const username = normUser(req.username);
    const user = await this.repo.getUserByUsername(username);
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? (await this.dummy()), req.password);
    if (user === undefined) {
      // The attempted name may be a password typed in the wrong box: record only a digest of it.
      const digest = createHash('sha256').update(username).digest('hex').slice(0, 12);
      await this.audit.record({ actor: `unknown:sha256:${digest}`, action: 'auth.login', from: req.from, outcome: 'failure', details: { reason: 'unknown_user' } }, now);
      return fail;
    }
    const code = verifyTotp(this.totpSecretOf(user), req.totp, now.getTime(), user.totpLastStep);
    const t = now.getTime();
    const lastUse = Date.parse(user.lastLoginAt ?? user.createdAt);
    if (!user.disabled && t - lastUse > DORMANT_AFTER_MS) {
      await this.disable(user, 'dormant', { id: 'system', from: req.from }, now);
      user.disabled = true;
    }
    if (user.disabled || user.lockedAt !== undefined) {
      await this.audit.record({ actor: user.id, action: 'auth.login', from: req.from, outcome: 'failure', details: { reason: user.disabled ? 'disabled' : 'locked' } }, now);
      return fail;
    }
    if (!passwordOk || !code.ok) {
      user.failedLogins = [...user.failedLogins.filter((f) => t - Date.parse(f) < LOCKOUT_WINDOW_MS), now.toISOString()];
      const lock = user.failedLogins.length >= LOCKOUT_THRESHOLD;
      if (lock) user.lockedAt = now.toISOString();
      await this.repo.updateUser(user);
      await this.audit.record({ actor: user.id, action: 'auth.login', from: req.from, outcome: 'failure', details: { reason: passwordOk ? 'bad_second_factor' : 'bad_password' } }, now);
      if (lock) {
        await this.repo.revokeSessionsOfUser(user.id, now.toISOString(), 'locked');
        await this.audit.record({ actor: user.id, action: 'auth.lockout', from: req.from, outcome: 'success', details: { failures: user.failedLogins.length } }, now);
      }
      return fail;
    }
    user.failedLogins = [];
    user.totpLastStep = code.step;
    user.lastLoginAt = now.toISOString();
    await this.repo.updateUser(user);
    const token = randomBytes(32).toString('base64url');
    const iso = now.toISOString();
    await this.repo.insertSession({ tokenHash: tokenHash(token), userId: user.id, createdAt: iso, lastSeenAt: iso, authzVersion: user.authzVersion, from: req.from });
    await this.audit.record({ actor: user.id, action: 'auth.login', from: req.from, outcome: 'success' }, now);
    return { ok: true, token, userId: user.id, expiresAt: new Date(t + SESSION_ABSOLUTE_MS).toISOString() };
  }

  /** Resolves a bearer token to the principal for this request, enforcing every session rule. */
  async authenticate(token: string, from: string, now: Date): Promise<SessionCheck> {
    const s = await this.repo.getSession(tokenHash(token));
    if (s === undefined) return { ok: false, reason: 'unknown' };
    if (s.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    const t = now.getTime();
    const end = async (reason: 'idle' | 'expired' | 'authz_changed' | 'disabled'): Promise<SessionCheck> => {
      s.revokedAt = now.toISOString(); s.revokedReason = reason;
      await this.repo.updateSession(s);
      await this.audit.record({ actor: s.userId, action: 'auth.session_expired', from, outcome: 'success', details: { reason } }, now);
      return { ok: false, reason };
    };
    if (t - Date.parse(s.lastSeenAt) > this.idleMs) return end('idle');
    if (t - Date.parse(s.createdAt) > SESSION_ABSOLUTE_MS) return end('expired');
    const u = await this.repo.getUserById(s.userId);
    if (u === undefined || u.disabled || u.lockedAt !== undefined) return end('disabled');
    if (u.authzVersion !== s.authzVersion) return end('authz_changed');
    if (t - Date.parse(s.lastSeenAt) >= this.touchMs) {
      s.lastSeenAt = now.toISOString();
      await this.repo.updateSession(s);
    }
    return {
      ok: true, session: s,
      principal: { id: u.id, role: u.role, clearance: u.clearance, compartments: u.compartments, districts: u.districts, active: true },
    };
  }

  async logout(token: string, from: string, now: Date): Promise<boolean> {
    const s = await this.repo.getSession(tokenHash(token));
    if (s === undefined || s.revokedAt !== undefined) return false;
    s.revokedAt = now.toISOString(); s.revokedReason = 'logout';
    await this.repo.updateSession(s);
    await this.audit.record({ actor: s.userId, action: 'auth.logout', from, outcome: 'success' }, now);
    return true;
  }

  // ---- administration (the caller has checked `administerUsers` for `actor`) --------------

  /** Creates an account with its TOTP secret; the secret and URI are shown once to the user. */
  async createUser(n: NewUser, actor: Actor, now: Date): Promise<Enrollment> {
    const username = normUser(n.username);
    if (!USERNAME_RE.test(username)) throw new BaseeratError('VALIDATION', `username ${JSON.stringify(n.username)} must be 2-64 of a-z 0-9 . _ -`, { field: 'username' });
    this.checkRoleAndClearance(n.role, n.clearance);
    const problem = checkPassword(n.password, username, new Set(), this.minPasswordLength);
    if (problem !== undefined) throw new BaseeratError('VALIDATION', `password for ${username} refused: ${problem.replace(/_/g, ' ')}`, { field: 'password' });
    if (n.role === 'district_officer' && (n.districts == null || n.districts.length === 0)) {
      throw new BaseeratError('VALIDATION', `district officer ${username} needs at least one district in scope`, { field: 'districts' });
    }
    const id = `usr_${randomBytes(8).toString('hex')}`;
    const secret = base32Encode(newTotpSecret());
    const iso = now.toISOString();
    const user: UserRecord = {
      id, username, passwordHash: await this.hasher.hash(n.password), role: n.role, clearance: n.clearance,
      compartments: [...new Set(n.compartments ?? [])].sort(), districts: n.districts == null ? null : [...new Set(n.districts)].sort(),
      totpSecret: this.cipher.encrypt(id, 'totp', secret), totpLastStep: -1, disabled: false, failedLogins: [],
      authzVersion: 1, createdAt: iso, passwordChangedAt: iso,
    };
    await this.repo.insertUser(user);
    await this.audit.record({ actor: actor.id, action: 'admin.user_create', target: id, from: actor.from, outcome: 'success', details: { username, role: n.role, clearance: n.clearance } }, now);
    return { user, totpSecret: secret, otpauthUri: otpauthUri(secret, username) };
  }

  private checkRoleAndClearance(role: string, clearance: string): void {
    if (!(ROLES as readonly string[]).includes(role)) throw new BaseeratError('VALIDATION', `role ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`, { field: 'role' });
    if (!(CLASSIFICATION_LEVELS as readonly string[]).includes(clearance)) {
      throw new BaseeratError('VALIDATION', `clearance ${JSON.stringify(clearance)} is not one of ${CLASSIFICATION_LEVELS.join(', ')}`, { field: 'clearance' });
    }
  }

  private async mustGet(userIdOrName: string): Promise<UserRecord> {
    const u = (await this.repo.getUserById(userIdOrName)) ?? (await this.repo.getUserByUsername(normUser(userIdOrName)));
    if (u === undefined) throw new BaseeratError('NOT_FOUND', `user ${userIdOrName} not found`, { field: 'user' });
    return u;
  }

  private async disable(u: UserRecord, reason: string, actor: Actor, now: Date): Promise<void> {
    u.disabled = true; u.disabledReason = reason;
    await this.repo.updateUser(u);
    const revoked = await this.repo.revokeSessionsOfUser(u.id, now.toISOString(), `disabled:${reason}`);
    await this.audit.record({
      actor: actor.id, action: reason === 'dormant' ? 'admin.accounts_dormant_disabled' : 'admin.user_disable', target: u.id, from: actor.from, outcome: 'success', details: { reason, sessionsRevoked: revoked },
    }, now);
  }

  async disableUser(user: string, reason: string, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    await this.disable(u, reason, actor, now);
    return u;
  }

  async enableUser(user: string, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    u.disabled = false;
    const { disabledReason: _dropped, ...rest } = u;
    // A re-enabled dormant account counts as used today, or the next login would disable it again.
    const enabled: UserRecord = { ...rest, lastLoginAt: now.toISOString() };
    await this.repo.updateUser(enabled);
    await this.audit.record({ actor: actor.id, action: 'admin.user_enable', target: u.id, from: actor.from, outcome: 'success' }, now);
    return enabled;
  }

  /** Applies a change of authorization attributes: bumps the version and ends every session. */
  private async changeAuthz(u: UserRecord, action: 'admin.role_change' | 'admin.clearance_change' | 'admin.compartments_change' | 'admin.scope_change', details: Record<string, string>, actor: Actor, now: Date): Promise<UserRecord> {
    u.authzVersion += 1;
    await this.repo.updateUser(u);
    const revoked = await this.repo.revokeSessionsOfUser(u.id, now.toISOString(), 'authz_changed');
    await this.audit.record({ actor: actor.id, action, target: u.id, from: actor.from, outcome: 'success', details: { ...details, sessionsRevoked: revoked } }, now);
    return u;
  }

  async setRole(user: string, role: Role, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    this.checkRoleAndClearance(role, u.clearance);
    const from = u.role;
    u.role = role;
    return this.changeAuthz(u, 'admin.role_change', { from, to: role }, actor, now);
  }

  async setClearance(user: string, clearance: Classification, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    this.checkRoleAndClearance(u.role, clearance);
    const from = u.clearance;
    u.clearance = clearance;
    return this.changeAuthz(u, 'admin.clearance_change', { from, to: clearance }, actor, now);
  }

  async setCompartments(user: string, compartments: readonly string[], actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    const from = u.compartments.join(',');
    u.compartments = [...new Set(compartments)].sort();
    return this.changeAuthz(u, 'admin.compartments_change', { from, to: u.compartments.join(',') }, actor, now);
  }

  /** `null` removes the region limit (refused for district officers). */
  async setScope(user: string, districts: readonly string[] | null, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    if (u.role === 'district_officer' && (districts === null || districts.length === 0)) {
      throw new BaseeratError('VALIDATION', `district officer ${u.username} needs at least one district in scope`, { field: 'districts' });
    }
    const from = u.districts === null ? '*' : u.districts.join(',');
    u.districts = districts === null ? null : [...new Set(districts)].sort();
    return this.changeAuthz(u, 'admin.scope_change', { from, to: u.districts === null ? '*' : u.districts.join(',') }, actor, now);
  }

  /** New TOTP secret (the old one stops working), all sessions ended; returns the enrollment to hand over. */
  async resetSecondFactor(user: string, actor: Actor, now: Date): Promise<Enrollment> {
    const u = await this.mustGet(user);
    const secret = base32Encode(newTotpSecret());
    u.totpSecret = this.cipher.encrypt(u.id, 'totp', secret);
    u.totpLastStep = -1;
    await this.repo.updateUser(u);
    const revoked = await this.repo.revokeSessionsOfUser(u.id, now.toISOString(), 'second_factor_reset');
    await this.audit.record({ actor: actor.id, action: 'admin.second_factor_reset', target: u.id, from: actor.from, outcome: 'success', details: { sessionsRevoked: revoked } }, now);
    return { user: u, totpSecret: secret, otpauthUri: otpauthUri(secret, u.username) };
  }

  async unlockUser(user: string, actor: Actor, now: Date): Promise<UserRecord> {
    const u = await this.mustGet(user);
    const { lockedAt: _was, ...rest } = u;
    const unlocked: UserRecord = { ...rest, failedLogins: [] };
    await this.repo.updateUser(unlocked);
    await this.audit.record({ actor: actor.id, action: 'auth.unlock', target: u.id, from: actor.from, outcome: 'success' }, now);
    return unlocked;
  }

  async setPassword(user: string, password: string, actor: Actor, now: Date): Promise<void> {
    const u = await this.mustGet(user);
    const problem = checkPassword(password, u.username, new Set(), this.minPasswordLength);
    if (problem !== undefined) throw new BaseeratError('VALIDATION', `password for ${u.username} refused: ${problem.replace(/_/g, ' ')}`, { field: 'password' });
    u.passwordHash = await this.hasher.hash(password);
    u.passwordChangedAt = now.toISOString();
    await this.repo.updateUser(u);
    const revoked = await this.repo.revokeSessionsOfUser(u.id, now.toISOString(), 'password_changed');
    await this.audit.record({ actor: actor.id, action: 'admin.password_set', target: u.id, from: actor.from, outcome: 'success', details: { sessionsRevoked: revoked } }, now);
  }

  /** Disables every enabled account not used (or, if never used, not created) in the last 90 days. */
  async disableDormantAccounts(actor: Actor, now: Date): Promise<string[]> {
    const out: string[] = [];
    for (const u of await this.repo.listUsers()) {
      if (u.disabled) continue;
      if (now.getTime() - Date.parse(u.lastLoginAt ?? u.createdAt) > DORMANT_AFTER_MS) {
        await this.disable(u, 'dormant', actor, now);
        out.push(u.id);
      }
    }
    return out;
  }

  /** One account by id, without its secrets (undefined when there is none). */
  async getUser(id: string): Promise<Omit<UserRecord, 'passwordHash' | 'totpSecret'> | undefined> {
    const u = await this.repo.getUserById(id);
    if (u === undefined) return undefined;
    const { passwordHash: _p, totpSecret: _t, ...rest } = u;
    return rest;
  }

  async listUsers(): Promise<Array<Omit<UserRecord, 'passwordHash' | 'totpSecret'>>> {
    return (await this.repo.listUsers()).map(({ passwordHash: _p, totpSecret: _t, ...rest }) => rest);
  }
}
