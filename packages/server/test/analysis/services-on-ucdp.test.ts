/**
 * The analysis services wired to the real store and geography, on the shipped UCDP GED Pakistan data
 * (ingested once into an in-memory store). Each service's `result` must equal the engine analysis
 * run directly on the same columns with the same options: the service adds wiring (filters, windows,
 * classification, districts of cells, GeoJSON), never a second implementation.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { cellToLatLng, gridDisk } from 'h3-js';
import {
  actorProfiles, aggregate, analyseEmergingHotspots, analyseHotspots, buildSpaceTimeCube, changeByDistrict, compareWindows, countSeries, coveredCountSeries, feedCoverage,
  LOCATION_PRECISIONS, nearRepeat, seasonality, trendTest, type CellGrid,
} from '@baseerat/engine';
import {
  actorsService, aggregateCsv, aggregateGeoJSON, aggregateService, emergingGeoJSON, emergingHotspotsService, hotspotEngineOptions, hotspotsGeoJSON,
  hotspotsService, jsonSafe, nearRepeatEngineOptions, nearRepeatService, parseAnalysisTime, seasonalityService, stepEdgesFor, trendsService,
  unsafeJsonPaths, type AnalysisContext, type FeatureCollection, type PolygonFeature,
} from '../../src/analysis/index.js';
import { ingestOne } from '../../src/cli/services.js';
import { loadDistrictsGeoJSON, loadGeography } from '../../src/reference/geography.js';
import { openStore, type IncidentColumns, type IncidentFilter, type Store } from '../../src/store/index.js';

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const geography = loadGeography();
let store: Store;
let ctx: AnalysisContext;
const BAL: IncidentFilter = { provinces: ['Balochistan'] };
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

beforeAll(async () => {
  store = await openStore(':memory:');
  await ingestOne(store, UCDP, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
  ctx = { store, geography };
});
afterAll(async () => { await store.close(); });

function expectJsonSafe(env: unknown): void {
  expect(unsafeJsonPaths(env)).toEqual([]);
  expect(JSON.parse(JSON.stringify(env))).toEqual(env);
}

function expectValidCells(fc: FeatureCollection<PolygonFeature<unknown>>, n: number): void {
  expect(fc.type).toBe('FeatureCollection');
  expect(fc.features).toHaveLength(n);
  for (const f of fc.features) {
    expect(f.geometry.type).toBe('Polygon');
    const ring = f.geometry.coordinates[0]!;
    expect(ring.length).toBeGreaterThanOrEqual(4);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lon, lat] of ring) {
      // [lon, lat] order: Pakistan lies within lon 60-78 E, lat 23-38 N, so a swap cannot pass.
      expect(lon).toBeGreaterThan(59); expect(lon).toBeLessThan(79);
      expect(lat).toBeGreaterThan(22); expect(lat).toBeLessThan(39);
    }
  }
}

describe('hotspotsService', () => {
  it('equals analyseHotspots on the same columns, names cell districts, and draws valid polygons', async () => {
    const env = await hotspotsService(ctx, { filter: { province: 'Balochistan' }, moran: true, permutations: 99 });
    const cols = await store.readColumns(BAL);
    expect(env.incidentsRead).toBe(cols.length);
    expect(env.result).toEqual(jsonSafe(analyseHotspots(cols, hotspotEngineOptions(cols, { moran: true, permutations: 99 }))));
    expect(env.classification).toBe('UNCLASSIFIED');
    expect(env.parameters).toMatchObject({ grid: { kind: 'h3', resolution: 5 }, neighbours: { kind: 'kring', k: 1 }, statistics: ['giStar', 'localMoran'], includeNear: true, measure: 'count' });
    expectJsonSafe(env);
    // the district of a cell is the 2023 district containing its centre
    for (const c of env.annotations.topHot) {
      const [lat, lon] = cellToLatLng(c.id);
      expect(c.district).toBe(geography.locate(lat, lon)?.district ?? geography.locateWithin(lat, lon, 10)?.district ?? null);
      expect(c.giBinFdr).toBeGreaterThan(0);
      const around = new Set(gridDisk(c.id, 1));
      expect(c.neighbourhoodCount).toBe(env.result.cells.filter((x) => around.has(x.id)).reduce((s, x) => s + (x.count ?? 0), 0));
    }
    // the cell holding most incidents (Quetta city) is among the FDR hot spots
    const busiest = [...env.result.cells].sort((a, b) => (b.count ?? 0) - (a.count ?? 0))[0]!;
    expect(busiest.giBinFdr).toBe(3);
    expect(env.annotations.districtOfCell[busiest.id]).toBe('Quetta');
    expectValidCells(hotspotsGeoJSON(env), env.result.cells.length);
  });

  it('reports the events known only to a district or province, counted from the columns', async () => {
    const env = await hotspotsService(ctx, { filter: { province: 'Balochistan' }, resolution: 7 });
    const cols = await store.readColumns(BAL);
    let coarse = 0;
    for (let i = 0; i < cols.length; i++) {
      const p = LOCATION_PRECISIONS[cols.locationPrecision[i]!];
      if (p === 'district' || p === 'province') coarse++;
    }
    expect(coarse).toBeGreaterThan(0);
    expect(env.caveats.find((c) => c.code === 'SKIPPED_COARSE_LOCATION')?.count).toBe(coarse);
    expect(env.result.summary.skipped.coarsePrecision).toBe(coarse);
  });

  it('draws square-grid cells and harm-weighted values', async () => {
    const env = await hotspotsService(ctx, { filter: { province: 'Balochistan' }, squareMetres: 20000, measure: 'harm' });
    const cols = await store.readColumns(BAL);
    expect(env.result).toEqual(jsonSafe(analyseHotspots(cols, hotspotEngineOptions(cols, { squareMetres: 20000, measure: 'harm' }))));
    expect(env.parameters.measure).toBe('value');
    expect(env.result.cells.some((c) => (c.value ?? 0) > (c.count ?? 0))).toBe(true);
    expectValidCells(hotspotsGeoJSON(env), env.result.cells.length);
  });
});

describe('filters', () => {
  it('district, group, category and time filters reach the store', async () => {
    const q = await aggregateService(ctx, { filter: { province: 'Baluchistan', districts: ['quetta'] }, period: 'none' });
    expect(q.filter.districts).toEqual(['Quetta']);
    expect(q.filter.province).toBe('Balochistan');
    expect(q.incidentsRead).toBe(await store.countIncidents({ districts: ['Quetta'], provinces: ['Balochistan'] }));
    expect(q.result.rows.map((r) => r.area)).toEqual(['Quetta']);

    const g = await aggregateService(ctx, { filter: { province: 'Balochistan', categories: ['ti.civilians'] }, period: 'none' });
    expect(g.incidentsRead).toBe(await store.countIncidents({ provinces: ['Balochistan'], categories: ['TI.CIVILIANS'] }));
    expect(g.incidentsRead).toBeGreaterThan(0);
    const grp = await aggregateService(ctx, { filter: { province: 'Balochistan', groups: ['terrorism'] }, period: 'none' });
    expect(grp.incidentsRead).toBe(await store.countIncidents({ provinces: ['Balochistan'], groups: ['terrorism'] }));

    const t = await aggregateService(ctx, { filter: { province: 'Balochistan', from: '2012-01-01', to: '2013-01-01' }, period: 'none' });
    expect(t.filter.from).toBe('2011-12-31T19:00:00.000Z'); // midnight in Pakistan
    expect(t.incidentsRead).toBe(await store.countIncidents({ provinces: ['Balochistan'], from: '2011-12-31T19:00:00.000Z', to: '2012-12-31T19:00:00.000Z' }));
  });

  it('rejects unknown names with the field named', async () => {
    await expect(hotspotsService(ctx, { filter: { province: 'Atlantis' } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'province' });
    await expect(hotspotsService(ctx, { filter: { categories: ['TI.NOPE'] } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'category' });
    await expect(hotspotsService(ctx, { filter: { groups: ['weather'] } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'group' });
    await expect(hotspotsService(ctx, { filter: { maxClassification: 'TOP' } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'maxClassification' });
    await expect(hotspotsService(ctx, { filter: { from: '2021-02-30' } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'from' });
  });
});

describe('classification', () => {
  /** The real store with one incident's classification raised: the envelope must carry it. */
  function raised(level: number, seen: IncidentFilter[]): Store {
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'readColumns') {
          return async (f: IncidentFilter): Promise<IncidentColumns> => {
            seen.push(f);
            const cols = await target.readColumns(f);
            if (cols.length > 0) cols.classification[cols.length - 1] = level;
            return cols;
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  it('is the highest classification of the incidents read, and maxClassification reaches the store', async () => {
    const seen: IncidentFilter[] = [];
    const c2 = { store: raised(3, seen), geography };
    // three years keep it quick; the last incident read is the one raised
    const filter = { province: 'Balochistan', maxClassification: 'secret', from: '2019-01-01', to: '2022-01-01' };
    expect((await hotspotsService(c2, { filter })).classification).toBe('SECRET');
    expect((await aggregateService(c2, { filter })).classification).toBe('SECRET');
    expect((await seasonalityService(c2, { filter })).classification).toBe('SECRET');
    expect((await nearRepeatService(c2, { filter, permutations: 99 })).classification).toBe('SECRET');
    expect((await trendsService(c2, { filter, seriesMonths: 12 })).classification).toBe('SECRET');
    expect((await actorsService(c2, { filter })).classification).toBe('SECRET');
    expect((await emergingHotspotsService(c2, { filter })).classification).toBe('SECRET');
    expect(seen.length).toBeGreaterThanOrEqual(7);
    for (const f of seen) expect(f.maxClassification).toBe('SECRET');
    const c1 = { store: raised(1, []), geography };
    expect((await aggregateService(c1, { filter: { province: 'Balochistan' } })).classification).toBe('RESTRICTED');
  });
});

