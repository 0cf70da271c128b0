import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { exportAuditCheckpoint, initAuditSigningKeys } from '../../src/security/admin-operations.js';
import { expectProblem, harness, PASSWORD, type Harness, type Who } from './api-harness.js';

const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const NDJSON = [
  '{"call_id":"R-1","received":"2024-03-01T10:17:00+05:00","location":{"lat":30.181,"lon":67.012,"district":"Quetta"},"nature":"Blast","casualties":{"injured":6,"dead":2},"notes":"ambulances sent"}',
  '{"call_id":"R-2","received":"2024-03-01T14:02","location":{"district":"Gwadar"},"nature":"road block","notes":"highway blocked"}',
  'this line is not json',
  '{"call_id":"R-3","received":"not a time","location":{"district":"Gwadar"},"nature":"road block"}',
].join('\n');

let h: Harness;
let dir: string;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baseerat-api-audit-'));
  h = await harness({ adapters: { 'rescue-1122': await loadMappingFile(MAPPING) }, auditCheckpointDir: join(dir, 'checkpoints') });
  for (const w of ['admin', 'analyst', 'commander', 'quetta', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); rmSync(dir, { recursive: true, force: true }); });

const ndjson = { 'content-type': 'application/x-ndjson' };

describe('POST /api/ingest', () => {
  it('401 / 403 (commander, district officer) / 400 (unknown format, not an array, missing format)', async () => {
    expectProblem(await h.req('POST', '/api/ingest?format=rescue-1122', undefined, NDJSON, ndjson), 401);
    const seq = await h.auditSize();
    expectProblem(await h.req('POST', '/api/ingest?format=rescue-1122', tok.commander, NDJSON, ndjson), 403);
    expectProblem(await h.req('POST', '/api/ingest?format=rescue-1122', tok.quetta, NDJSON, ndjson), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.target === 'ingest')).toHaveLength(2);
    expect(expectProblem(await h.req('POST', '/api/ingest?format=nope', tok.analyst, NDJSON, ndjson), 400)['field']).toBe('format');
    expect(expectProblem(await h.req('POST', '/api/ingest', tok.analyst, NDJSON, ndjson), 400)['field']).toBe('querystring.format');
    expect(expectProblem(await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, { a: 1 }), 400)['field']).toBe('body');
    expectProblem(await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, NDJSON, { 'content-type': 'text/csv' }), 415);
  });

  it('stores the batch before answering, quarantines bad lines, audits, and is idempotent', async () => {
    const seq = await h.auditSize();
    const r = await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, NDJSON, ndjson);
    expect(r.statusCode).toBe(200);
    const s = r.json() as { runId: string; rowsRead: number; stored: number; quarantined: number; duplicates: number; agency: string };
    expect(s).toMatchObject({ rowsRead: 4, stored: 2, quarantined: 2, duplicates: 0, agency: 'rescue1122' });
    // Durable before the answer: the store already has the records and the run.
    expect(await h.env.store.countIncidents({ agencies: ['rescue1122'] })).toBe(2);
    expect((await h.env.store.listRuns()).map((x) => x.id)).toContain(s.runId);
    const audit = (await h.auditSince(seq)).filter((e) => e.action === 'data.ingest');
    expect(audit).toEqual([expect.objectContaining({ actor: h.ids['analyst'], target: s.runId, outcome: 'success' })]);
    const again = (await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, NDJSON, ndjson)).json() as typeof s;
    expect(again).toMatchObject({ stored: 0, duplicates: 2 });
    expect(await h.env.store.countIncidents({ agencies: ['rescue1122'] })).toBe(2);
    // A JSON array works the same way.
    const arr = await h.req('POST', '/api/ingest?format=rescue-1122&agency=rescue-quetta', tok.admin, [JSON.parse(NDJSON.split('\n')[0]!)]);
    expect(arr.json()).toMatchObject({ stored: 1, agency: 'rescue-quetta' });
  });
});

describe('GET /api/quarantine', () => {
  it('401 / 403 / 400', async () => {
    expectProblem(await h.req('GET', '/api/quarantine'), 401);
    expectProblem(await h.req('GET', '/api/quarantine', tok.quetta), 403);
    expectProblem(await h.req('GET', '/api/quarantine', tok.auditor), 403);
    expect(expectProblem(await h.req('GET', '/api/quarantine?offset=-1', tok.analyst), 400)['field']).toBe('querystring.offset');
  });

  it('an unscoped SECRET analyst reads raw rows (audited); an administrator sees reasons without raw text or values', async () => {
    const seq = await h.auditSize();
    const a = (await h.req('GET', '/api/quarantine?runId=run_seed', tok.analyst)).json() as { items: { raw?: string; reasons: { value?: string }[] }[]; total: number };
    expect(a.total).toBe(1);
    expect(a.items[0]).toMatchObject({ raw: 'secret,row,text', reasons: [{ field: 'occurredAt', value: '31/02/2024', message: 'not a date' }] });
    expect((await h.auditSince(seq)).filter((e) => e.action === 'data.read' && e.actor === h.ids['analyst'])).toHaveLength(1);
    const m = (await h.req('GET', '/api/quarantine?runId=run_seed', tok.admin)).json() as typeof a;
    expect(m.items[0]!.raw).toBeUndefined();
    expect(m.items[0]!.reasons).toEqual([{ field: 'occurredAt', message: 'not a date' }]);
  });
});

