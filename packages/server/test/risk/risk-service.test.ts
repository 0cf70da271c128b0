/**
 * The risk services on the shipped UCDP data, ingested once into an in-memory store: the fitted
 * index against R glmnet/glm on the same design, the service equal to the engine run on the same
 * panel, the allocation service's plans, terrain layers, and `baseerat risk|allocate` through main.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { factorNames, firstFullOrigin, fitAreaRiskModel, riskFactorsAt, scoreAreaRisk } from '@baseerat/engine';
import { toCsv, unsafeJsonPaths, type AnalysisContext } from '../../src/analysis/index.js';
import { ingestOne } from '../../src/cli/services.js';
import { main } from '../../src/cli/main.js';
import { loadGeography } from '../../src/reference/geography.js';
import { allocationService, type AllocationResult } from '../../src/risk/allocation-service.js';
import { buildRiskInputs, riskService, type RiskResult } from '../../src/risk/risk-service.js';
import { distanceToLayerKm, parseTerrainLayer, pointsWithinKm, terrainFactor } from '../../src/risk/terrain-layers.js';
import { openStore, type Store } from '../../src/store/index.js';

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const design = JSON.parse(readFileSync(new URL('../fixtures/reference/risk-ucdp-design.json', import.meta.url), 'utf8')) as { x: number[]; y: number[]; n: number; p: number; factors: string[] };
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/risk-ridge-poisson-ucdp.json', import.meta.url), 'utf8')) as {
  means: number[]; sds: number[]; ridge: { lambda: number; intercept: number; coefficients: number[] }[]; glm: { intercept: number; coefficients: number[] };
};
const OPTS = { filter: { province: 'Balochistan', to: '2022-01-01' }, level: 'district' as const, period: 'half-year' as const, historyPeriods: 40 };
let store: Store;
let ctx: AnalysisContext;
beforeAll(async () => {
  store = await openStore(':memory:');
  await ingestOne(store, UCDP, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
  ctx = { store, geography: loadGeography() };
}, 60_000);
afterAll(async () => { await store.close(); });

describe('area risk index on UCDP Balochistan districts against R', () => {
  it('the design is the one the R reference was computed on (regression value of the factor code)', async () => {
    const { panel } = await buildRiskInputs(ctx, OPTS);
    expect(factorNames(panel)).toEqual(design.factors);
    const p = design.p;
    const rows: number[] = [];
    for (let t = firstFullOrigin(panel); t < panel.nPeriods; t++) rows.push(...riskFactorsAt(panel, t));
    expect(rows.length).toBe(design.n * p);
    rows.forEach((v, i) => expect(v).toBeCloseTo(design.x[i]!, 12));
  });

  it.each(ref.ridge.map((r) => [r.lambda, r] as const))('lambda %f: coefficients, intercept and standardisation match glmnet', async (_l, r) => {
    const { panel } = await buildRiskInputs(ctx, OPTS);
    const model = fitAreaRiskModel(panel, { lambda: r.lambda, thresholds: { severe: 1, high: 0.5, elevated: 0.25, shares: [0.5, 0.75, 0.9] } });
    expect(model.intercept).toBeCloseTo(r.intercept, 6);
    model.factors.forEach((f, j) => {
      expect(f.coefficient).toBeCloseTo(r.coefficients[j]!, 6);
      expect(f.mean).toBeCloseTo(ref.means[j]!, 12);
      expect(f.sd).toBeCloseTo(ref.sds[j]!, 12);
    });
  });

  it('lambda 0 matches glm', async () => {
    const { panel } = await buildRiskInputs(ctx, OPTS);
    const model = fitAreaRiskModel(panel, { lambda: 0, thresholds: { severe: 1, high: 0.5, elevated: 0.25, shares: [0.5, 0.75, 0.9] } });
    expect(model.intercept).toBeCloseTo(ref.glm.intercept, 7);
    model.factors.forEach((f, j) => expect(f.coefficient).toBeCloseTo(ref.glm.coefficients[j]!, 7));
  });
});

describe('riskService', () => {
  it('equals the engine fitted and scored on the same panel, JSON-safe, with the data mix', async () => {
    const env0 = await riskService(ctx, { ...OPTS, top: 34 });
    expect(unsafeJsonPaths(env0)).toEqual([]);
    const env = { ...env0, result: env0.result as unknown as RiskResult };
    const { panel } = await buildRiskInputs(ctx, OPTS);
    const model = fitAreaRiskModel(panel);
    const scores = scoreAreaRisk(model, panel, panel.nPeriods);
    expect(env.result.model.lambda).toBe(model.lambda);
    expect(env.result.top.map((t) => t.id)).toEqual(scores.map((s) => s.id));
    env.result.top.forEach((t, i) => expect(t.expected).toBeCloseTo(scores[i]!.expected, 12));
    expect(env.result.areas).toBe(34);
    expect(env.result.dataMix.unknown).toBeGreaterThan(500);
    expect(env.result.dataMix.public + env.result.dataMix.discovered).toBe(0);
    expect(env.caveats.map((c) => c.code)).toContain('REPORTING_MODE_UNKNOWN');
    expect(env.result.scoredPeriod.from).toBe('2021-12-31T19:00:00.000Z');
    expect(Object.values(env.result.bandCounts).reduce((a, b) => a + b, 0)).toBe(34);
    // Bands come from the engine (share scale by default) and never rise as the rank falls.
    expect(env.result.model.thresholds.scale).toBe('share');
    expect(env.result.top.map((t) => t.band)).toEqual(scores.map((s) => s.band));
    // Relative risk against the average area of the period: over all 34 districts each factor's
    // geometric mean is 1, and the ratio between two districts equals the ratio of their RRs.
    const names = env.result.top[0]!.factors.map((f) => f.name);
    names.forEach((_, j) => {
      const meanLog = env.result.top.reduce((s, t) => s + Math.log(t.factorsVsAverage[j]!.relativeRisk), 0) / 34;
      expect(meanLog).toBeCloseTo(0, 10);
      const [a, b] = [env.result.top[0]!, env.result.top[5]!];
      expect(a.factorsVsAverage[j]!.relativeRisk / b.factorsVsAverage[j]!.relativeRisk).toBeCloseTo(a.factors[j]!.relativeRisk / b.factors[j]!.relativeRisk, 9);
    });
  });

  it('per-capita rates use the census population', async () => {
    const env = { result: (await riskService(ctx, { ...OPTS, perCapita: true, top: 3 })).result as unknown as RiskResult };
    const pop = ctx.geography.population(env.result.top[0]!.id)!;
    expect(env.result.top[0]!.per100k).toBeCloseTo(env.result.top[0]!.expected / (pop / 100_000), 9);
  });

  it('H3 cells: areas are the cells whose centre lies in the districts in scope', async () => {
    const env0 = await riskService(ctx, { ...OPTS, level: 'h3', period: 'year', historyPeriods: 20, top: 5 });
    const env = { ...env0, result: env0.result as unknown as RiskResult };
    expect(env.result.areas).toBeGreaterThan(1000);
    for (const t of env.result.top) expect(ctx.geography.locate(t.lat, t.lon)?.province).toBe('Balochistan');
    expect(env.caveats.map((c) => c.code)).toContain('H3_AREAS');
  });
});

describe('allocationService', () => {
  it('greedy covers at least (1 - 1/e) of the exact optimum, never more; ratios and coverage probabilities add up', async () => {
    const env = await allocationService(ctx, { ...OPTS, units: 4, radiusKm: 150, unpredictability: 0.25 });
    const r = env.result as unknown as AllocationResult;
    expect(r.plans.greedy.sites).toHaveLength(4);
    expect(r.plans.exact!.provenOptimal).toBe(true);
    expect(r.plans.greedy.covered).toBeGreaterThanOrEqual((1 - 1 / Math.E) * r.plans.exact!.covered - 1e-9);
    expect(r.plans.greedy.covered).toBeLessThanOrEqual(r.plans.exact!.covered + 1e-9);
    expect(r.ratios.greedyOverProportional).toBeCloseTo(r.plans.greedy.covered / r.plans.proportional.covered, 12);
    expect(r.schedule.coverage.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(4, 9);
    expect(unsafeJsonPaths(env)).toEqual([]);
  });

  it('rejects rules that cannot be met, naming them', async () => {
    await expect(allocationService(ctx, { ...OPTS, units: 2, radiusKm: 50, mandatorySiteIds: ['Quetta'], excludedSiteIds: ['Quetta'] })).rejects.toThrow(/Quetta/);
  });
});

describe('terrain layers', () => {
  const layer = parseTerrainLayer({ name: 'road', measure: 'distance', radiusKm: 10 }, {
    type: 'FeatureCollection', features: [
      { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[67, 30], [68, 30]] } },
      { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [66, 25] } },
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[64, 27], [65, 27], [65, 28], [64, 28], [64, 27]]] } },
    ],
  });
  it('distance to the nearest point, segment or polygon (0 inside)', () => {
    // 0.1 degree of latitude north of the line: 11.12 km
    expect(distanceToLayerKm(layer, 30.1, 67.5)).toBeCloseTo(11.119, 2);
    expect(distanceToLayerKm(layer, 25, 66)).toBe(0);
    expect(distanceToLayerKm(layer, 27.5, 64.5)).toBe(0);
    // beyond the end of the segment: distance to the end point
    expect(distanceToLayerKm(layer, 30, 68.1)).toBeCloseTo(0.1 * 111.195 * Math.cos(30 * Math.PI / 180), 2);
    expect(pointsWithinKm(layer, 25.05, 66, 10)).toBe(1);
    expect(pointsWithinKm(layer, 25.2, 66, 10)).toBe(0);
    const f = terrainFactor(layer, [{ lat: 30.1, lon: 67.5 }]);
    expect(f.name).toBe('road_distance');
    expect(f.values[0]).toBeCloseTo(Math.log1p(11.119), 3);
  });
  it('rejects what is not GeoJSON, naming the layer and feature', () => {
    expect(() => parseTerrainLayer({ name: 'x', measure: 'distance', radiusKm: 10 }, { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Circle', coordinates: [1, 2] } }] })).toThrow(/layer x feature 0/);
    expect(() => parseTerrainLayer({ name: 'x', measure: 'distance', radiusKm: 10 }, { type: 'Point', coordinates: ['a', 2] })).toThrow(/position/);
  });
});

describe('baseerat risk and allocate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-risk-'));
  const db = join(dir, 'ucdp.duckdb');
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '', err = '';
    const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out += `${a.map(String).join(' ')}\n`; });
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += `${a.map(String).join(' ')}\n`; });
    try { return { code: await main(args), out, err }; } finally { w.mockRestore(); e.mockRestore(); log.mockRestore(); error.mockRestore(); }
  }
  beforeAll(async () => {
    const rows = parse(readFileSync(UCDP, 'utf8'), { relax_column_count: true }) as string[][];
    const adm1 = rows[0]!.indexOf('adm_1');
    const keep = rows.filter((r, i) => i === 0 || /baluchistan|balochistan/i.test(r[adm1] ?? ''));
    writeFileSync(join(dir, 'balochistan.csv'), toCsv(keep[0]!, keep.slice(1)));
    writeFileSync(join(dir, 'road.geojson'), JSON.stringify({ type: 'LineString', coordinates: [[66.99, 30.2], [66.6, 29], [66.6, 27.8], [65.9, 26.5], [67, 24.9]] }));
    writeFileSync(join(dir, 'patrol.json'), JSON.stringify({ Quetta: 0.5, Kech: 0.2 }));
    const r = await cli(['ingest', join(dir, 'balochistan.csv'), '-f', 'ucdp', '--db', db, '-q', '--received-at', '2026-01-01T00:00:00Z']);
    expect(r.code, r.err).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('risk --json prints the envelope with the terrain factor; the table names the bands and the data mix', async () => {
    const base = ['risk', '--db', db, '--province', 'Balochistan', '--to', '2022-01-01', '--period', 'half-year', '--layer', `n25=${join(dir, 'road.geojson')}`, '--patrol-share', join(dir, 'patrol.json')];
    const j = await cli([...base, '--json']);
    expect(j.code, j.err).toBe(0);
    const env = JSON.parse(j.out) as { analysis: string; result: { model: { factors: { name: string }[] }; feedbackLoopCorrection: boolean } };
    expect(env.analysis).toBe('risk');
    expect(env.result.model.factors.map((f) => f.name)).toEqual(['intensity', 'harm', 'trend', 'nearRepeat', 'n25_distance']);
    expect(env.result.feedbackLoopCorrection).toBe(true);
    const t = await cli(base);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/Data mix: 0 reported by the public, 0 discovered by patrols, \d+ unknown/);
    expect(t.out).toMatch(/severe = the top areas until \d+% of the half-year's expected total, high until \d+%/);
    expect(t.out).toMatch(/RR n25_distance/);
  });

  it('allocate prints the plans and the ratios; bad flags are errors naming the flag', async () => {
    const r = await cli(['allocate', '--db', db, '--province', 'Balochistan', '--to', '2022-01-01', '--period', 'half-year', '--units', '3', '--radius-km', '100']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Greedy \/ proportional = [\d.]+; greedy \/ uniform = [\d.]+/);
    expect(r.out).toMatch(/exact \(proven optimal\)/);
    const bad = await cli(['allocate', '--db', db, '--province', 'Balochistan', '--units', '0', '--radius-km', '10']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--units/);
  });
});
