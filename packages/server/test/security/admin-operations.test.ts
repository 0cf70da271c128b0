import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGate } from '../../src/security/access-gate.js';
import {
  exportAuditCheckpoint, initAuditSigningKeys, openSecurity, rotateDataKey, verifyAudit, type SecurityContext,
} from '../../src/security/admin-operations.js';
import { recordLabel, fieldLabel } from '../../src/security/security-label.js';
import { decodeAuditEntry } from '../../src/security/audit-log.js';

const now = new Date('2026-04-01T06:00:00Z');
const actor = { id: 'cli:root', from: 'cli@host' };
let dir: string, instance: DuckDBInstance, ctx: SecurityContext;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baseerat-admin-'));
  instance = await DuckDBInstance.create(':memory:');
  ctx = await openSecurity(instance, randomBytes(32), now);
});
afterAll(async () => { instance.closeSync(); await rm(dir, { recursive: true, force: true }); });

describe('admin operations and the access gate', () => {
  it('rotates data keys, signs and verifies checkpoints, all audited', async () => {
    const cipher = await ctx.cipherFor('incidents', now);
    const old = cipher.encrypt('inc_1', 'narrative', 'text');
    expect(await rotateDataKey(ctx, 'incidents', actor, now)).toBe('incidents.v2');
    expect(cipher.decrypt('inc_1', 'narrative', old)).toBe('text');
    const cpDir = join(dir, 'checkpoints'), priv = join(dir, 'audit.key');
    await initAuditSigningKeys(cpDir, priv);
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    const cp = await exportAuditCheckpoint(ctx, cpDir, priv, actor, now);
    expect(cp.treeSize).toBe(await ctx.auditStore.size());
    const v = await verifyAudit(ctx, cpDir, join(cpDir, 'audit-signing-key.pub.pem'), actor, now);
    expect(v).toMatchObject({ ok: true, unverifiedTail: 0 });
    const actions = (await ctx.auditStore.read(0, 100)).map((r) => decodeAuditEntry(r.entry).action);
    expect(actions).toEqual(['keys.rotate', 'audit.checkpoint', 'audit.verify']);
  });

  it('the gate decrypts a field only when allowed and records reads and denials', async () => {
    const rec = recordLabel({ classification: 'RESTRICTED', district: 'Quetta' });
    const label = fieldLabel(rec, { classification: 'SECRET' });
    const before = await ctx.auditStore.size();
    let decrypted = 0;
    const low = new AccessGate(ctx.policies.forRequest({ id: 'u_low', role: 'analyst', clearance: 'CONFIDENTIAL', compartments: [], districts: null, active: true }, { mfa: true }), ctx.audit, '10.0.0.9');
    expect(await low.readField('inc_7', 'names', label, () => { decrypted++; return 'A. Baloch'; }, now)).toBeUndefined();
    const high = new AccessGate(ctx.policies.forRequest({ id: 'u_high', role: 'analyst', clearance: 'SECRET', compartments: [], districts: null, active: true }, { mfa: true }), ctx.audit, '10.0.0.8');
    expect(await high.readField('inc_7', 'names', label, () => { decrypted++; return 'A. Baloch'; }, now)).toBe('A. Baloch');
    expect(decrypted).toBe(1);
    const entries = (await ctx.auditStore.read(before, before + 10)).map((r) => decodeAuditEntry(r.entry));
    expect(entries.map((e) => [e.actor, e.action, e.outcome, e.target])).toEqual([
      ['u_low', 'authz.denied', 'denied', 'inc_7'], ['u_high', 'data.read', 'success', 'inc_7'],
    ]);
    expect(entries[0]!.details).toMatchObject({ action: 'viewField', policy: 'need-to-know-field' });
    expect(JSON.stringify(entries)).not.toContain('A. Baloch');
    const n = await ctx.auditStore.size();
    const quetta = recordLabel({ classification: 'RESTRICTED', district: 'Quetta' });
    const got = await low.readFields([
      { recordId: 'inc_1', field: 'narrative', label: quetta, decrypt: () => 'n1' },
      { recordId: 'inc_2', field: 'names', label, decrypt: () => 'secret names' },
      { recordId: 'inc_3', field: 'narrative', label: quetta, decrypt: () => 'n3' },
    ], now);
    expect(got).toEqual(['n1', undefined, 'n3']);
    const batch = (await ctx.auditStore.read(n, n + 10)).map((r) => decodeAuditEntry(r.entry));
    expect(batch.map((e) => [e.action, e.target])).toEqual([['data.read', 'inc_1'], ['authz.denied', 'inc_2'], ['data.read', 'inc_3']]);
  });
});
