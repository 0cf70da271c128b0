import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  h = await harness();
  for (const w of ['admin', 'analyst', 'quetta', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

// The harness's incidents are all in March 2024: origin 2025-06 leaves 15 months of history.
const Q = 'origin=2025-06&horizon=2';
interface Forecast {
  classification: string; model: string; origin: string;
  horizons: { horizon: number; period: string; model: string; selection?: { chosen: string; statement: string; candidates: { model: string }[] }; districts: { district: string; mean: number; probabilities: number[]; tailProbability: number; interval90: number[] }[] }[];
  modelCard: { model: string; data: { incidentsUsed: number; districts: number } };
  caveats: { code: string }[];
}

describe('GET /api/forecasts/counts', () => {
  it('401 without a session; 403 for the administrator and auditor, and for an officer asking for another district; 400 names the field', async () => {
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}`), 401);
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}`, tok.admin), 403);
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}`, tok.auditor), 403);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}&districts=Kech`, tok.quetta), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.actor === h.ids['quetta'])).toHaveLength(1);
    expect(expectProblem(await h.req('GET', '/api/forecasts/counts?origin=June', tok.analyst), 400)['field']).toMatch(/^querystring\.origin/);
    expect(expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}&horizon=4`, tok.analyst), 400)['field']).toMatch(/^querystring\.horizon/);
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}&model=magic`, tok.analyst), 400);
    expectProblem(await h.req('GET', `/api/forecasts/counts?${Q}&colour=red`, tok.analyst), 400);
  });

  it('an analyst gets every Balochistan district, two horizons, distributions that sum to 1, the default model and its card', async () => {
    const r = await h.req('GET', `/api/forecasts/counts?${Q}`, tok.analyst);
    expect(r.statusCode).toBe(200);
    const f = r.json() as Forecast;
    expect(f.model).toBe('backtest-selected');
    // the model shown and why: the response keeps each horizon's chosen model and the choice's scores
    for (const x of f.horizons) {
      expect(x.model).toBe(x.selection!.chosen);
      expect(x.selection!.candidates.map((c) => c.model)).toContain('last-value-poisson');
      expect(x.selection!.statement).toContain(`Model for ${x.period}: ${x.model}`);
    }
    expect(f.classification).toBe('SECRET');
    expect(f.horizons.map((x) => x.period)).toEqual(['2025-06', '2025-07']);
    expect(f.horizons[0]!.districts).toHaveLength(34);
    expect(f.modelCard.data.incidentsUsed).toBe(5);
    for (const d of f.horizons[0]!.districts) {
      expect(Math.abs(d.probabilities.reduce((a, b) => a + b, 0) + d.tailProbability - 1)).toBeLessThan(1e-9);
    }
    // every incident is in March 2024: on the months before 2025-06 "none, as last month" was never wrong, so it is shown
    expect(f.horizons[0]!.model).toBe('last-value-poisson');
    // the recent-rate model, asked for by name, still ranks Quetta (with incidents) above Zhob (none)
    const rr = (await h.req('GET', `/api/forecasts/counts?${Q}&model=recent-rate-gamma-poisson`, tok.analyst)).json() as Forecast;
    expect(rr.horizons[0]!.model).toBe('recent-rate-gamma-poisson');
    const quetta = rr.horizons[0]!.districts.find((d) => d.district === 'Quetta')!;
    const zhob = rr.horizons[0]!.districts.find((d) => d.district === 'Zhob')!;
    expect(quetta.mean).toBeGreaterThan(zhob.mean);
    // the damped-trend model, asked for by name, keeps its fitted parameters in the answer
    const dt = (await h.req('GET', `/api/forecasts/counts?${Q}&model=damped-trend-negbin`, tok.analyst)).json() as Forecast & { horizons: { dampedTrend?: Record<string, unknown> }[] };
    expect(dt.horizons[0]!.model).toBe('damped-trend-negbin');
    expect(Object.keys(dt.horizons[0]!.dampedTrend ?? {}).length).toBeGreaterThan(0);
  });

  it("a district officer's forecast reads and shows only their district, at most their clearance; audited", async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', `/api/forecasts/counts?${Q}`, tok.quetta);
    expect(r.statusCode).toBe(200);
    const f = r.json() as Forecast;
    expect(f.horizons[0]!.districts.map((d) => d.district)).toEqual(['Quetta']);
    expect(f.modelCard.data).toMatchObject({ incidentsUsed: 2, districts: 1 });
    expect(f.classification).toBe('SECRET');
    expect(await h.auditSince(seq)).toContainEqual(expect.objectContaining({ action: 'analysis.run', actor: h.ids['quetta'], target: 'forecast:counts' }));
  });

  it('a researcher reads only UNCLASSIFIED incidents', async () => {
    const f = (await h.req('GET', `/api/forecasts/counts?${Q}`, tok.researcher)).json() as Forecast;
    expect(f.classification).toBe('UNCLASSIFIED');
    expect(f.modelCard.data.incidentsUsed).toBe(2);
  });

  it('too little history before the origin is a 422 problem, not a 500', async () => {
    const r = await h.req('GET', '/api/forecasts/counts?origin=2024-06', tok.analyst);
    expect(expectProblem(r, 422)['code']).toBe('INSUFFICIENT_DATA');
  });
});