describe('trendsService', () => {
  it('equals the engine comparisons, per-district BH and Mann-Kendall on the same columns', async () => {
    const env = await trendsService(ctx, { filter: { province: 'Balochistan', from: '2021-01-01', to: '2022-01-01' }, seriesMonths: 24 });
    const w = env.annotations.window;
    // a calendar year is compared with the calendar year before (Pakistan time), not 365 days before
    expect(w.previousFrom).toBe(iso(parseAnalysisTime('2020-01-01', 'from')));
    expect(w.seriesFrom).toBe(iso(parseAnalysisTime('2020-01-01', 'from')));
    const from = ms(w.from), to = ms(w.to), previousFrom = ms(w.previousFrom);
    const cols = await store.readColumns({ ...BAL, from: iso(Math.min(previousFrom, ms(w.lastYearFrom), ms(w.seriesFrom))), to: w.to });
    expect(env.incidentsRead).toBe(cols.length);
    // the feeds' coverage as the ingest run recorded it (UCDP: one run, 1989 to 2021)
    const coverage = feedCoverage((await store.listCoverage()).map((r) => ({ feed: r.agency, first: Date.parse(r.coveredFrom), last: Date.parse(r.coveredTo) }))).all;
    expect(coverage).toHaveLength(1);
    expect(env.annotations.coverageKnown).toBe(true);
    expect(env.result.comparison).toEqual(jsonSafe(compareWindows(cols, { from, to, previousFrom, coverage })));
    expect(env.result.byDistrict).toEqual(jsonSafe(changeByDistrict(cols, { from, to, previousFrom, coverage })));
    const series = countSeries(cols, { from: ms(w.seriesFrom), to, period: 'month' });
    // covered throughout: the same counts as the plain series, with every day covered
    expect(env.result.series).toEqual(jsonSafe({ ...series, coveredDays: series.days }));
    expect(env.result.series).toEqual(jsonSafe(coveredCountSeries(cols, { from: ms(w.seriesFrom), to, period: 'month', coverage })));
    expect(env.result.series.keys).toHaveLength(24);
    expect(env.result.trend).toEqual(jsonSafe(trendTest(series.counts, { unit: 'month' })));
    expect(env.annotations.sentences.previous).toBe(env.result.comparison.previous!.summary);
    expectJsonSafe(env);
  });

  it('defaults to the calendar month holding the latest incident', async () => {
    const env = await trendsService(ctx, { filter: { province: 'Balochistan' } });
    const cols = await store.readColumns(BAL);
    let last = -Infinity;
    for (const t of cols.time) last = Math.max(last, t);
    const w = env.annotations.window;
    expect(w.chosen).toBe('default');
    expect(ms(w.from)).toBeLessThanOrEqual(last);
    expect(ms(w.to)).toBeGreaterThan(last);
    expect(w.from).toBe(iso(parseAnalysisTime(new Date(last + 5 * 3600e3).toISOString().slice(0, 7), 'from')));
    expect(env.result.series.keys).toHaveLength(36);
  });
});

