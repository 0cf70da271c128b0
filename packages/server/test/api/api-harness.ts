/**
 * Test harness: the real app on an in-memory DuckDB, with the real security (Cedar policies,
 * argon2id, TOTP, audit log) on the same instance, a controllable clock, seeded incidents in three
 * districts at several classifications, and one account per role.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Classification, Report } from '@baseerat/engine';
import { createApp, type ApiDeps } from '../../src/api/index.js';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { NewUser } from '../../src/security/account-service.js';
import type { AuditEntry } from '../../src/security/audit-log.js';
import { base32Decode, totp } from '../../src/security/totp.js';

export const PASSWORD = 'correct horse battery staple 42';

export interface SeedIncident { id: string; district: string; classification: Classification; narrative: string; agency: string }

/** Quetta x2 (UNCLASSIFIED, SECRET), Gwadar x2 (RESTRICTED, UNCLASSIFIED), Kech x1 (CONFIDENTIAL). */
export const SEED: SeedIncident[] = [
  { id: 'inc_q1', district: 'Quetta', classification: 'UNCLASSIFIED', narrative: 'market blast, quetta', agency: 'police' },
  { id: 'inc_q2', district: 'Quetta', classification: 'SECRET', narrative: 'informant named in quetta', agency: 'ctd' },
  { id: 'inc_g1', district: 'Gwadar', classification: 'RESTRICTED', narrative: 'port road blocked', agency: 'levies' },
  { id: 'inc_g2', district: 'Gwadar', classification: 'UNCLASSIFIED', narrative: 'fishermen protest', agency: 'police' },
  { id: 'inc_k1', district: 'Kech', classification: 'CONFIDENTIAL', narrative: 'checkpoint attacked in kech', agency: 'levies' },
];

export const USERS: Record<string, Omit<NewUser, 'password'>> = {
  admin: { username: 'admin', role: 'administrator', clearance: 'UNCLASSIFIED' },
  analyst: { username: 'analyst', role: 'analyst', clearance: 'SECRET' },
  lowanalyst: { username: 'lowanalyst', role: 'analyst', clearance: 'RESTRICTED' },
  commander: { username: 'commander', role: 'commander', clearance: 'SECRET' },
  quetta: { username: 'quetta', role: 'district_officer', clearance: 'SECRET', districts: ['Quetta'] },
  gwadar: { username: 'gwadar', role: 'district_officer', clearance: 'SECRET', districts: ['Gwadar'] },
  researcher: { username: 'researcher', role: 'researcher', clearance: 'SECRET' },
  auditor: { username: 'auditor', role: 'auditor', clearance: 'UNCLASSIFIED' },
};
export type Who = keyof typeof USERS;

function report(s: SeedIncident, day: number): Report {
  const lat = s.district === 'Quetta' ? 30.18 : s.district === 'Gwadar' ? 25.13 : 26.0;
  const lon = s.district === 'Quetta' ? 67.01 : s.district === 'Gwadar' ? 62.32 : 63.05;
  return {
    occurredAt: `2024-03-${String(day).padStart(2, '0')}T10:00:00.000Z`, timePrecision: 'exact',
    location: { lat, lon, precision: 'exact', district: s.district, province: 'Balochistan' },
    category: 'TI.BOMB', severity: { killed: 1, injured: 2, abducted: 0 }, narrative: s.narrative,
    classification: s.classification, reportingMode: 'public',
    source: { agency: s.agency, sourceId: s.id, receivedAt: '2024-03-20T00:00:00.000Z', format: 'test', raw: `{"raw":"${s.id}"}` },
  };
}

export interface Harness {
  app: FastifyInstance;
  env: Embedded;
  clock: { t: number; now: () => Date; advance: (ms: number) => void };
  secrets: Record<string, string>;
  ids: Record<string, string>;
  /** Logs in (advancing the clock 31 s so each TOTP code is fresh) and returns the session token. */
  login(who: Who): Promise<string>;
  req(method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Audit entries appended since `fromSeq`. */
  auditSince(fromSeq: number): Promise<AuditEntry[]>;
  auditSize(): Promise<number>;
  close(): Promise<void>;
}

/** `extra`: more API dependencies, or a function of the opened store and security that returns them. */
export async function harness(extra: Partial<ApiDeps> | ((env: Embedded) => Partial<ApiDeps>) = {}): Promise<Harness> {
  const clock = {
    t: Date.parse('2026-01-05T08:00:00.000Z'),
    now: () => new Date(clock.t),
    advance: (ms: number) => { clock.t += ms; },
  };
  const env = await openEmbedded(':memory:', randomBytes(32), clock.now());
  await env.store.writeBatch({
    newIncidents: SEED.map((s, i) => ({ id: s.id, reports: [report(s, i + 1)], links: [] })),
    attachments: [],
    quarantine: [{ runId: 'run_seed', agency: 'levies', origin: 'levies.csv', line: 7, raw: 'secret,row,text', reasons: [{ field: 'occurredAt', value: '31/02/2024', message: 'not a date' }] }],
  });
  const secrets: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const [k, u] of Object.entries(USERS)) {
    const e = await env.security.accounts.createUser({ ...u, password: PASSWORD }, { id: 'system', from: 'test' }, clock.now());
    secrets[k] = e.totpSecret;
    ids[k] = e.user.id;
  }
  const app = await createApp({ store: env.store, security: env.security, keys: env.security.keys, geography: loadGeography(), now: clock.now, ...(typeof extra === 'function' ? extra(env) : extra) });
  const req: Harness['req'] = (method, url, token, body, headers = {}) => app.inject({
    method, url,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
  });
  return {
    app, env, clock, secrets, ids, req,
    async login(who) {
      clock.advance(31_000);
      const code = totp(base32Decode(secrets[who]!), clock.t);
      const r = await req('POST', '/api/auth/login', undefined, { username: USERS[who]!.username, password: PASSWORD, totp: code });
      if (r.statusCode !== 200) throw new Error(`login ${who}: ${r.statusCode} ${r.body}`);
      return (r.json() as { token: string }).token;
    },
    async auditSince(fromSeq) {
      const rows = await env.security.auditStore.read(fromSeq, 1e9);
      return rows.map((r) => JSON.parse(r.entry) as AuditEntry);
    },
    auditSize: () => env.security.auditStore.size(),
    async close() { await app.close(); await env.close(); },
  };
}

export function expectProblem(r: LightMyRequestResponse, status: number): Record<string, unknown> {
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  if (!String(r.headers['content-type']).startsWith('application/problem+json')) throw new Error(`not problem+json: ${String(r.headers['content-type'])}`);
  const p = r.json() as Record<string, unknown>;
  if (p['status'] !== status || typeof p['detail'] !== 'string' || typeof p['type'] !== 'string') throw new Error(`bad problem body ${r.body}`);
  return p;
}
