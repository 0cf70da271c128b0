import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../src/security/account-service.js';
import { appendFromTwoLogs, expectUnforkedTrail } from './audit-two-writers.js';
import { AuditLog } from '../../src/security/audit-log.js';
import { exportCheckpoint, generateAuditSigningKeys, verifyAuditTrail } from '../../src/security/audit-checkpoints.js';
import { FieldCipher, KeyRing } from '../../src/security/field-cipher.js';
import type { PasswordHasher } from '../../src/security/password-hashing.js';
import { migratePostgresSecuritySchema, PostgresAuditStore, PostgresSecurityRepo } from '../../src/security/postgres-security-repo.js';
import type { SessionRecord } from '../../src/security/security-repo.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const T0 = Date.parse('2026-02-01T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const admin = { id: 'usr_admin', from: 'cli@ops' };
const fastHasher: PasswordHasher = { hash: async (p) => `h:${p}`, verify: async (h, p) => h === `h:${p}` };

// One database for the file; two pools play two API processes on it.
let db: TestDatabase, dir: string, poolA: pg.Pool, poolB: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase('baseerat_sec');
  dir = await mkdtemp(join(tmpdir(), 'baseerat-pgsec-'));
  poolA = new pg.Pool({ connectionString: db.appUrl, max: 3 });
  poolB = new pg.Pool({ connectionString: db.appUrl, max: 3 });
  for (const p of [poolA, poolB]) p.on('error', () => undefined);
});
afterAll(async () => {
  await poolA?.end(); await poolB?.end();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('PostgreSQL SecurityRepo and AuditStore', () => {
  it('migrates once, into its own ledger, also when two processes start together', async () => {
    const [a, b] = await Promise.all([migratePostgresSecuritySchema(poolA), migratePostgresSecuritySchema(poolB)]);
    expect([...a, ...b]).toEqual([1]);
    expect(await migratePostgresSecuritySchema(poolA)).toEqual([]);
    expect((await db.admin('SELECT version, name FROM security_migrations')).rows).toEqual([{ version: 1, name: 'users, sessions, data keys, audit log' }]);
  });

  it('runs accounts, sessions, keys and audit end to end, and survives a reopen of the key ring', async () => {
    const repo = new PostgresSecurityRepo(poolA);
    const store = new PostgresAuditStore(poolA);
    const audit = new AuditLog(store);
    const master = randomBytes(32);
    const ring = await KeyRing.open(repo, master);
    await ring.ensureDataset('accounts', at(0));
    const svc = new AccountService({ repo, audit, cipher: new FieldCipher(ring, 'accounts'), hasher: fastHasher });
    const e = await svc.createUser({ username: 'sana', password: 'a long enough passphrase', role: 'commander', clearance: 'SECRET' }, admin, at(0));
    const code = (ms: number) => totp(base32Decode(e.totpSecret), T0 + ms);
    const r = await svc.login({ username: 'sana', password: 'a long enough passphrase', totp: code(60_000), from: 'x' }, at(60_000));
    if (!r.ok) throw new Error('login failed');
    expect((await svc.authenticate(r.token, 'x', at(120_000))).ok).toBe(true);

    // a second process (its own pool, key ring and service) honours the session, and sees its revocation
    const repoB = new PostgresSecurityRepo(poolB);
    const svcB = new AccountService({ repo: repoB, audit: new AuditLog(new PostgresAuditStore(poolB)), cipher: new FieldCipher(await KeyRing.open(repoB, master), 'accounts'), hasher: fastHasher });
    expect(await svcB.authenticate(r.token, 'y', at(130_000))).toMatchObject({ ok: true });
    await svc.setClearance('sana', 'CONFIDENTIAL', admin, at(180_000));
    expect(await svcB.authenticate(r.token, 'y', at(200_000))).toEqual({ ok: false, reason: 'revoked' });
    expect((await repoB.getUserByUsername('sana'))!.clearance).toBe('CONFIDENTIAL');
    await expect(svc.createUser({ username: 'sana', password: 'another long passphrase', role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/exists/);
    await expect(repo.updateUser({ ...(await repo.getUserByUsername('sana'))!, username: 'other' })).rejects.toThrow(/cannot change/);
    await expect(repo.updateUser({ ...(await repo.getUserByUsername('sana'))!, id: 'usr_nobody' })).rejects.toThrow(/not found/);

    await ring.rotate('accounts', at(300_000));
    const keys = await repo.listDataKeys();
    expect(keys.map((k) => [k.keyId, k.active])).toEqual([['accounts.v1', false], ['accounts.v2', true]]);
    await expect(repo.insertDataKey({ ...keys[1]! })).rejects.toThrow(/exists/);
    const reopened = new FieldCipher(await KeyRing.open(repoB, master), 'accounts');
    const stored = (await repo.getUserByUsername('sana'))!.totpSecret;
    expect(reopened.decrypt(e.user.id, 'totp', stored)).toBe(e.totpSecret);
    const actions = (await store.read(0, await store.size())).map((x) => JSON.parse(x.entry).action);
    expect(actions).toEqual(['admin.user_create', 'auth.login', 'admin.clearance_change']);
    await expect(repo.rewrapDataKeys([{ keyId: 'accounts.v9', wrapped: 'x' }])).rejects.toThrow(/not found/);
  });

  it('a session update from one process does not undo a revocation stored by another', async () => {
    const a = new PostgresSecurityRepo(poolA);
    const b = new PostgresSecurityRepo(poolB);
    const s: SessionRecord = { tokenHash: 'f'.repeat(64), userId: 'usr_x', createdAt: at(0).toISOString(), lastSeenAt: at(0).toISOString(), authzVersion: 1, from: 'x' };
    await a.insertSession(s);
    const seenByB = (await b.getSession(s.tokenHash))!;
    expect(await a.revokeSessionsOfUser('usr_x', at(10).toISOString(), 'logout')).toBe(1);
    await b.updateSession({ ...seenByB, lastSeenAt: at(20).toISOString() });
    expect(await a.getSession(s.tokenHash)).toMatchObject({ revokedAt: at(10).toISOString(), revokedReason: 'logout' });
    expect(await a.revokeSessionsOfUser('usr_x', at(30).toISOString(), 'again')).toBe(0);
  });

  it('two processes appending at once never fork the log: seqs 0..n-1, each once, and the checkpoints verify', async () => {
    const logA = new AuditLog(new PostgresAuditStore(poolA));
    const logB = new AuditLog(new PostgresAuditStore(poolB));
    const store = new PostgresAuditStore(poolA);
    const before = await store.size();
    await appendFromTwoLogs(logA, logB, at);
    const n = await expectUnforkedTrail(store, before, 120, join(dir, 'cp-concurrent'), at);
    // the gap-checked append refuses a seq that is not the next one
    await expect(store.append([{ seq: n + 5, entry: '{}' }])).rejects.toThrow(/seq/);
  });

  it('verify catches SQL-level edits, deletions and reordering against exported checkpoints', async () => {
    const store = new PostgresAuditStore(poolA);
    const log = new AuditLog(store);
    for (let i = 0; i < 12; i++) await log.record({ actor: 'u', action: 'data.read', target: `inc_${i}`, from: 'x', outcome: 'success' }, at(i * 1000));
    const keys = generateAuditSigningKeys();
    const cpDir = join(dir, 'checkpoints');
    await exportCheckpoint(store, cpDir, keys.privateKeyPem, at(99_000));
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(true);
    const n = await store.size();
    const victim = n - 5;
    const set = (seq: number, entry: string) => db.admin('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [seq, entry]);
    const original = (await store.read(victim, victim + 1))[0]!.entry;
    await set(victim, original.replace('success', 'failure'));
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'edited' });
    const next = (await store.read(victim + 1, victim + 2))[0]!.entry;
    await set(victim, next);
    await set(victim + 1, original);
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'reordered' });
    await set(victim, original);
    await set(victim + 1, next);
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(true);
    await db.admin('DELETE FROM sec_audit_log WHERE seq = $1', [victim]);
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'deleted' });
    // logging goes on after the deletion (no key clash), and the damage stays reported
    await log.record({ actor: 'u', action: 'data.read', from: 'x', outcome: 'success' }, at(200_000));
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(false);
  });
});