describe('seasonalityService', () => {
  it('equals seasonality() over the local days of the data and says the hour profile is empty', async () => {
    const env = await seasonalityService(ctx, { filter: { province: 'Balochistan' } });
    const cols = await store.readColumns(BAL);
    const w = env.annotations.window;
    expect(env.result).toEqual(jsonSafe(seasonality(cols, { from: ms(w.from), to: ms(w.to) })));
    expect(env.result.hour.test).toBeNull(); // UCDP gives dates, not times
    expect(env.result.weekday.events).toBeGreaterThan(600);
    expectJsonSafe(env);
  });
});

describe('emergingHotspotsService', () => {
  it('monthly: equals the engine cube + emerging analysis; polygons are valid', async () => {
    const env = await emergingHotspotsService(ctx, { filter: { province: 'Balochistan', from: '2019-01-01', to: '2022-01-01' } });
    const grid: CellGrid = { kind: 'h3', resolution: 5 };
    const edges = stepEdgesFor('month', parseAnalysisTime('2019-01-01', 'from'), parseAnalysisTime('2022-01-01', 'to'));
    expect(edges).toHaveLength(37);
    const cols = await store.readColumns({ ...BAL, from: iso(edges[0]!), to: iso(edges[36]!) });
    const cube = buildSpaceTimeCube(cols, { grid, stepEdges: edges, neighbours: { kind: 'kring', k: 1 }, includeNear: true });
    expect(env.result).toEqual(jsonSafe(analyseEmergingHotspots(cube, { grid, neighbours: { kind: 'kring', k: 1 }, timeLag: 1, alpha: 0.05 })));
    expect(env.annotations.steps[0]).toBe('2019-01');
    expect(env.annotations.steps[35]).toBe('2021-12');
    expect(env.annotations.cube.nInCube).toBe(cube.nInCube);
    expectJsonSafe(env);
    expectValidCells(emergingGeoJSON(env), env.result.cells.length);
  });

  it('weekly: ISO-week steps starting on Mondays (Pakistan time)', async () => {
    const env = await emergingHotspotsService(ctx, { filter: { province: 'Balochistan', from: '2021-01-04', to: '2021-07-05' }, period: 'week' });
    expect(env.result.summary.nSteps).toBe(26);
    expect(env.annotations.steps[0]).toBe('2021-W01');
    expect(env.annotations.window.from).toBe('2021-01-03T19:00:00.000Z');
  });
});

