/**
 * GET /api/risk and POST /api/allocation: authentication, role and region scope (Cedar), bad
 * input named by field, and the allowed answers on a seeded three-year history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification, Report } from '@baseerat/engine';
import { SeededRng } from '@baseerat/engine';
import { expectProblem, harness, type Harness, type Who } from '../api/api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};

const PLACES = [
  { district: 'Quetta', lat: 30.18, lon: 67.01, rate: 6 },
  { district: 'Kech', lat: 26.0, lon: 63.05, rate: 3 },
  { district: 'Gwadar', lat: 25.13, lon: 62.32, rate: 1.5 },
  { district: 'Mastung', lat: 29.8, lon: 66.84, rate: 1 },
  { district: 'Khuzdar', lat: 27.8, lon: 66.6, rate: 0.7 },
];
const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL'];

/** Three years of monthly incidents in five districts (seeded), some discovered by patrols. */
function history(): Report[] {
  const rng = new SeededRng('risk-api');
  const out: Report[] = [];
  let n = 0;
  for (let m = 0; m < 36; m++) {
    const y = 2021 + Math.floor(m / 12), mo = (m % 12) + 1;
    for (const p of PLACES) {
      const k = Math.floor(p.rate * (0.5 + rng.next()));
      for (let e = 0; e < k; e++) {
        n++;
        out.push({
          occurredAt: `${y}-${String(mo).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 27)).padStart(2, '0')}T10:00:00.000Z`, timePrecision: 'exact',
          location: { lat: p.lat + (rng.next() - 0.5) * 0.1, lon: p.lon + (rng.next() - 0.5) * 0.1, precision: 'exact', district: p.district, province: 'Balochistan' },
          category: 'TI.BOMB', severity: { killed: Math.floor(rng.next() * 3), injured: Math.floor(rng.next() * 4), abducted: 0 },
          classification: LEVELS[n % 3]!, reportingMode: n % 4 === 0 ? 'discovered' : 'public',
          source: { agency: 'police', sourceId: `hist_${n}`, receivedAt: '2024-01-20T00:00:00.000Z', format: 'test', raw: `{"n":${n}}` },
        });
      }
    }
  }
  return out;
}

