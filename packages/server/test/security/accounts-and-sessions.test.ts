import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccountService, SESSION_IDLE_MS, SESSION_TOUCH_MS, tokenHash } from '../../src/security/account-service.js';
import { AuditLog, InMemoryAuditStore, decodeAuditEntry } from '../../src/security/audit-log.js';
import { FieldCipher, KeyRing } from '../../src/security/field-cipher.js';
import type { PasswordHasher } from '../../src/security/password-hashing.js';
import { InMemorySecurityRepo } from '../../src/security/security-repo.js';
import { base32Decode, totp } from '../../src/security/totp.js';

const T0 = Date.parse('2026-02-01T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000, HOUR = 3_600_000, DAY = 86_400_000;
const admin = { id: 'usr_admin', from: 'cli@ops' };
const PW = 'correct horse battery staple';

/** Cheap, countable stand-in for argon2id (the real hasher is tested in totp-and-passwords). */
function countingHasher() {
  const calls = { hash: 0, verify: 0 };
  const h: PasswordHasher = {
    hash: async (pw) => { calls.hash++; return `fake$${Buffer.from(pw).toString('base64')}$${randomBytes(4).toString('hex')}`; },
    verify: async (phc, pw) => { calls.verify++; return phc.split('$')[1] === Buffer.from(pw).toString('base64'); },
  };
  return { h, calls };
}

async function setup() {
  const repo = new InMemorySecurityRepo();
  const store = new InMemoryAuditStore();
  const audit = new AuditLog(store);
  const ring = await KeyRing.open(repo, randomBytes(32));
  await ring.ensureDataset('accounts', at(0));
  const { h, calls } = countingHasher();
  const svc = new AccountService({ repo, audit, cipher: new FieldCipher(ring, 'accounts'), hasher: h });
  const enrol = await svc.createUser({ username: 'Amina.Khan', password: PW, role: 'analyst', clearance: 'CONFIDENTIAL', compartments: ['CT'] }, admin, at(0));
  const secret = base32Decode(enrol.totpSecret);
  const code = (ms: number) => totp(secret, T0 + ms);
  const audits = () => store.rows.map((r) => decodeAuditEntry(r.entry));
  return { repo, svc, enrol, code, calls, audits, store };
}

describe('accounts, login and sessions', () => {
  it('logs in with password and TOTP; stores only the SHA-256 of a 256-bit token; TOTP secret encrypted at rest', async () => {
    const { svc, code, repo, enrol } = await setup();
    const r = await svc.login({ username: 'amina.khan', password: PW, totp: code(MIN), from: '10.0.0.5' }, at(MIN));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Buffer.from(r.token, 'base64url').length).toBe(32);
    expect([...repo.sessions.keys()]).toEqual([tokenHash(r.token)]);
    expect(JSON.stringify([...repo.sessions.values()])).not.toContain(r.token);
    expect(repo.users.get(enrol.user.id)!.totpSecret).toMatch(/^v1:accounts\.v1:/);
    expect(JSON.stringify([...repo.users.values()])).not.toContain(enrol.totpSecret);
    const s = await svc.authenticate(r.token, '10.0.0.5', at(2 * MIN));
    expect(s).toMatchObject({ ok: true, principal: { id: enrol.user.id, role: 'analyst', clearance: 'CONFIDENTIAL', compartments: ['CT'], districts: null, active: true } });
  });

  it('same answer, one hash verification, for unknown user / wrong password / wrong code / locked account', async () => {
    const { svc, code, calls, audits } = await setup();
    const answers = [];
    for (const [username, password, totpCode] of [
      ['nobody', PW, code(MIN)], ['amina.khan', 'wrong password here', code(MIN)], ['amina.khan', PW, '000000'],
    ] as const) {
      const before = calls.verify;
      answers.push(await svc.login({ username, password, totp: totpCode, from: '1.2.3.4' }, at(MIN)));
      expect(calls.verify - before).toBe(1);
    }
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify({ ok: false, error: 'invalid_credentials' }))).toBe(true);
    const unknownEntry = audits().find((e) => e.action === 'auth.login' && e.actor.startsWith('unknown:'));
    expect(unknownEntry).toMatchObject({ outcome: 'failure', details: { reason: 'unknown_user' } });
    expect(JSON.stringify(audits())).not.toContain('nobody');
  });

  it('locks after 5 failures within 15 minutes until an administrator unlocks; failures spread wider do not lock', async () => {
    const { svc, code, audits } = await setup();
    for (let i = 0; i < 4; i++) await svc.login({ username: 'amina.khan', password: 'bad password!', totp: code(0), from: 'x' }, at(i * 5 * MIN));
    // The first failure (t=0) has left the 15-minute window at t=20: four in the window, no lock.
    const ok = await svc.login({ username: 'amina.khan', password: PW, totp: code(20 * MIN), from: 'x' }, at(20 * MIN));
    expect(ok.ok).toBe(true);
    for (let i = 0; i < 5; i++) await svc.login({ username: 'amina.khan', password: 'bad password!', totp: code(0), from: 'x' }, at(30 * MIN + i * MIN));
    expect(audits().filter((e) => e.action === 'auth.lockout')).toHaveLength(1);
    // Locked: even the right password and a fresh code fail, with the same answer, hours later.
    expect(await svc.login({ username: 'amina.khan', password: PW, totp: code(5 * HOUR), from: 'x' }, at(5 * HOUR))).toEqual({ ok: false, error: 'invalid_credentials' });
    await svc.unlockUser('amina.khan', admin, at(5 * HOUR + MIN));
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: code(5 * HOUR + 2 * MIN), from: 'x' }, at(5 * HOUR + 2 * MIN))).ok).toBe(true);
  });

  it('a TOTP code is accepted once only', async () => {
    const { svc, code } = await setup();
    const c = code(MIN);
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: c, from: 'x' }, at(MIN))).ok).toBe(true);
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: c, from: 'x' }, at(MIN + 5000))).ok).toBe(false);
  });

  it('a session is touched at most once a minute, and the idle timeout counts from the last touch (never late)', async () => {
    const { svc, code, repo } = await setup();
    const r = await svc.login({ username: 'amina.khan', password: PW, totp: code(0), from: 'x' }, at(0));
    if (!r.ok) throw new Error('login failed');
    let writes = 0;
    const update = repo.updateSession.bind(repo);
    repo.updateSession = async (s) => { writes++; return update(s); };
    const seen = async () => (await repo.getSession(tokenHash(r.token)))!.lastSeenAt;
    // 59 requests in the first 59 s: no write; the stored time stays the login's.
    for (let k = 1; k < 60; k++) expect((await svc.authenticate(r.token, 'x', at(k * 1000))).ok).toBe(true);
    expect(writes).toBe(0);
    expect(await seen()).toBe(at(0).toISOString());
    // The first request a minute or more after the stored time writes it.
    expect((await svc.authenticate(r.token, 'x', at(SESSION_TOUCH_MS))).ok).toBe(true);
    expect(writes).toBe(1);
    expect(await seen()).toBe(at(SESSION_TOUCH_MS).toISOString());
    // Requests every 50 s for 40 minutes keep it alive (each touch < 30 min after the one before).
    for (let t = SESSION_TOUCH_MS + 50_000; t < SESSION_TOUCH_MS + 40 * MIN; t += 50_000) expect((await svc.authenticate(r.token, 'x', at(t))).ok).toBe(true);
    expect(writes).toBeGreaterThan(20);
    expect(writes).toBeLessThan(48);
    // Idle: 30 minutes after the last stored time, even if a request came in the 59 s after it.
    const last = Date.parse(await seen()) - T0;
    expect((await svc.authenticate(r.token, 'x', at(last + 59_000))).ok).toBe(true);
    expect(await svc.authenticate(r.token, 'x', at(last + SESSION_IDLE_MS + 1))).toEqual({ ok: false, reason: 'idle' });
  });

  it('idle timeout 30 minutes, absolute 12 hours, logout revokes on the server', async () => {
    const { svc, code } = await setup();
    const login = async (ms: number) => {
      const r = await svc.login({ username: 'amina.khan', password: PW, totp: code(ms), from: 'x' }, at(ms));
      if (!r.ok) throw new Error('login failed');
      return r.token;
    };
    const a = await login(0);
    expect((await svc.authenticate(a, 'x', at(SESSION_IDLE_MS - 1000))).ok).toBe(true);
    expect(await svc.authenticate(a, 'x', at(2 * SESSION_IDLE_MS))).toEqual({ ok: false, reason: 'idle' });
    expect(await svc.authenticate(a, 'x', at(2 * SESSION_IDLE_MS + 1))).toEqual({ ok: false, reason: 'revoked' });

    const b = await login(HOUR);
    let t = HOUR;
    while (t + 25 * MIN < HOUR + 12 * HOUR) { t += 25 * MIN; expect((await svc.authenticate(b, 'x', at(t))).ok).toBe(true); }
    expect(await svc.authenticate(b, 'x', at(t + 25 * MIN))).toEqual({ ok: false, reason: 'expired' });

    const c = await login(20 * HOUR);
    expect(await svc.logout(c, 'x', at(20 * HOUR + MIN))).toBe(true);
    expect(await svc.authenticate(c, 'x', at(20 * HOUR + 2 * MIN))).toEqual({ ok: false, reason: 'revoked' });
    expect(await svc.authenticate('not-a-token', 'x', at(20 * HOUR))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('forces re-login on a change of role, clearance, compartments or scope, and when disabled', async () => {
    const { svc, code } = await setup();
    let ms = 0;
    const change = [
      () => svc.setRole('amina.khan', 'commander', admin, at(ms)),
      () => svc.setClearance('amina.khan', 'SECRET', admin, at(ms)),
      () => svc.setCompartments('amina.khan', ['CT', 'HUMINT'], admin, at(ms)),
      () => svc.setScope('amina.khan', ['Quetta'], admin, at(ms)),
    ];
    for (const f of change) {
      ms += 2 * MIN;
      const r = await svc.login({ username: 'amina.khan', password: PW, totp: code(ms), from: 'x' }, at(ms));
      if (!r.ok) throw new Error('login failed');
      expect((await svc.authenticate(r.token, 'x', at(ms + 1000))).ok).toBe(true);
      await f();
      expect((await svc.authenticate(r.token, 'x', at(ms + 2000))).ok).toBe(false);
    }
    ms += 2 * MIN;
    const r = await svc.login({ username: 'amina.khan', password: PW, totp: code(ms), from: 'x' }, at(ms));
    if (!r.ok) throw new Error('login failed');
    const s = await svc.authenticate(r.token, 'x', at(ms + 1000));
    expect(s).toMatchObject({ ok: true, principal: { role: 'commander', clearance: 'SECRET', compartments: ['CT', 'HUMINT'], districts: ['Quetta'] } });
    await svc.disableUser('amina.khan', 'left the department', admin, at(ms + 2000));
    expect((await svc.authenticate(r.token, 'x', at(ms + 3000))).ok).toBe(false);
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: code(ms + 2 * MIN), from: 'x' }, at(ms + 2 * MIN))).ok).toBe(false);
  });

  it('disables accounts unused for 90 days; resetting the second factor invalidates the old secret', async () => {
    const { svc, code, repo } = await setup();
    await svc.createUser({ username: 'bilal', password: 'a much longer passphrase', role: 'district_officer', clearance: 'RESTRICTED', districts: ['Kech'] }, admin, at(80 * DAY));
    expect(await svc.disableDormantAccounts(admin, at(89 * DAY))).toEqual([]);
    const disabled = await svc.disableDormantAccounts(admin, at(91 * DAY));
    expect(disabled.map((id) => repo.users.get(id)!.username)).toEqual(['amina.khan']);
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: code(91 * DAY), from: 'x' }, at(91 * DAY))).ok).toBe(false);
    await svc.enableUser('amina.khan', admin, at(92 * DAY));
    const fresh = await svc.resetSecondFactor('amina.khan', admin, at(92 * DAY));
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: code(92 * DAY + MIN), from: 'x' }, at(92 * DAY + MIN))).ok).toBe(false);
    const newCode = totp(base32Decode(fresh.totpSecret), T0 + 92 * DAY + 2 * MIN);
    expect((await svc.login({ username: 'amina.khan', password: PW, totp: newCode, from: 'x' }, at(92 * DAY + 2 * MIN))).ok).toBe(true);
  });

  it('getUser: one account by id without its secrets; undefined for an unknown id', async () => {
    const { svc, repo, enrol } = await setup();
    const stored = await repo.getUserById(enrol.user.id);
    expect(stored?.passwordHash).toBeTypeOf('string');
    const u = await svc.getUser(enrol.user.id);
    expect(u).toMatchObject({ id: enrol.user.id, username: 'amina.khan', role: 'analyst', clearance: 'CONFIDENTIAL' });
    expect(u).not.toHaveProperty('passwordHash');
    expect(u).not.toHaveProperty('totpSecret');
    expect(u).toEqual((await svc.listUsers()).find((x) => x.id === enrol.user.id));
    expect(await svc.getUser('usr_nobody')).toBeUndefined();
  });

  it('refuses weak passwords, unknown roles, and a district officer without districts', async () => {
    const { svc } = await setup();
    await expect(svc.createUser({ username: 'c1', password: 'password123', role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/common/);
    await expect(svc.createUser({ username: 'c2', password: PW, role: 'king' as never, clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/role "king"/);
    await expect(svc.createUser({ username: 'c3', password: PW, role: 'district_officer', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/district/);
    await expect(svc.createUser({ username: 'amina.khan', password: PW, role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/exists/);
  });
});

describe('stricter settings (ASVS level 3)', () => {
  it('a 15-minute idle timeout and a 12-character minimum can be configured; looser values cannot', async () => {
    const repo = new InMemorySecurityRepo();
    const audit = new AuditLog(new InMemoryAuditStore());
    const ring = await KeyRing.open(repo, randomBytes(32));
    await ring.ensureDataset('accounts', at(0));
    const { h } = countingHasher();
    const strict = new AccountService({ repo, audit, cipher: new FieldCipher(ring, 'accounts'), hasher: h, sessionIdleMs: 15 * MIN, minPasswordLength: 12 });
    await expect(strict.createUser({ username: 'zara', password: 'elevenchars', role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/too short/);
    const e = await strict.createUser({ username: 'zara', password: 'twelve chars', role: 'analyst', clearance: 'SECRET' }, admin, at(0));
    const r = await strict.login({ username: 'zara', password: 'twelve chars', totp: totp(base32Decode(e.totpSecret), T0 + MIN), from: 'x' }, at(MIN));
    if (!r.ok) throw new Error('login failed');
    expect(await strict.authenticate(r.token, 'x', at(17 * MIN))).toEqual({ ok: false, reason: 'idle' });
    const loose = new AccountService({ repo, audit, cipher: new FieldCipher(ring, 'accounts'), hasher: h, sessionIdleMs: 10 * HOUR, minPasswordLength: 4 });
    await expect(loose.createUser({ username: 'yasir', password: 'seven!!', role: 'analyst', clearance: 'SECRET' }, admin, at(0))).rejects.toThrow(/too short/);
  });
});
