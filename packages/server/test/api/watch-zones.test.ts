import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertHub } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

const ZONES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [66.99, 30.18] }, properties: { id: 'cantt', name: 'Quetta cantonment', radius_km: 10 } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[66.9, 30.2], [66.6, 29.0]] }, properties: { id: 'n25', name: 'N25', buffer_km: 5 } },
  ],
};
const RULES = [{ kind: 'category', id: 'in-zone', severity: 'high', categories: ['TI.BOMB'], zoneIds: ['cantt', 'n25'] }];

let h: Harness;
let bare: Harness;
let db: DuckDBInstance;
let repo: DuckDBAlertRepository;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  repo = await DuckDBAlertRepository.open(db);
  const monitor = new LiveMonitor({ ruleSet: ruleSetFrom(RULES, ZONES), repository: repo, hub: new AlertHub() });
  h = await harness({ monitor });
  bare = await harness();
  for (const w of ['admin', 'analyst', 'lowanalyst', 'quetta', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); await bare.close(); repo.close(); db.closeSync(); });

describe('GET /api/watch-zones', () => {
  it('401 without a session; 403 for roles that do not act on alerts, audited', async () => {
    expectProblem(await h.req('GET', '/api/watch-zones'), 401);
    const seq = await h.auditSize();
    for (const w of ['researcher', 'auditor', 'admin'] as const) expectProblem(await h.req('GET', '/api/watch-zones', tok[w]), 403);
    const denied = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.target === 'watch-zones');
    expect(denied).toHaveLength(3);
    expectProblem(await h.req('GET', '/api/watch-zones?x=1', tok.analyst), 400);
  });

  it('analysts and district officers get the zones as GeoJSON: the radius zone as its circle, the corridor as its line', async () => {
    for (const w of ['analyst', 'lowanalyst', 'quetta'] as const) {
      const r = await h.req('GET', '/api/watch-zones', tok[w]);
      expect(r.statusCode, w).toBe(200);
      const fc = r.json() as { type: string; features: { geometry: { type: string; coordinates: unknown[] }; properties: { id: string; kind: string; radiusKm?: number; bufferKm?: number } }[] };
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.map((f) => [f.properties.id, f.properties.kind, f.geometry.type])).toEqual([['cantt', 'radius', 'Polygon'], ['n25', 'corridor', 'MultiLineString']]);
      expect(fc.features[0]!.properties.radiusKm).toBe(10);
      expect(fc.features[1]!.properties.bufferKm).toBe(5);
      expect((fc.features[0]!.geometry.coordinates[0] as unknown[]).length).toBe(65);
    }
  });

  it('404 when the server runs no live monitor', async () => {
    const t = await bare.login('analyst');
    expectProblem(await bare.req('GET', '/api/watch-zones', t), 404);
  });
});
