import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { isPostgresUrl, openServerMode, type ServerMode } from '../../src/api/server-mode.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { AuditEntry } from '../../src/security/audit-log.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

// Two API "processes" (two server-mode contexts with their own pools and key rings, two apps) on one
// PostgreSQL database: what one stores, the other reads; a session made by one is honoured by the other.
const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const NDJSON = [
  '{"call_id":"R-1","received":"2024-03-01T10:17:00+05:00","location":{"lat":30.181,"lon":67.012,"district":"Quetta"},"nature":"Blast","casualties":{"injured":6,"dead":2},"notes":"ambulances sent"}',
  '{"call_id":"R-2","received":"2024-03-01T14:02","location":{"district":"Gwadar"},"nature":"road block","notes":"highway blocked"}',
  'this line is not json',
].join('\n');
const PASSWORD = 'correct horse battery staple 42';
const clock = { t: Date.parse('2026-01-05T08:00:00.000Z'), now: () => new Date(clock.t) };

let db: TestDatabase;
let sm: ServerMode[] = [];
let apps: FastifyInstance[] = [];
let secret = '';
const master = randomBytes(32);

beforeAll(async () => {
  db = await createTestDatabase('baseerat_srv');
  // both start at once on an empty database: migrations and the first data keys are made once
  sm = await Promise.all([0, 1].map(() => openServerMode(db.appUrl, master, clock.now(), { schema: 'srv', maxConnections: 2, securityConnections: 2 })));
  const adapters = { 'rescue-1122': await loadMappingFile(MAPPING) };
  apps = await Promise.all(sm.map((s) => createApp({ store: s.store, security: s.security, geography: loadGeography(), adapters, now: clock.now })));
  const e = await sm[0]!.security.accounts.createUser({ username: 'analyst', password: PASSWORD, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'test' }, clock.now());
  secret = e.totpSecret;
}, 60_000);
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const s of sm) await s.close();
  await db?.drop();
});

const req = (i: number, method: 'GET' | 'POST', url: string, token?: string, payload?: string, headers: Record<string, string> = {}) => apps[i]!.inject({
  method, url, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers }, ...(payload === undefined ? {} : { payload }),
});
async function login(i: number): Promise<string> {
  clock.t += 31_000;
  const r = await apps[i]!.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst', password: PASSWORD, totp: totp(base32Decode(secret), clock.t) } });
  if (r.statusCode !== 200) throw new Error(`login: ${r.statusCode} ${r.body}`);
  return (r.json() as { token: string }).token;
}
const audit = async (s: ServerMode): Promise<AuditEntry[]> => (await s.security.auditStore.read(0, 1e9)).map((r) => JSON.parse(r.entry) as AuditEntry);

describe('server mode: the API on PostgreSQL, stateless', () => {
  it('recognises postgres URLs', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('./data/baseerat.duckdb')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });

  it('made each data key once although two processes started together', async () => {
    const keys = (await db.admin('SELECT key_id, active FROM srv.sec_data_keys ORDER BY key_id')).rows;
    expect(keys).toEqual([{ key_id: 'accounts.v1', active: true }, { key_id: 'incidents.v1', active: true }]);
    expect((await db.admin('SELECT count(*)::int AS n FROM srv.security_migrations')).rows).toEqual([{ n: 1 }]);
  });

  it('logs in with TOTP on one process; the other honours the session; ingest on one, decrypted read on the other', async () => {
    const token = await login(0);
    const r = await req(0, 'POST', '/api/ingest?format=rescue-1122', token, NDJSON, { 'content-type': 'application/x-ndjson' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ rowsRead: 3, stored: 2, quarantined: 1, duplicates: 0 });
    const list = await req(1, 'GET', '/api/incidents?limit=10', token);
    expect(list.statusCode, list.body).toBe(200);
    const items = (list.json() as { items: { narrative?: string; location: { district?: string } }[] }).items;
    expect(items.map((i) => i.narrative).sort()).toEqual(['ambulances sent', 'highway blocked']);
    // at rest the narrative and the raw source record are ciphertext
    const rows = (await db.admin(`SELECT narrative FROM srv.incidents UNION ALL SELECT raw FROM srv.reports UNION ALL SELECT narrative FROM srv.reports`)).rows as { narrative: string | null }[];
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const x of rows) expect(x.narrative ?? '').not.toMatch(/ambulances|highway|call_id/);
    // idempotent through the other process
    const again = await req(1, 'POST', '/api/ingest?format=rescue-1122', token, NDJSON, { 'content-type': 'application/x-ndjson' });
    expect(again.json()).toMatchObject({ stored: 0, duplicates: 2 });
  });

  it('one audit trail for both processes: contiguous seqs, login, ingest and reads present', async () => {
    const a = await audit(sm[1]!);
    expect(a.map((e) => e.seq)).toEqual(a.map((_, i) => i));
    const actions = new Set(a.map((e) => e.action));
    for (const x of ['admin.user_create', 'auth.login', 'data.ingest', 'data.read']) expect(actions.has(x as AuditEntry['action']), x).toBe(true);
    expect(a.filter((e) => e.action === 'data.ingest')).toHaveLength(2);
  });

  it('a logout through one process ends the session on the other', async () => {
    const token = await login(1);
    expect((await req(0, 'GET', '/api/incidents?limit=1', token)).statusCode).toBe(200);
    const out = await req(0, 'POST', '/api/auth/logout', token);
    expect(out.statusCode, out.body).toBeLessThan(300);
    expect((await req(1, 'GET', '/api/incidents?limit=1', token)).statusCode).toBe(401);
  });

  it('a rotation through one process reaches the other: the unknown key triggers a reload, and then it reads', async () => {
    const token = await login(0);
    expect(await sm[0]!.security.keys.rotate('incidents', clock.now())).toBe('incidents.v2');
    const line = '{"call_id":"R-9","received":"2024-03-02T10:00","location":{"district":"Kech"},"nature":"Blast","notes":"written under v2"}';
    expect((await req(0, 'POST', '/api/ingest?format=rescue-1122', token, line, { 'content-type': 'application/x-ndjson' })).json()).toMatchObject({ stored: 1 });
    expect((await db.admin(`SELECT narrative FROM srv.incidents WHERE narrative LIKE 'v1:incidents.v2:%'`)).rows).toHaveLength(1);
    const read = () => sm[1]!.store.listIncidents({ districts: ['Kech'] }, { offset: 0, limit: 10 });
    await expect(read()).rejects.toThrow(/incidents\.v2/);
    await sm[1]!.refreshKeys();
    expect((await read()).items.map((i) => i.narrative)).toEqual(['written under v2']);
  });

  it('a third process opened later with the same master key reads what the first two wrote', async () => {
    const late = await openServerMode(db.appUrl, master, clock.now(), { schema: 'srv', maxConnections: 1, securityConnections: 1 });
    try {
      const page = await late.store.listIncidents({}, { offset: 0, limit: 10 });
      expect(page.items.map((i) => i.narrative).sort()).toEqual(['ambulances sent', 'highway blocked', 'written under v2']);
    } finally {
      await late.close();
    }
    await expect(openServerMode(db.appUrl, randomBytes(32), clock.now(), { schema: 'srv' })).rejects.toThrow();
  });
});