describe('nearRepeatService', () => {
  it('equals nearRepeat() with the default bands, exact positions only', async () => {
    const env = await nearRepeatService(ctx, { filter: { province: 'Balochistan' }, permutations: 199 });
    const cols = await store.readColumns(BAL);
    expect(env.result).toEqual(jsonSafe(nearRepeat(cols, nearRepeatEngineOptions({ permutations: 199 }))));
    expect(env.parameters).toEqual({ spaceBandsMetres: [1000, 5000, 10000, 25000], timeBandsDays: [7, 14, 30, 60], precision: 'exact', permutations: 199, seed: 1, alpha: 0.05 });
    expect(env.result.spaceLabels).toHaveLength(6); // same location, 4 bands to 25 km, beyond
    expect(env.result.timeLabels).toHaveLength(5);
    let usable = 0;
    for (let i = 0; i < cols.length; i++) if (cols.locationPrecision[i] === 0 && cols.timePrecision[i]! <= 1 && Number.isFinite(cols.time[i]!)) usable++;
    expect(env.result.events).toBe(usable);
    expectJsonSafe(env);
  });

  it('reports progress around and during the permutations', async () => {
    const events: string[] = [];
    await nearRepeatService({ ...ctx, onProgress: (e) => events.push(e.phase === 'progress' ? `${e.done}/${e.total}` : e.phase) }, { filter: { province: 'Balochistan', from: '2020-01-01' }, permutations: 99 });
    expect(events).toEqual(['start', ...Array.from({ length: 99 }, (_, i) => `${i + 1}/99`), 'done']);
  });
});

