import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  h = await harness();
  for (const w of ['admin', 'analyst', 'quetta', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

const WINDOW = 'from=2024-03-01T00:00:00.000Z&to=2024-04-01T00:00:00.000Z';
type Env = { analysis: string; classification: string; incidentsRead: number; filter: { districts?: string[]; maxClassification?: string } };

describe('GET /api/analyses/*', () => {
  it('401 / 403 (administrator, auditor; officer asking for another district) / 400 names the field', async () => {
    expectProblem(await h.req('GET', `/api/analyses/seasonality?${WINDOW}`), 401);
    expectProblem(await h.req('GET', `/api/analyses/seasonality?${WINDOW}`, tok.admin), 403);
    expectProblem(await h.req('GET', `/api/analyses/trends?${WINDOW}`, tok.auditor), 403);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', `/api/analyses/seasonality?${WINDOW}&districts=Kech`, tok.quetta), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.actor === h.ids['quetta'])).toHaveLength(1);
    expect(expectProblem(await h.req('GET', '/api/analyses/seasonality?groups=weather', tok.analyst), 400)['field']).toMatch(/^querystring\.groups/);
  });

  it("a district officer's analysis reads only their district, at most their clearance; audited", async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', `/api/analyses/seasonality?${WINDOW}`, tok.quetta);
    expect(r.statusCode).toBe(200);
    const env = r.json() as Env;
    expect(env.analysis).toBe('seasonality');
    expect(env.incidentsRead).toBe(2);
    expect(env.filter.districts).toEqual(['Quetta']);
    expect(env.classification).toBe('SECRET');
    expect((await h.auditSince(seq))).toContainEqual(expect.objectContaining({ action: 'analysis.run', actor: h.ids['quetta'], target: 'seasonality' }));
  });

  it('an analyst reads everything; a researcher only UNCLASSIFIED incidents', async () => {
    const a = (await h.req('GET', `/api/analyses/seasonality?${WINDOW}`, tok.analyst)).json() as Env;
    expect(a.incidentsRead).toBe(5);
    expect(a.classification).toBe('SECRET');
    const r = (await h.req('GET', `/api/analyses/seasonality?${WINDOW}`, tok.researcher)).json() as Env;
    expect(r.incidentsRead).toBe(2);
    expect(r.classification).toBe('UNCLASSIFIED');
    expect(r.filter.maxClassification).toBe('UNCLASSIFIED');
  });

  it('trends and hotspots go through the same scope: the officer reads their 2 Quetta incidents only', async () => {
    for (const name of ['trends', 'hotspots']) {
      const r = await h.req('GET', `/api/analyses/${name}?${WINDOW}`, tok.quetta);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ analysis: name, incidentsRead: 2, filter: { districts: ['Quetta'] } });
    }
  });

  it('an empty window is a 422 problem, not a 500', async () => {
    const r = await h.req('GET', '/api/analyses/seasonality?districts=Quetta&from=2030-01-01T00:00:00.000Z', tok.analyst);
    expect(expectProblem(r, 422)['code']).toBe('INSUFFICIENT_DATA');
  });
});
