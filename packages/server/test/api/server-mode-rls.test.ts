/**
 * Row-level security as the second layer under Cedar, per request, in server mode (real PostgreSQL,
 * the application role without BYPASSRLS): the authentication hook records each user's scope and
 * every store read made while serving the request runs under it (api/plugins/data-scope.ts,
 * store/request-scope.ts). Two apps on one database: one with the real policies, and one whose
 * Cedar policy permits everything, as if the policies or a route's filter had a bug. The second
 * must still return nothing outside the user's districts and clearance.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openServerMode, type ServerMode } from '../../src/api/server-mode.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import { PolicyEngine, type Role } from '../../src/security/policy-engine.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import type { Classification } from '@baseerat/engine';
import { report } from '../store/conformance.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const PASSWORD = 'correct horse battery staple 42';
const clock = { t: Date.parse('2026-01-05T08:00:00.000Z'), now: () => new Date(clock.t) };
const master = randomBytes(32);
const SCHEMA_TEXT = readFileSync(fileURLToPath(new URL('../../../../policies/schema.cedarschema', import.meta.url)), 'utf8');
/** The broken policy set: every principal may do everything to everything. */
const PERMIT_ALL = '@id("everything") permit (principal, action, resource);';

const at = (d: number) => new Date(Date.UTC(2024, 2, 1 + d, 10)).toISOString();
const ROWS: Report[] = [
  report({ sourceId: 'Q-U', district: 'Quetta', province: 'Balochistan', lat: 30.19, lon: 67.01, classification: 'UNCLASSIFIED', occurredAt: at(0), narrative: 'quetta open' }),
  report({ sourceId: 'Q-C', district: 'Quetta', province: 'Balochistan', lat: 30.2, lon: 67.0, classification: 'CONFIDENTIAL', occurredAt: at(1), narrative: 'quetta confidential' }),
  report({ sourceId: 'Q-S', district: 'Quetta', province: 'Balochistan', lat: 30.18, lon: 67.02, classification: 'SECRET', occurredAt: at(2), narrative: 'quetta secret' }),
  report({ agency: 'levies', sourceId: 'K-U', district: 'Kech', province: 'Balochistan', lat: 26.0, lon: 63.05, classification: 'UNCLASSIFIED', occurredAt: at(3), narrative: 'kech open' }),
  report({ agency: 'levies', sourceId: 'K-C', district: 'Kech', province: 'Balochistan', lat: 26.01, lon: 63.04, classification: 'CONFIDENTIAL', occurredAt: at(4), narrative: 'kech confidential' }),
  report({ agency: 'fc', sourceId: 'N-U', precision: 'unknown', classification: 'UNCLASSIFIED', occurredAt: at(5), narrative: 'nowhere' }),
];
const id = (sourceId: string) => incidentIdFor(sourceKey(ROWS.find((r) => r.source.sourceId === sourceId)!.source));
const ALL_IDS = ['Q-U', 'Q-C', 'Q-S', 'K-U', 'K-C', 'N-U'];

let db: TestDatabase;
let sm: ServerMode;
let real: FastifyInstance;
let broken: FastifyInstance;
const secrets = new Map<string, string>();
const USERS: { username: string; role: Role; clearance: Classification; districts?: string[] }[] = [
  { username: 'officer', role: 'district_officer', clearance: 'CONFIDENTIAL', districts: ['Quetta'] },
  { username: 'researcher', role: 'researcher', clearance: 'SECRET' },
  { username: 'analyst', role: 'analyst', clearance: 'SECRET' },
];

beforeAll(async () => {
  db = await createTestDatabase('baseerat_rls');
  sm = await openServerMode(db.appUrl, master, clock.now(), { schema: 'rls', maxConnections: 3, securityConnections: 2 });
  // system work, outside any request: the full scope
  await sm.store.writeBatch({ newIncidents: ROWS.map((r) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] })), attachments: [], quarantine: [] });
  for (const u of USERS) {
    const e = await sm.security.accounts.createUser({ ...u, password: PASSWORD }, { id: 'system', from: 'test' }, clock.now());
    secrets.set(u.username, e.totpSecret);
  }
  const base = { store: sm.store, geography: loadGeography(), now: clock.now, adapters: { 'rescue-1122': await loadMappingFile(MAPPING) } };
  real = await createApp({ ...base, security: sm.security });
  broken = await createApp({ ...base, security: { ...sm.security, policies: PolicyEngine.fromText(PERMIT_ALL, SCHEMA_TEXT) } });
}, 60_000);
afterAll(async () => {
  await real?.close();
  await broken?.close();
  await sm?.close();
  await db?.drop();
});