describe('actorsService', () => {
  it('equals actorProfiles() over the default year against the year before', async () => {
    const env = await actorsService(ctx, { filter: { province: 'Balochistan' } });
    const w = env.annotations.window;
    expect(w.from).toBe(iso(parseAnalysisTime('2021-01-01', 'from')));
    expect(w.previousFrom).toBe(iso(parseAnalysisTime('2020-01-01', 'from')));
    const cols = await store.readColumns({ ...BAL, from: w.previousFrom, to: w.to });
    expect(env.result).toEqual(jsonSafe(actorProfiles(cols, { from: ms(w.from), to: ms(w.to), previousFrom: ms(w.previousFrom) })));
    expectJsonSafe(env);
  });
});

describe('aggregateService', () => {
  it('equals aggregate() with census populations; district totals, GeoJSON join and CSV agree', async () => {
    const env = await aggregateService(ctx, { filter: { province: 'Balochistan' } });
    const cols = await store.readColumns(BAL);
    const population: Record<string, number> = {};
    for (const n of cols.districtNames) { const p = geography.population(n); if (p !== undefined && p > 0) population[n] = p; }
    expect(env.result).toEqual(jsonSafe(aggregate(cols, { space: { kind: 'district' }, period: 'month', population })));
    const totals = env.annotations.districtTotals;
    expect(totals.reduce((s, t) => s + (t.count ?? 0), 0)).toBe(env.result.totals.count);
    const quetta = totals.find((t) => t.district === 'Quetta')!;
    expect(quetta.population).toBe(geography.population('Quetta'));
    expect(quetta.countPer100k).toBeCloseTo(((quetta.count ?? 0) / (quetta.population ?? 1)) * 1e5, 9);
    expectJsonSafe(env);

    const districts = loadDistrictsGeoJSON('Balochistan');
    const fc = aggregateGeoJSON(env, districts, geography);
    expect(fc.features).toHaveLength(districts.features.length);
    const sum = fc.features.reduce((s, f) => s + (f.properties['count'] as number), 0);
    expect(sum).toBe(env.result.totals.count); // every counted district is a shipped Balochistan polygon
    expect(fc.features.find((f) => f.properties['name'] === 'Quetta')?.properties['count']).toBe(quetta.count);
    for (const f of fc.features) {
      const pop = geography.population(f.properties['name'] as string);
      expect(f.properties['population'] ?? null).toBe(pop ?? null);
      if (pop === undefined) expect(f.properties['countPer100k']).toBeNull();
    }

    const csv = aggregateCsv(env).trimEnd().split('\r\n');
    expect(csv).toHaveLength(env.result.rows.length + 1);
    expect(csv[0]).toBe('area,period,group,count,killed,injured,abducted,harm,countPer100k,harmPer100k');
  });

  it('H3 cells without periods sum to the binned totals', async () => {
    const env = await aggregateService(ctx, { filter: { province: 'Balochistan' }, space: { h3: 5 }, period: 'none' });
    expect(env.result.rows.reduce((s, r) => s + (r.count ?? 0), 0)).toBe(env.result.totals.count);
    expect(env.caveats.some((c) => c.code === 'NO_POINT')).toBe(true);
    expect(env.annotations.districtTotals).toEqual([]);
  });
});