describe('/api/users', () => {
  it('401 / 403 for every non-administrator / 400 names the field', async () => {
    expectProblem(await h.req('GET', '/api/users'), 401);
    for (const w of ['analyst', 'auditor', 'commander'] as const) expectProblem(await h.req('GET', '/api/users', tok[w]), 403);
    expectProblem(await h.req('POST', '/api/users', tok.analyst, { username: 'x1', password: PASSWORD, role: 'analyst', clearance: 'SECRET' }), 403);
    expect(expectProblem(await h.req('POST', '/api/users', tok.admin, { username: 'x1', password: PASSWORD, role: 'king', clearance: 'SECRET' }), 400)['field']).toBe('body.role');
    expect(expectProblem(await h.req('POST', '/api/users', tok.admin, { username: 'x1', password: 'short', role: 'analyst', clearance: 'SECRET' }), 400)['field']).toBe('password');
    expect(expectProblem(await h.req('POST', '/api/users', tok.admin, { username: 'x1', password: PASSWORD, role: 'district_officer', clearance: 'SECRET' }), 400)['field']).toBe('districts');
    expect(expectProblem(await h.req('PATCH', '/api/users/analyst', tok.admin, {}), 400)['detail']).toMatch(/at least one/);
    expectProblem(await h.req('PATCH', '/api/users/nobody', tok.admin, { clearance: 'SECRET' }), 404);
  });

  it('administrators create (enrolment shown once), list, rescope (sessions end), disable and enable; all audited', async () => {
    const seq = await h.auditSize();
    const c = await h.req('POST', '/api/users', tok.admin, { username: 'kech.officer', password: PASSWORD, role: 'district_officer', clearance: 'RESTRICTED', districts: ['Kech'] });
    expect(c.statusCode).toBe(201);
    const e = c.json() as { user: { id: string; districts: string[] }; otpauthUri: string };
    expect(e.user.districts).toEqual(['Kech']);
    expect(e.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const list = (await h.req('GET', '/api/users', tok.admin)).json() as { users: Record<string, unknown>[] };
    expect(list.users.map((u) => u['username'])).toContain('kech.officer');
    expect(list.users.every((u) => !('passwordHash' in u) && !('totpSecret' in u))).toBe(true);
    // Rescoping the Quetta officer ends their session.
    const p = await h.req('PATCH', '/api/users/quetta', tok.admin, { districts: ['Quetta', 'Pishin'] });
    expect(p.json()).toMatchObject({ districts: ['Pishin', 'Quetta'] });
    expect(String(expectProblem(await h.req('GET', '/api/auth/me', tok.quetta), 401)['detail'])).toMatch(/revoked/);
    expect((await h.req('POST', '/api/users/kech.officer/disable', tok.admin, { reason: 'left the service' })).json()).toMatchObject({ disabled: true });
    expect((await h.req('POST', '/api/users/kech.officer/enable', tok.admin)).json()).toMatchObject({ disabled: false });
    expect((await h.req('POST', '/api/users/kech.officer/reset-2fa', tok.admin)).json()).toMatchObject({ otpauthUri: expect.stringMatching(/^otpauth:/) });
    expect((await h.req('POST', '/api/users/kech.officer/unlock', tok.admin)).json()).toMatchObject({ locked: false });
    const actions = (await h.auditSince(seq)).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['admin.user_create', 'admin.scope_change', 'admin.user_disable', 'admin.user_enable', 'admin.second_factor_reset', 'auth.unlock']));
  });
});

describe('/api/audit', () => {
  it('401 / 403 for everyone but auditors / 400', async () => {
    expectProblem(await h.req('GET', '/api/audit'), 401);
    for (const w of ['admin', 'analyst'] as const) expectProblem(await h.req('GET', '/api/audit', tok[w]), 403);
    expect(expectProblem(await h.req('GET', '/api/audit?limit=0', tok.auditor), 400)['field']).toBe('querystring.limit');
    expectProblem(await h.req('GET', '/api/audit/verify', tok.admin), 403);
  });

  it('auditors read the trail (the read is recorded) and verify it against signed checkpoints', async () => {
    const size = await h.auditSize();
    const r = (await h.req('GET', `/api/audit?from=${size}&limit=5`, tok.auditor)).json() as { entries: { action: string; actor: string }[] };
    expect(r.entries[0]).toMatchObject({ action: 'audit.view', actor: h.ids['auditor'] });
    expect(String(expectProblem(await h.req('GET', '/api/audit/verify', tok.auditor), 409)['detail'])).toMatch(/init-keys/);
    const cps = join(dir, 'checkpoints');
    await initAuditSigningKeys(cps, join(dir, 'audit-signing.key'));
    await exportAuditCheckpoint(h.env.security, cps, join(dir, 'audit-signing.key'), { id: 'test', from: 'test' }, h.clock.now());
    const v = await h.req('GET', '/api/audit/verify', tok.auditor);
    expect(v.json()).toMatchObject({ ok: true, checkpoints: 1 });
    expect((await h.auditSince(size)).map((e) => e.action)).toContain('audit.verify');
  });
});
