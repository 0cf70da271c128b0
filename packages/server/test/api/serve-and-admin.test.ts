import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { bootstrapAdministrator, resolveMasterKey, withEmbedded } from '../../src/cli/commands/serve.js';
import { MASTER_KEY_ENV } from '../../src/security/master-key.js';

let dir: string;
const savedEnv = process.env[MASTER_KEY_ENV];
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'baseerat-serve-')); delete process.env[MASTER_KEY_ENV]; });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); if (savedEnv !== undefined) process.env[MASTER_KEY_ENV] = savedEnv; });
afterEach(() => { vi.restoreAllMocks(); });

describe('serve: master key and first administrator', () => {
  it('creates master.key beside the database with mode 600 on first start only, with a warning', async () => {
    const db = join(dir, 'a', 'b.duckdb');
    await expect(resolveMasterKey(db, { create: false })).rejects.toMatchObject({ code: 'CONFIG', field: 'masterKey' });
    const warnings: string[] = [];
    const k1 = await resolveMasterKey(join(dir, 'b.duckdb'), { create: true, warn: (s) => warnings.push(s) });
    expect(k1).toHaveLength(32);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(warnings.join()).toMatch(/key custody/);
    const k2 = await resolveMasterKey(join(dir, 'b.duckdb'), { create: true, warn: (s) => warnings.push(s) });
    expect(k2.equals(k1)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('creates an administrator only when there is no account', async () => {
    await withEmbedded(join(dir, 'b.duckdb'), true, async (e) => {
      const first = await bootstrapAdministrator(e, { id: 'system', from: 'test' }, new Date());
      expect(first).toMatchObject({ username: 'admin', otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\/Baseerat%3Aadmin\?secret=/) });
      expect(first!.password.length).toBeGreaterThanOrEqual(20);
      expect(await bootstrapAdministrator(e, { id: 'system', from: 'test' }, new Date())).toBeUndefined();
      const users = await e.security.accounts.listUsers();
      expect(users.map((u) => [u.username, u.role])).toEqual([['admin', 'administrator']]);
    });
  });
});

describe('admin commands', () => {
  it('user create / set-scope / disable / list go through AccountService and the audit trail', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    const db = join(dir, 'b.duckdb');
    const run = (...args: string[]) => buildProgram().parseAsync([...args, '--db', db], { from: 'user' });
    await run('user', 'create', 'officer.q', '--role', 'district_officer', '--clearance', 'RESTRICTED', '--districts', 'Quetta');
    expect(out.join('\n')).toMatch(/created officer\.q .*district_officer, cleared to RESTRICTED/);
    expect(out.join('\n')).toMatch(/TOTP \(shown once\): otpauth:/);
    await run('user', 'set-scope', 'officer.q', 'Quetta,Pishin');
    await run('user', 'disable', 'officer.q', '--reason', 'transferred');
    out.length = 0;
    await run('user', 'list', '--json');
    const users = JSON.parse(out.join('')) as { username: string; districts: string[] | null; disabled: boolean; disabledReason?: string }[];
    expect(users.find((u) => u.username === 'officer.q')).toMatchObject({ districts: ['Pishin', 'Quetta'], disabled: true, disabledReason: 'transferred' });
    await expect(run('user', 'set-role', 'officer.q', 'king')).rejects.toMatchObject({ code: 'VALIDATION', field: 'role' });
    await withEmbedded(db, false, async (e) => {
      const entries = (await e.security.auditStore.read(0, 1e6)).map((r) => JSON.parse(r.entry) as { action: string; actor: string });
      const mine = entries.filter((x) => x.actor.startsWith('cli:'));
      expect(mine.map((x) => x.action)).toEqual(['admin.user_create', 'admin.scope_change', 'admin.user_disable']);
    });
  }, 60_000);
});
