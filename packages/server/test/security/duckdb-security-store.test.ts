import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService, tokenHash } from '../../src/security/account-service.js';
import { appendFromTwoLogs, expectUnforkedTrail } from './audit-two-writers.js';
import { AuditLog, decodeAuditEntry } from '../../src/security/audit-log.js';
import { exportCheckpoint, generateAuditSigningKeys, verifyAuditTrail } from '../../src/security/audit-checkpoints.js';
import { DuckDBAuditStore, DuckDBSecurityRepo } from '../../src/security/duckdb-security-repo.js';
import { migrateSecuritySchema } from '../../src/security/duckdb-security-schema.js';
import { FieldCipher, KeyRing } from '../../src/security/field-cipher.js';
import type { PasswordHasher } from '../../src/security/password-hashing.js';
import { base32Decode, totp } from '../../src/security/totp.js';

const T0 = Date.parse('2026-02-01T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const admin = { id: 'usr_admin', from: 'cli@ops' };
const fastHasher: PasswordHasher = { hash: async (p) => `h:${p}`, verify: async (h, p) => h === `h:${p}` };

let dir: string, instance: DuckDBInstance, repoConn: DuckDBConnection, auditConn: DuckDBConnection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baseerat-secdb-'));
  instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
  repoConn = await instance.connect();
  auditConn = await instance.connect();
});
afterAll(async () => {
  repoConn.closeSync(); auditConn.closeSync(); instance.closeSync();
  await rm(dir, { recursive: true, force: true });
});

