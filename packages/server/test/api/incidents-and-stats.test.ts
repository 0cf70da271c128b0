import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  h = await harness();
  for (const w of ['admin', 'analyst', 'lowanalyst', 'quetta', 'gwadar', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

type Item = { id: string; narrative?: string; withheld: string[]; location: { district?: string }; sources: { raw?: string }[] };
const ids = (items: Item[]) => items.map((i) => i.id).sort();

describe('GET /api/incidents', () => {
  it('401 without a session', async () => { expectProblem(await h.req('GET', '/api/incidents'), 401); });

  it('403 for roles with no incident access (administrator, auditor), audited as a denial', async () => {
    const seq = await h.auditSize();
    expect(expectProblem(await h.req('GET', '/api/incidents', tok.admin), 403)['code']).toBe('FORBIDDEN');
    expectProblem(await h.req('GET', '/api/incidents', tok.auditor), 403);
    const denials = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denials.map((e) => e.actor).sort()).toEqual([h.ids['admin'], h.ids['auditor']].sort());
  });

  it('400 names the field: bad category, unknown district, bad limit, unknown parameter', async () => {
    expect(expectProblem(await h.req('GET', '/api/incidents?categories=NOT.A.CODE', tok.analyst), 400)['field']).toMatch(/^querystring\.categories/);
    expect(expectProblem(await h.req('GET', '/api/incidents?districts=Atlantis', tok.analyst), 400)['field']).toBe('districts');
    expect(expectProblem(await h.req('GET', '/api/incidents?limit=100000', tok.analyst), 400)['field']).toBe('querystring.limit');
    expect(String(expectProblem(await h.req('GET', '/api/incidents?sort=x', tok.analyst), 400)['detail'])).toMatch(/sort/);
  });

  it('an analyst cleared to SECRET sees all five; narratives are read through the gate and audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', '/api/incidents', tok.analyst);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { items: Item[]; total: number };
    expect(ids(body.items)).toEqual(['inc_g1', 'inc_g2', 'inc_k1', 'inc_q1', 'inc_q2']);
    expect(body.total).toBe(5);
    expect(body.items.find((i) => i.id === 'inc_q2')?.narrative).toBe('informant named in quetta');
    // The list carries no raw source records.
    expect(body.items.every((i) => i.sources.every((s) => s.raw === undefined))).toBe(true);
    const reads = (await h.auditSince(seq)).filter((e) => e.action === 'data.read');
    expect(reads.map((e) => e.target).sort()).toEqual(['inc_g1', 'inc_g2', 'inc_k1', 'inc_q1', 'inc_q2']);
    expect(reads.every((e) => e.actor === h.ids['analyst'] && e.details?.['field'] === 'narrative')).toBe(true);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('clearance dominates classification: a RESTRICTED analyst sees only UNCLASSIFIED and RESTRICTED', async () => {
    const body = (await h.req('GET', '/api/incidents', tok.lowanalyst)).json() as { items: Item[]; total: number };
    expect(ids(body.items)).toEqual(['inc_g1', 'inc_g2', 'inc_q1']);
    expect(body.total).toBe(3);
  });

  it('a researcher sees only UNCLASSIFIED incidents and never a narrative (withheld, denial audited)', async () => {
    const seq = await h.auditSize();
    const body = (await h.req('GET', '/api/incidents', tok.researcher)).json() as { items: Item[] };
    expect(ids(body.items)).toEqual(['inc_g2', 'inc_q1']);
    expect(body.items.every((i) => i.narrative === undefined && i.withheld.includes('narrative'))).toBe(true);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.details?.['field'] === 'narrative')).toHaveLength(2);
  });

  it('a district officer sees only their district, by default and with filters; another district is 403 and audited', async () => {
    const q = (await h.req('GET', '/api/incidents', tok.quetta)).json() as { items: Item[]; total: number };
    expect(ids(q.items)).toEqual(['inc_q1', 'inc_q2']);
    expect(q.total).toBe(2);
    const g = (await h.req('GET', '/api/incidents?limit=1&offset=1', tok.gwadar)).json() as { items: Item[]; total: number };
    expect(g.total).toBe(2);
    expect(g.items).toHaveLength(1);
    expect(['inc_g1', 'inc_g2']).toContain(g.items[0]!.id);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', '/api/incidents?districts=Gwadar', tok.quetta), 403);
    expectProblem(await h.req('GET', '/api/incidents?districts=Quetta,Gwadar', tok.quetta), 403);
    const denials = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denials).toHaveLength(2);
    expect(denials.every((e) => e.actor === h.ids['quetta'] && e.target === 'district:Gwadar')).toBe(true);
    const own = (await h.req('GET', '/api/incidents?districts=quetta', tok.quetta)).json() as { items: Item[] };
    expect(ids(own.items)).toEqual(['inc_q1', 'inc_q2']);
  });

  it('filters: districts, maxClassification, time window, agencies', async () => {
    const get = async (qs: string) => ids(((await h.req('GET', `/api/incidents?${qs}`, tok.analyst)).json() as { items: Item[] }).items);
    expect(await get('districts=Gwadar')).toEqual(['inc_g1', 'inc_g2']);
    expect(await get('maxClassification=RESTRICTED')).toEqual(['inc_g1', 'inc_g2', 'inc_q1']);
    expect(await get('from=2024-03-02T00:00:00.000Z&to=2024-03-04T00:00:00.000Z')).toEqual(['inc_g1', 'inc_q2']);
    expect(await get('agencies=levies')).toEqual(['inc_g1', 'inc_k1']);
    // A RESTRICTED user asking for more than their clearance still gets only what they may see.
    const low = (await h.req('GET', '/api/incidents?maxClassification=SECRET', tok.lowanalyst)).json() as { items: Item[] };
    expect(ids(low.items)).toEqual(['inc_g1', 'inc_g2', 'inc_q1']);
  });
});