async function login(app: FastifyInstance, username: string): Promise<string> {
  clock.t += 31_000;
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD, totp: totp(base32Decode(secrets.get(username)!), clock.t) } });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  return (r.json() as { token: string }).token;
}
const get = (app: FastifyInstance, url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
async function listed(app: FastifyInstance, url: string, token: string): Promise<string[]> {
  const r = await get(app, url, token);
  expect(r.statusCode, r.body).toBe(200);
  return (r.json() as { items: { id: string }[] }).items.map((i) => i.id).sort();
}
const ids = (...s: string[]) => s.map(id).sort();

describe('server mode: row-level security per request, under Cedar', () => {
  it('the data are there: outside any request the store sees all six incidents', async () => {
    expect(await sm.store.countIncidents({})).toBe(6);
  });

  it('(a) real policies: a district officer gets only their district up to their clearance', async () => {
    const t = await login(real, 'officer');
    expect(await listed(real, '/api/incidents?limit=100', t)).toEqual(ids('Q-U', 'Q-C'));
    expect(await listed(real, '/api/incidents/points?limit=100', t)).toEqual(ids('Q-U', 'Q-C'));
    expect((await get(real, '/api/incidents?districts=Kech', t)).statusCode).toBe(403);
    expect((await get(real, `/api/incidents/${id('K-U')}`, t)).statusCode).toBe(404);
    expect((await get(real, `/api/incidents/${id('Q-C')}`, t)).statusCode).toBe(200);
    const stats = (await get(real, '/api/stats', t)).json() as { total: number; byDistrict: Record<string, number> };
    expect([stats.total, stats.byDistrict]).toEqual([2, { Quetta: 2 }]);
  });

  it('(b) Cedar defeated (permit everything): RLS alone keeps other districts and higher classifications out', async () => {
    const t = await login(broken, 'officer');
    // the broken policy lets the officer ask for Kech and raises the ceiling to SECRET: the store
    // filter the route builds now names Kech / SECRET, and only the row-level security stands between
    expect((await get(broken, '/api/incidents?districts=Kech', t)).statusCode).toBe(200);
    expect(await listed(broken, '/api/incidents?districts=Kech&limit=100', t)).toEqual([]);
    expect(await listed(broken, '/api/incidents?limit=100', t)).toEqual(ids('Q-U', 'Q-C'));
    expect(await listed(broken, '/api/incidents?maxClassification=SECRET&limit=100', t)).toEqual(ids('Q-U', 'Q-C'));
    expect(await listed(broken, '/api/incidents/points?districts=Kech,Quetta&limit=100', t)).toEqual(ids('Q-U', 'Q-C'));
    for (const other of ['K-U', 'K-C', 'Q-S', 'N-U']) expect((await get(broken, `/api/incidents/${id(other)}`, t)).statusCode, other).toBe(404);
    const one = await get(broken, `/api/incidents/${id('Q-C')}`, t);
    expect([one.statusCode, (one.json() as { narrative?: string }).narrative]).toEqual([200, 'quetta confidential']);
    const stats = (await get(broken, '/api/stats?districts=Kech,Quetta', t)).json() as { total: number; byDistrict: Record<string, number> };
    expect([stats.total, stats.byDistrict]).toEqual([2, { Quetta: 2 }]);
    const sources = (await get(broken, '/api/sources', t)).json() as { agencies: { agency: string; incidents: number }[] };
    expect(sources.agencies).toEqual([{ agency: 'police', incidents: 2 }]);
    // the ingest runs and quarantine need every district
    expect((await get(broken, '/api/sources/runs', t)).json()).toEqual({ runs: [] });
    expect(((await get(broken, '/api/quarantine?limit=10', t)).json() as { total: number }).total).toBe(0);
  });

  it('(b) control: the same broken filter run outside a request returns the rows RLS kept out', async () => {
    // what the broken route asked the store for, for the officer who asked for Kech
    const page = await sm.store.listIncidents({ districts: ['Kech'], maxClassification: 'SECRET' }, { offset: 0, limit: 100 });
    expect(page.items.map((i) => i.id).sort()).toEqual(ids('K-U', 'K-C'));
    // and through the broken app, a user whose own scope is everything does get them
    const a = await login(broken, 'analyst');
    expect(await listed(broken, '/api/incidents?districts=Kech&limit=100', a)).toEqual(ids('K-U', 'K-C'));
    expect(await listed(broken, '/api/incidents?limit=100', a)).toEqual(ALL_IDS.map(id).sort());
  });

  it('(b) a researcher, whatever clearance the account was given, gets only UNCLASSIFIED rows from the broken app', async () => {
    const t = await login(broken, 'researcher');
    expect(await listed(broken, '/api/incidents?limit=100', t)).toEqual(ids('Q-U', 'K-U', 'N-U'));
    expect((await get(broken, `/api/incidents/${id('Q-S')}`, t)).statusCode).toBe(404);
  });

  it('concurrent requests of different users through one process keep their own scopes', async () => {
    const [o, a, r] = [await login(broken, 'officer'), await login(broken, 'analyst'), await login(broken, 'researcher')];
    const want = new Map([[o, ids('Q-U', 'Q-C')], [a, ALL_IDS.map(id).sort()], [r, ids('Q-U', 'K-U', 'N-U')]]);
    const tokens = Array.from({ length: 30 }, (_, k) => [o, a, r][k % 3]!);
    const got = await Promise.all(tokens.map((t) => listed(broken, '/api/incidents?limit=100', t)));
    got.forEach((g, k) => expect(g).toEqual(want.get(tokens[k]!)));
  });

  it('a public route runs with no scope (sees nothing) and still answers; ingest by a low-clearance user works for the system', async () => {
    expect((await real.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    // an administrator (UNCLASSIFIED, allowed to ingest) feeds a record: writing needs the full scope and
    // the pipeline must see every stored key and link candidate, which the administrator's own scope does not
    const e = await sm.security.accounts.createUser({ username: 'admin2', password: PASSWORD, role: 'administrator', clearance: 'UNCLASSIFIED' }, { id: 'system', from: 'test' }, clock.now());
    secrets.set('admin2', e.totpSecret);
    const t = await login(real, 'admin2');
    const line = '{"call_id":"R-1","received":"2024-03-09T10:17:00+05:00","location":{"lat":30.181,"lon":67.012,"district":"Quetta"},"nature":"Blast","notes":"sent"}';
    const send = () => real.inject({ method: 'POST', url: '/api/ingest?format=rescue-1122', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/x-ndjson' }, payload: line });
    const first = await send();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await send()).json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await sm.store.countIncidents({})).toBe(7);
  });
});
