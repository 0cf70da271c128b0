/**
 * The per-request data-scope frame (api/plugins/data-scope.ts) over real HTTP: the scope set by an
 * onRequest hook reaches the handler also after a request body was read from the socket (whose
 * events run outside the request's asynchronous context), concurrent requests keep their own, and
 * a request whose scope was never set runs under NO_DATA. The store side is tested against
 * PostgreSQL in test/store/postgres.test.ts and test/api/server-mode-rls.test.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataScopeOf, registerDataScope, setRequestDataScope } from '../../src/api/plugins/data-scope.js';
import { NO_DATA, asSystem, currentDataScope, intersectScopes } from '../../src/store/request-scope.js';

let app: FastifyInstance;
let base = '';

beforeAll(async () => {
  app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  registerDataScope(app);
  // stands in for the authentication hook: async, sets the scope after an await
  app.addHook('onRequest', async (req) => {
    await new Promise((r) => setTimeout(r, 1));
    const d = req.headers['x-district'];
    if (typeof d === 'string') setRequestDataScope(req, { districts: [d], maxClassification: 'CONFIDENTIAL' });
  });
  const answer = async (body: unknown) => {
    await new Promise((r) => setImmediate(r));
    const inside = currentDataScope();
    const system = await asSystem(async () => { await Promise.resolve(); return currentDataScope(); });
    return { inside, system, after: currentDataScope(), size: Array.isArray(body) ? body.length : 0 };
  };
  app.post('/echo', async (req) => answer(req.body));
  app.get('/echo', async () => answer(undefined));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => { await app?.close(); });

const call = async (method: 'GET' | 'POST', district?: string, items = 0) => {
  const r = await fetch(`${base}/echo`, {
    method,
    headers: { ...(district === undefined ? {} : { 'x-district': district }), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify(Array.from({ length: items }, (_, i) => ({ i, pad: 'x'.repeat(40) }))) } : {}),
  });
  expect(r.status).toBe(200);
  return r.json() as Promise<{ inside: unknown; system: unknown; after: unknown; size: number }>;
};

describe('per-request data scope (AsyncLocalStorage frame)', () => {
  it('the handler of a GET sees the scope the hook set; asSystem switches to system work and back', async () => {
    const r = await call('GET', 'Quetta');
    expect(r.inside).toEqual({ kind: 'request', scope: { districts: ['Quetta'], maxClassification: 'CONFIDENTIAL' } });
    expect(r.system).toEqual({ kind: 'system' });
    expect(r.after).toEqual(r.inside);
  });

  it('a POST whose body (about 1 MB, many socket chunks) was read before the handler keeps the scope', async () => {
    const r = await call('POST', 'Kech', 20_000);
    expect(r.size).toBe(20_000);
    expect(r.inside).toEqual({ kind: 'request', scope: { districts: ['Kech'], maxClassification: 'CONFIDENTIAL' } });
  });

  it('a request whose scope was never set runs under NO_DATA (fail closed)', async () => {
    expect((await call('POST', undefined, 10)).inside).toEqual({ kind: 'request', scope: NO_DATA });
    expect((await call('GET')).inside).toEqual({ kind: 'request', scope: NO_DATA });
  });

  it('concurrent requests keep their own scopes', async () => {
    const ds = Array.from({ length: 40 }, (_, k) => ['Quetta', 'Kech', 'Gwadar', undefined][k % 4]);
    const rs = await Promise.all(ds.map((d, k) => call(k % 2 === 0 ? 'POST' : 'GET', d, 2000)));
    rs.forEach((r, k) => {
      const d = ds[k];
      expect(r.inside).toEqual({ kind: 'request', scope: d === undefined ? NO_DATA : { districts: [d], maxClassification: 'CONFIDENTIAL' } });
    });
    // and nothing leaks out to the test's own context
    expect(currentDataScope()).toEqual({ kind: 'outside' });
  });

  it("dataScopeOf: a principal's own attributes, the researcher capped at UNCLASSIFIED, inactive sees nothing", () => {
    expect(dataScopeOf({ role: 'district_officer', clearance: 'CONFIDENTIAL', districts: ['Quetta', 'Pishin'], active: true }))
      .toEqual({ districts: ['Quetta', 'Pishin'], maxClassification: 'CONFIDENTIAL' });
    expect(dataScopeOf({ role: 'analyst', clearance: 'SECRET', districts: null, active: true })).toEqual({ districts: 'all', maxClassification: 'SECRET' });
    expect(dataScopeOf({ role: 'researcher', clearance: 'SECRET', districts: null, active: true })).toEqual({ districts: 'all', maxClassification: 'UNCLASSIFIED' });
    expect(dataScopeOf({ role: 'analyst', clearance: 'SECRET', districts: null, active: false })).toEqual(NO_DATA);
  });

  it('intersectScopes keeps the common districts and the lower ceiling', () => {
    expect(intersectScopes({ districts: 'all', maxClassification: 'SECRET' }, { districts: ['Kech'], maxClassification: 'RESTRICTED' }))
      .toEqual({ districts: ['Kech'], maxClassification: 'RESTRICTED' });
    expect(intersectScopes({ districts: ['Kech', 'Quetta'], maxClassification: 'UNCLASSIFIED' }, { districts: ['Quetta', 'Gwadar'], maxClassification: 'SECRET' }))
      .toEqual({ districts: ['Quetta'], maxClassification: 'UNCLASSIFIED' });
    expect(intersectScopes({ districts: ['Kech'], maxClassification: 'SECRET' }, { districts: 'all', maxClassification: 'SECRET' })).toEqual({ districts: ['Kech'], maxClassification: 'SECRET' });
  });
});