describe('DuckDB SecurityRepo and AuditStore', () => {
  it('migrates once, into its own ledger', async () => {
    expect(await migrateSecuritySchema(repoConn, at(0))).toEqual([1]);
    expect(await migrateSecuritySchema(repoConn, at(0))).toEqual([]);
    const r = (await repoConn.runAndReadAll('SELECT version, name FROM security_migrations')).getRowObjectsJS();
    expect(r).toHaveLength(1);
  });

  it('runs accounts, sessions, keys and audit end to end, and survives a reopen of the key ring', async () => {
    const repo = new DuckDBSecurityRepo(repoConn);
    const store = new DuckDBAuditStore(auditConn);
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
    await svc.setClearance('sana', 'CONFIDENTIAL', admin, at(180_000));
    expect(await svc.authenticate(r.token, 'x', at(200_000))).toEqual({ ok: false, reason: 'revoked' });
    expect((await repo.getUserByUsername('sana'))!.clearance).toBe('CONFIDENTIAL');
    await expect(svc.createUser({ username: 'sana', password: 'another long passphrase', role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/exists/);

    await ring.rotate('accounts', at(300_000));
    const keys = await repo.listDataKeys();
    expect(keys.map((k) => [k.keyId, k.active])).toEqual([['accounts.v1', false], ['accounts.v2', true]]);
    const reopened = new FieldCipher(await KeyRing.open(repo, master), 'accounts');
    const stored = (await repo.getUserByUsername('sana'))!.totpSecret;
    expect(reopened.decrypt(e.user.id, 'totp', stored)).toBe(e.totpSecret);
    const actions = (await store.read(0, await store.size())).map((r) => JSON.parse(r.entry).action);
    expect(actions).toEqual(['admin.user_create', 'auth.login', 'admin.clearance_change']);
  });

  it('verify catches SQL-level edits, deletions and reordering against exported checkpoints', async () => {
    const store = new DuckDBAuditStore(auditConn);
    const log = new AuditLog(store);
    for (let i = 0; i < 12; i++) await log.record({ actor: 'u', action: 'data.read', target: `inc_${i}`, from: 'x', outcome: 'success' }, at(i * 1000));
    const keys = generateAuditSigningKeys();
    const cpDir = join(dir, 'checkpoints');
    await exportCheckpoint(store, cpDir, keys.privateKeyPem, at(99_000));
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(true);
    const n = await store.size();
    const victim = n - 5;
    const original = (await store.read(victim, victim + 1))[0]!.entry;
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim, original.replace('success', 'failure')]);
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'edited' });
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim, original]);
    const next = (await store.read(victim + 1, victim + 2))[0]!.entry;
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim, next]);
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim + 1, original]);
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'reordered' });
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim, original]);
    await auditConn.run('UPDATE sec_audit_log SET entry = $2 WHERE seq = $1', [victim + 1, next]);
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(true);
    await auditConn.run('DELETE FROM sec_audit_log WHERE seq = $1', [victim]);
    expect(await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: victim, problem: 'deleted' });
    // Logging goes on after the deletion (no key clash), and the damage stays reported.
    await log.record({ actor: 'u', action: 'data.read', from: 'x', outcome: 'success' }, at(200_000));
    expect((await verifyAuditTrail(store, cpDir, keys.publicKeyPem)).ok).toBe(false);
  });
  it('keeps its in-memory users and sessions equal to the database after every kind of write', async () => {
    const own = await DuckDBInstance.create(join(dir, 'cache-check.duckdb'));
    const conn = await own.connect(), auditOwn = await own.connect();
    await migrateSecuritySchema(conn, at(0));
    const repo = new DuckDBSecurityRepo(conn);
    // what the database holds, read past every cache on a connection of its own
    const dbConn = await own.connect();
    const stored = async (table: 'sec_sessions' | 'sec_users', key: 'token_hash' | 'id', v: string): Promise<unknown> => {
      const r = (await dbConn.runAndReadAll(`SELECT doc FROM ${table} WHERE ${key} = $1`, [v])).getRowObjectsJS();
      return r[0] === undefined ? undefined : JSON.parse(String(r[0]['doc']));
    };
    try {
      const ring = await KeyRing.open(repo, randomBytes(32));
      await ring.ensureDataset('accounts', at(0));
      const svc = new AccountService({ repo, audit: new AuditLog(new DuckDBAuditStore(auditOwn)), cipher: new FieldCipher(ring, 'accounts'), hasher: fastHasher, sessionIdleMs: 60_000 });
      const e = await svc.createUser({ username: 'cache.check', password: 'a long enough passphrase', role: 'analyst', clearance: 'SECRET' }, admin, at(0));
      const login = async (ms: number) => {
        const r = await svc.login({ username: 'cache.check', password: 'a long enough passphrase', totp: totp(base32Decode(e.totpSecret), T0 + ms), from: 'x' }, at(ms));
        if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r)}`);
        return r.token;
      };
      const same = async (token: string) => {
        expect(await repo.getSession(tokenHash(token))).toEqual(await stored('sec_sessions', 'token_hash', tokenHash(token)));
        expect(await repo.getUserById(e.user.id)).toEqual(await stored('sec_users', 'id', e.user.id));
      };
      const t1 = await login(60_000);
      await same(t1);
      expect((await svc.authenticate(t1, 'x', at(90_000))).ok).toBe(true); // touches lastSeenAt (idle 60 s: touched after 2 s)
      await same(t1);
      expect((await repo.getSession(tokenHash(t1)))!.lastSeenAt).toBe(at(90_000).toISOString());
      // a returned object is the caller's: changing it changes nothing stored
      const got = (await repo.getSession(tokenHash(t1)))!;
      got.revokedAt = at(0).toISOString();
      expect((await repo.getSession(tokenHash(t1)))!.revokedAt).toBeUndefined();
      // revocation of every session of the user (a clearance change), then a disabled account
      await svc.setClearance('cache.check', 'CONFIDENTIAL', admin, at(120_000));
      await same(t1);
      expect(await svc.authenticate(t1, 'x', at(121_000))).toEqual({ ok: false, reason: 'revoked' });
      const t2 = await login(150_000);
      await svc.disableUser('cache.check', 'test', admin, at(160_000));
      await same(t2);
      expect((await svc.authenticate(t2, 'x', at(170_000))).ok).toBe(false);
      await svc.enableUser('cache.check', admin, at(180_000));
      const t3 = await login(210_000);
      const readBeforeLogout = (await repo.getSession(tokenHash(t3)))!;
      expect(await svc.logout(t3, 'x', at(220_000))).toBe(true);
      await same(t3);
      // a touch of the session as it was read before the logout does not bring it back
      readBeforeLogout.lastSeenAt = at(221_000).toISOString();
      await repo.updateSession(readBeforeLogout);
      await same(t3);
      expect((await repo.getSession(tokenHash(t3)))!.revokedReason).toBe('logout');
      expect(await svc.authenticate(t3, 'x', at(230_000))).toEqual({ ok: false, reason: 'revoked' });
    } finally {
      dbConn.closeSync(); conn.closeSync(); auditOwn.closeSync(); own.closeSync();
    }
  });
  it('keeps its next seq in memory, and a second writer on the file is caught by the key: no fork, no gap, the trail verifies', async () => {
    const own = await DuckDBInstance.create(join(dir, 'two-writers.duckdb'));
    const connA = await own.connect(), connB = await own.connect(), connC = await own.connect();
    try {
      await migrateSecuritySchema(connA, at(0));
      const storeA = new DuckDBAuditStore(connA), storeB = new DuckDBAuditStore(connB);
      const logA = new AuditLog(storeA), logB = new AuditLog(storeB);
      // A keeps its seq after its first append; B then appends behind A's back, so A's kept seq is taken
      await logA.record({ actor: 'a', action: 'data.read', target: 'first_a', from: 'pA', outcome: 'success' }, at(0));
      await logB.record({ actor: 'b', action: 'data.read', target: 'first_b', from: 'pB', outcome: 'success' }, at(0));
      // the gap-checked append with A's stale seq is refused, and writes nothing
      await expect(storeA.append([{ seq: 1, entry: '{}' }])).rejects.toThrow(/taken/);
      await expect(storeA.append([{ seq: 7, entry: '{}' }])).rejects.toThrow(/seq 7/);
      const entries = await appendFromTwoLogs(logA, logB, at);
      const reader = new DuckDBAuditStore(connC);
      const n = await expectUnforkedTrail(reader, 0, 122, join(dir, 'cp-two-writers'), at);
      // what each log told its caller is what is stored under that seq
      const rows = await reader.read(0, n);
      for (const e of entries) expect(decodeAuditEntry(rows[e.seq]!.entry).target).toBe(e.target);
    } finally {
      connA.closeSync(); connB.closeSync(); connC.closeSync(); own.closeSync();
    }
  });
});