describe('GET /api/incidents/:id', () => {
  it('401 without a session; 400 names the id when it is too long (router or schema)', async () => {
    expectProblem(await h.req('GET', '/api/incidents/inc_q1'), 401);
    expect(expectProblem(await h.req('GET', `/api/incidents/${'x'.repeat(220)}`, tok.analyst), 400)['field']).toBe('params.id');
    const long = await h.req('GET', `/api/incidents/${'x'.repeat(300)}`, tok.analyst);
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(String(long.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(long.headers['x-content-type-options']).toBe('nosniff');
  });

  it('returns the incident with its raw source record; each sensitive read audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', '/api/incidents/inc_k1', tok.analyst);
    expect(r.statusCode).toBe(200);
    const inc = r.json() as Item;
    expect(inc.narrative).toBe('checkpoint attacked in kech');
    expect(inc.sources[0]!.raw).toBe('{"raw":"inc_k1"}');
    const reads = (await h.auditSince(seq)).filter((e) => e.action === 'data.read');
    expect(reads.map((e) => e.details?.['field']).sort()).toEqual(['narrative', 'raw']);
  });

  it("another district's incident, or one above the clearance, is 404 like a missing one, and the denial is audited", async () => {
    const seq = await h.auditSize();
    const other = expectProblem(await h.req('GET', '/api/incidents/inc_g1', tok.quetta), 404);
    const missing = expectProblem(await h.req('GET', '/api/incidents/inc_none', tok.quetta), 404);
    expect(String(other['detail']).replace('inc_g1', 'X')).toBe(String(missing['detail']).replace('inc_none', 'X'));
    expectProblem(await h.req('GET', '/api/incidents/inc_q2', tok.lowanalyst), 404);
    expectProblem(await h.req('GET', '/api/incidents/inc_q1', tok.admin), 404);
    const denials = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denials.map((e) => [e.actor, e.target])).toEqual([[h.ids['quetta'], 'inc_g1'], [h.ids['lowanalyst'], 'inc_q2'], [h.ids['admin'], 'inc_q1']]);
  });
});

describe('GET /api/stats and /api/sources', () => {
  it('401 / 403 / 400', async () => {
    expectProblem(await h.req('GET', '/api/stats'), 401);
    expectProblem(await h.req('GET', '/api/stats', tok.admin), 403);
    expectProblem(await h.req('GET', '/api/stats?districts=Gwadar', tok.quetta), 403);
    expect(expectProblem(await h.req('GET', '/api/stats?from=yesterday', tok.analyst), 400)['field']).toBe('querystring.from');
    expectProblem(await h.req('GET', '/api/sources'), 401);
    expectProblem(await h.req('GET', '/api/sources', tok.auditor), 403);
  });

  it('an analyst gets counts over everything, labelled with the highest classification and all districts', async () => {
    const s = (await h.req('GET', '/api/stats', tok.analyst)).json() as { total: number; byDistrict: Record<string, number>; label: { classification: string; districts: string[] } };
    expect(s.total).toBe(5);
    expect(s.byDistrict).toEqual({ Quetta: 2, Gwadar: 2, Kech: 1 });
    expect(s.label).toMatchObject({ classification: 'SECRET', districts: ['Gwadar', 'Kech', 'Quetta'] });
  });

  it("a district officer's statistics and sources are over their district only", async () => {
    const s = (await h.req('GET', '/api/stats', tok.gwadar)).json() as { total: number; byDistrict: Record<string, number>; byAgency: Record<string, number>; label: { classification: string; districts: string[] } };
    expect(s.total).toBe(2);
    expect(s.byDistrict).toEqual({ Gwadar: 2 });
    expect(s.label).toMatchObject({ classification: 'RESTRICTED', districts: ['Gwadar'] });
    const src = (await h.req('GET', '/api/sources', tok.gwadar)).json() as { agencies: { agency: string; incidents: number }[] };
    expect(src.agencies).toEqual([{ agency: 'levies', incidents: 1 }, { agency: 'police', incidents: 1 }]);
    const low = (await h.req('GET', '/api/stats', tok.lowanalyst)).json() as { total: number; label: { classification: string } };
    expect(low).toMatchObject({ total: 3, label: { classification: 'RESTRICTED' } });
  });

  it('ingest runs are for those who may ingest', async () => {
    expectProblem(await h.req('GET', '/api/sources/runs', tok.quetta), 403);
    const r = await h.req('GET', '/api/sources/runs', tok.analyst);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ runs: [] });
  });
});
