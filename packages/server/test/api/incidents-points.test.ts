import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  h = await harness();
  for (const w of ['admin', 'analyst', 'lowanalyst', 'commander', 'quetta', 'gwadar', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

type Point = { id: string; lon: number; lat: number; category: string; occurredAt: string };
type Points = { items: Point[]; total: number; limit: number };
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

describe('GET /api/incidents/points', () => {
  it('401 without a session', async () => { expectProblem(await h.req('GET', '/api/incidents/points'), 401); });

  it('403 for roles with no incident access (administrator, auditor), audited as a denial', async () => {
    const seq = await h.auditSize();
    expect(expectProblem(await h.req('GET', '/api/incidents/points', tok.admin), 403)['code']).toBe('FORBIDDEN');
    expectProblem(await h.req('GET', '/api/incidents/points', tok.auditor), 403);
    const denials = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denials.map((e) => e.actor).sort()).toEqual([h.ids['admin'], h.ids['auditor']].sort());
  });

  it('400 names the field: bad limit, bad category, unknown district, unknown parameter', async () => {
    expect(expectProblem(await h.req('GET', '/api/incidents/points?limit=5001', tok.analyst), 400)['field']).toBe('querystring.limit');
    expect(expectProblem(await h.req('GET', '/api/incidents/points?limit=0', tok.analyst), 400)['field']).toBe('querystring.limit');
    expect(expectProblem(await h.req('GET', '/api/incidents/points?categories=NOT.A.CODE', tok.analyst), 400)['field']).toMatch(/^querystring\.categories/);
    expect(expectProblem(await h.req('GET', '/api/incidents/points?districts=Atlantis', tok.analyst), 400)['field']).toBe('districts');
    expect(String(expectProblem(await h.req('GET', '/api/incidents/points?offset=3', tok.analyst), 400)['detail'])).toMatch(/offset/);
  });

  it('an analyst cleared to SECRET gets all five as points: id, position, category, time and nothing else', async () => {
    const r = await h.req('GET', '/api/incidents/points', tok.analyst);
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const body = r.json() as Points;
    expect(ids(body.items)).toEqual(['inc_g1', 'inc_g2', 'inc_k1', 'inc_q1', 'inc_q2']);
    expect(body.total).toBe(5);
    expect(body.limit).toBe(500);
    const q1 = body.items.find((p) => p.id === 'inc_q1');
    expect(q1).toEqual({ id: 'inc_q1', lon: 67.01, lat: 30.18, category: 'TI.BOMB', occurredAt: '2024-03-01T10:00:00.000Z' });
    for (const p of body.items) expect(Object.keys(p).sort()).toEqual(['category', 'id', 'lat', 'lon', 'occurredAt']);
    expect(r.body).not.toMatch(/informant|narrative|raw/);
    // the most recent first
    expect(body.items.map((p) => p.occurredAt)).toEqual([...body.items.map((p) => p.occurredAt)].sort().reverse());
  });

  it('a district officer gets only their district, and a district outside it is refused (audited)', async () => {
    const q = (await h.req('GET', '/api/incidents/points', tok.quetta)).json() as Points;
    expect(ids(q.items)).toEqual(['inc_q1', 'inc_q2']);
    expect(q.total).toBe(2);
    const g = (await h.req('GET', '/api/incidents/points?districts=gwadar', tok.gwadar)).json() as Points;
    expect(ids(g.items)).toEqual(['inc_g1', 'inc_g2']);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', '/api/incidents/points?districts=Gwadar', tok.quetta), 403);
    expect((await h.auditSince(seq)).some((e) => e.action === 'authz.denied' && e.actor === h.ids['quetta'] && e.target === 'district:Gwadar')).toBe(true);
  });

  it('classification: a RESTRICTED analyst and a researcher get only what they may view', async () => {
    expect(ids(((await h.req('GET', '/api/incidents/points', tok.lowanalyst)).json() as Points).items)).toEqual(['inc_g1', 'inc_g2', 'inc_q1']);
    expect(ids(((await h.req('GET', '/api/incidents/points', tok.researcher)).json() as Points).items)).toEqual(['inc_g2', 'inc_q1']);
    expect(ids(((await h.req('GET', '/api/incidents/points?maxClassification=UNCLASSIFIED', tok.analyst)).json() as Points).items)).toEqual(['inc_g2', 'inc_q1']);
  });

  it('for every role and filter, the points are exactly the incidents /api/incidents lets the user see (scope in the query = the policy per record)', async () => {
    const queries = ['', '?districts=Quetta', '?districts=Gwadar,Kech', '?from=2024-03-02T00:00:00.000Z&to=2024-03-05T00:00:00.000Z', '?categories=TI.BOMB', '?maxClassification=RESTRICTED'];
    let compared = 0;
    for (const who of ['analyst', 'lowanalyst', 'commander', 'quetta', 'gwadar', 'researcher'] as const) {
      for (const q of queries) {
        const full = await h.req('GET', `/api/incidents${q}`, tok[who]);
        const points = await h.req('GET', `/api/incidents/points${q}`, tok[who]);
        expect(points.statusCode, `${who} ${q}`).toBe(full.statusCode);
        if (full.statusCode !== 200) continue;
        const f = full.json() as { items: { id: string }[]; total: number };
        const p = points.json() as Points;
        expect(ids(p.items), `${who} ${q}`).toEqual(ids(f.items));
        expect(p.total, `${who} ${q}`).toBe(f.total);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('limit caps the points, total still counts every match; the detail route still decides the record', async () => {
    const body = (await h.req('GET', '/api/incidents/points?limit=2', tok.analyst)).json() as Points;
    // the two most recent of the five (seeded on March 1..5 in SEED order)
    expect(body.items.map((p) => p.id)).toEqual(['inc_k1', 'inc_g2']);
    expect(body.total).toBe(5);
    expect(body.limit).toBe(2);
    expect((await h.req('GET', '/api/incidents/inc_q2', tok.quetta)).statusCode).toBe(200);
    expectProblem(await h.req('GET', '/api/incidents/inc_g1', tok.quetta), 404);
  });
});