beforeAll(async () => {
  h = await harness();
  const reports = history();
  await h.env.store.writeBatch({ newIncidents: reports.map((r, i) => ({ id: `inc_h${i}`, reports: [r], links: [] })), attachments: [], quarantine: [] });
  for (const w of ['admin', 'analyst', 'quetta', 'auditor', 'commander'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

const Q = 'province=Balochistan&to=2024-01-01T00:00:00.000Z&period=quarter';
interface RiskEnv {
  analysis: string; classification: string; filter: { districts?: string[] };
  result: { areas: number; top: { id: string; band: string; expected: number; factors: { name: string; contribution: number }[]; dataMix: { public: number; discovered: number } }[]; dataMix: { public: number; discovered: number; unknown: number }; model: { lambda: number; factors: { name: string }[] } };
}

describe('GET /api/risk', () => {
  it('401 without a session; 403 for administrator, auditor, and an officer asking for another district; 400 names the field', async () => {
    expectProblem(await h.req('GET', `/api/risk?${Q}`), 401);
    expectProblem(await h.req('GET', `/api/risk?${Q}`, tok.admin), 403);
    expectProblem(await h.req('GET', `/api/risk?${Q}`, tok.auditor), 403);
    expectProblem(await h.req('GET', `/api/risk?${Q}&districts=Kech`, tok.quetta), 403);
    expect(expectProblem(await h.req('GET', `/api/risk?${Q}&level=village`, tok.analyst), 400)['field']).toMatch(/level/);
    expect(expectProblem(await h.req('GET', `/api/risk?${Q}&period=week`, tok.analyst), 400)['field']).toMatch(/period/);
  });

  it('an analyst gets ranked districts with factor contributions, bands and the data mix; audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('GET', `/api/risk?${Q}&top=5`, tok.analyst);
    expect(r.statusCode).toBe(200);
    const env = r.json() as RiskEnv;
    expect(env.analysis).toBe('risk');
    expect(env.classification).toBe('CONFIDENTIAL');
    expect(env.result.top[0]!.id).toBe('Quetta');
    expect(env.result.top.length).toBe(5);
    expect(env.result.top[0]!.factors.map((f) => f.name)).toEqual(['intensity', 'harm', 'trend', 'nearRepeat']);
    expect(env.result.dataMix.discovered).toBeGreaterThan(0);
    expect(env.result.dataMix.public).toBeGreaterThan(env.result.dataMix.discovered);
    expect(['severe', 'high']).toContain(env.result.top[0]!.band);
    expect(await h.auditSince(seq)).toContainEqual(expect.objectContaining({ action: 'analysis.run', actor: h.ids['analyst'], target: 'risk' }));
  });

  it("a district officer's index covers only their district", async () => {
    const r = await h.req('GET', `/api/risk?${Q}`, tok.quetta);
    expect(r.statusCode).toBe(200);
    const env = r.json() as RiskEnv;
    expect(env.filter.districts).toEqual(['Quetta']);
    expect(env.result.areas).toBe(1);
    expect(env.result.top.map((t) => t.id)).toEqual(['Quetta']);
  });

  it('too little history is a 422 problem', async () => {
    const r = await h.req('GET', '/api/risk?province=Balochistan&from=2023-07-01T00:00:00.000Z&to=2024-01-01T00:00:00.000Z&period=quarter', tok.analyst);
    expect(expectProblem(r, 422)['code']).toBe('INSUFFICIENT_DATA');
  });
});

describe('POST /api/allocation', () => {
  const body = { filter: { province: 'Balochistan', to: '2024-01-01T00:00:00.000Z' }, period: 'quarter', units: 2, radiusKm: 50 };

  it('401 / 403 / 400', async () => {
    expectProblem(await h.req('POST', '/api/allocation', undefined, body), 401);
    expectProblem(await h.req('POST', '/api/allocation', tok.admin, body), 403);
    expect(expectProblem(await h.req('POST', '/api/allocation', tok.commander, { ...body, units: 0 }), 400)['field']).toMatch(/units/);
    expect(expectProblem(await h.req('POST', '/api/allocation', tok.commander, { ...body, colour: 'red' }), 400)['detail']).toMatch(/colour|unrecognized/i);
  });

  it('a commander gets the greedy plan, the naive plans, the ratios and coverage probabilities', async () => {
    const r = await h.req('POST', '/api/allocation', tok.commander, { ...body, unpredictability: 0.5 });
    expect(r.statusCode).toBe(200);
    const res = (r.json() as { result: { plans: { greedy: { sites: { id: string }[]; covered: number }; exact?: { covered: number; provenOptimal: boolean }; proportional: { covered: number } }; ratios: { greedyOverProportional: number }; schedule: { coverage: { probability: number }[] }; dataMix: { discovered: number } } }).result;
    expect(res.plans.greedy.sites.map((s) => s.id)).toContain('Quetta');
    expect(res.plans.exact!.provenOptimal).toBe(true);
    expect(res.plans.greedy.covered).toBeLessThanOrEqual(res.plans.exact!.covered + 1e-9);
    expect(res.plans.greedy.covered).toBeGreaterThanOrEqual(res.plans.proportional.covered - 1e-9);
    expect(res.schedule.coverage.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(2, 9);
    expect(res.dataMix.discovered).toBeGreaterThan(0);
  });

  it('patrol dosage turns the feedback-loop correction on', async () => {
    const r = await h.req('POST', '/api/allocation', tok.commander, { ...body, patrolShare: { Quetta: 0.6, Kech: 0.2 } });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { result: { feedbackLoopCorrection: boolean } }).result.feedbackLoopCorrection).toBe(true);
    expect(expectProblem(await h.req('POST', '/api/allocation', tok.commander, { ...body, patrolShare: { Atlantis: 0.5 } }), 400)['field']).toBe('patrolShare');
  });
});

describe('server terrain layers (serve --risk-layers)', () => {
  it('a layer directory becomes a factor of GET /api/risk', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadTerrainLayerDir } = await import('../../src/risk/terrain-layers.js');
    const dir = mkdtempSync(join(tmpdir(), 'baseerat-layers-'));
    try {
      writeFileSync(join(dir, 'N25 road.geojson'), JSON.stringify({ type: 'LineString', coordinates: [[66.99, 30.2], [66.6, 29], [65.9, 26.5], [67, 24.9]] }));
      writeFileSync(join(dir, 'checkpoints.density-20.geojson'), JSON.stringify({ type: 'MultiPoint', coordinates: [[67.0, 30.2], [63.0, 26.0]] }));
      const layers = loadTerrainLayerDir(dir);
      expect(layers.map((l) => `${l.spec.name}:${l.spec.measure}`)).toEqual(['n25_road:distance', 'checkpoints:density']); // file names in byte order
      const h2 = await harness({ riskLayers: layers });
      try {
        await h2.env.store.writeBatch({ newIncidents: history().map((r, i) => ({ id: `inc_l${i}`, reports: [r], links: [] })), attachments: [], quarantine: [] });
        const t = await h2.login('analyst');
        const r = await h2.req('GET', `/api/risk?${Q}`, t);
        expect(r.statusCode, r.body).toBe(200);
        expect((r.json() as RiskEnv).result.model.factors.map((f) => f.name)).toEqual(['intensity', 'harm', 'trend', 'nearRepeat', 'n25_road_distance', 'checkpoints_density']);
      } finally { await h2.close(); }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 60_000);
});