describe('GET /api/analyses/{emerging-hotspots,near-repeat,actors}', () => {
  const WINDOW = 'from=2024-03-01T00:00:00.000Z&to=2024-04-01T00:00:00.000Z';
  it('401 without a session, 403 for the auditor, and an officer asking for another district', async () => {
    for (const name of ['emerging-hotspots', 'near-repeat', 'actors']) {
      expectProblem(await h.req('GET', `/api/analyses/${name}?${WINDOW}`), 401);
      expectProblem(await h.req('GET', `/api/analyses/${name}?${WINDOW}`, tok.auditor), 403);
      expectProblem(await h.req('GET', `/api/analyses/${name}?${WINDOW}&districts=Gwadar`, tok.quetta), 403);
    }
  });

  it('actors: the officer reads their 2 Quetta incidents only; audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', `/api/analyses/actors?${WINDOW}`, tok.quetta);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ analysis: 'actors', incidentsRead: 2, classification: 'SECRET', filter: { districts: ['Quetta'] } });
    expect(await h.auditSince(seq)).toContainEqual(expect.objectContaining({ action: 'analysis.run', actor: h.ids['quetta'], target: 'actors' }));
  });

  it("near repeat: the analyst's 5 incidents are tested; the officer's 2 are too few, a 422 problem", async () => {
    const seq = await h.auditSize();
    const a = await h.req('GET', `/api/analyses/near-repeat?${WINDOW}`, tok.analyst);
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ analysis: 'near-repeat', incidentsRead: 5, classification: 'SECRET', parameters: { permutations: 999 } });
    expect(await h.auditSince(seq)).toContainEqual(expect.objectContaining({ action: 'analysis.run', actor: h.ids['analyst'], target: 'near-repeat' }));
    const q = await h.req('GET', `/api/analyses/near-repeat?${WINDOW}`, tok.quetta);
    expect(expectProblem(q, 422)['code']).toBe('INSUFFICIENT_DATA');
  });

  it('emerging hot spots over the default window: the analyst reads all 5 incidents, the researcher the UNCLASSIFIED ones', async () => {
    const a = await h.req('GET', '/api/analyses/emerging-hotspots', tok.analyst);
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ analysis: 'emerging', incidentsRead: 5, classification: 'SECRET' });
    const r = await h.req('GET', '/api/analyses/emerging-hotspots', tok.researcher);
    expect(r.json()).toMatchObject({ analysis: 'emerging', incidentsRead: 2, classification: 'UNCLASSIFIED' });
  });
});
