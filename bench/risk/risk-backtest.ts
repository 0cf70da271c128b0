/**
 * Acceptance backtests of the area risk index (docs/methods/risk-index.md):
 *
 * 1. UCDP GED Balochistan, ingested into an in-memory store and read by the same code path as
 *    `baseerat risk` (buildRiskInputs): districts and H3 cells (resolution 5), half-year periods,
 *    40 periods ending 2022-01-01, test periods 2016 H1 .. 2021 H2 (12), each predicted from the
 *    periods before it. Harm = people killed (UCDP `best`; UCDP has no injured). A terrain factor:
 *    log(1 + km to the nearest city of the simplemaps gazetteer), a source independent of UCDP.
 * 2. NIJ Portland calls for service (burglary; theft of auto), 2,000 ft square cells over the
 *    police districts, monthly periods 2012-03 .. 2017-02, test months 2016-03 .. 2017-02 (12).
 *    Harm = count (the calls carry no severity).
 *
 * For each: share of next-period incidents and harm in the top 10 % of areas ranked by the index
 * vs by past counts (last 4 periods) vs the oracle; the calibration table of the bands on each
 * band scale (share of the predicted total, ratio to the mean, absolute expected count), the
 * thresholds always fitted on the periods before the first test origin.
 * 3. Allocation on held-out periods (UCDP, H3 cells as sites, K = 10, 25 km): each test half-year,
 *    plan on the index's expected incidents (greedy), on past harm (greedy, as bench/allocation),
 *    proportional to past counts per district, uniform; score on the events that then happened.
 *
 * Run: TZ=UTC npx tsx bench/risk/risk-backtest.ts   (writes bench/risk/risk-backtest.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import {
  backtestAreaRisk, buildCoverageMatrix, buildRiskPanel, coveredWeight, fitAreaRiskModel, greedyMaximalCoverage, pastCountsAt,
  proportionalPlan, RISK_BAND_SCALES, scoreAreaRisk, uniformPlan, type AreaRiskBacktest, type AreaRiskBacktestOptions, type BandCalibrationRow, type RiskBandScale, type CandidateSite, type DemandPoint, type RiskArea,
} from '../../packages/engine/src/index.js';
import { createSquareGrid, gridCellCentre, gridCellOf } from '../../packages/engine/src/forecast/square-grid.js';
import { ingestOne } from '../../packages/server/src/cli/services.js';
import { readNijFile } from '../../packages/server/src/forecast/portland-nij-file.js';
import { eligibleCells, loadStudyArea } from '../../packages/server/src/forecast/study-area.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { buildRiskInputs, type RiskInputs } from '../../packages/server/src/risk/risk-service.js';
import { parseTerrainLayer } from '../../packages/server/src/risk/terrain-layers.js';
import { openStore } from '../../packages/server/src/store/index.js';

const root = new URL('../../', import.meta.url);
const path = (p: string) => new URL(p, root).pathname;
const t0 = Date.now();
const log = (s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}\n`);

interface Row { data: string; level: string; variant: string; areas: number; flagged: number; testPeriods: number; incidents: number; harm: number; lambda: number; coefficients: Record<string, number>; bt: AreaRiskBacktest }
const rows: Row[] = [];
const summarise = (data: string, level: string, variant: string, bt: AreaRiskBacktest): Row => {
  const r: Row = {
    data, level, variant, areas: bt.areas, flagged: bt.flaggedAreas, testPeriods: bt.periods.length,
    incidents: bt.periods.reduce((s, p) => s + p.incidents, 0), harm: bt.periods.reduce((s, p) => s + p.harm, 0),
    lambda: bt.firstModel.lambda, coefficients: Object.fromEntries(bt.firstModel.factors.map((f) => [f.name, Number(f.coefficient.toFixed(3))])), bt,
  };
  rows.push(r);
  log(`${data} ${level} ${variant}: top ${r.flagged}/${r.areas}: index ${(100 * bt.pooled.index.harmShare).toFixed(1)}% harm, ${(100 * bt.pooled.index.incidentShare).toFixed(1)}% incidents; past counts ${(100 * bt.pooled.pastCounts.harmShare).toFixed(1)}% / ${(100 * bt.pooled.pastCounts.incidentShare).toFixed(1)}%; lambda ${r.lambda}`);
  return r;
};

// Calibration of the bands on each scale (the 'dynamic factors' backtest runs on the default scale).
interface ScaleRow { data: string; level: string; scale: RiskBandScale; calibration: BandCalibrationRow[]; thresholds: AreaRiskBacktest['firstModel']['thresholds'] }
const scaleRows: ScaleRow[] = [];
const bandScales = (data: string, level: string, panel: Parameters<typeof backtestAreaRisk>[0], options: AreaRiskBacktestOptions, main: AreaRiskBacktest): void => {
  for (const scale of RISK_BAND_SCALES) {
    const bt = scale === main.firstModel.thresholds.scale ? main : backtestAreaRisk(panel, { ...options, bandScale: scale });
    scaleRows.push({ data, level, scale, calibration: bt.calibration, thresholds: bt.firstModel.thresholds });
  }
};

// ---- 1. UCDP Balochistan through the store ----
const store = await openStore(':memory:');
await ingestOne(store, path('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
const ctx = { store, geography: loadGeography() };
log('UCDP ingested');
const cityRows = parse(readFileSync(path('data/reference/gazetteer/simplemaps_pk_cities.csv')), { columns: true }) as Record<string, string>[];
const cities = parseTerrainLayer({ name: 'city', measure: 'distance', radiusKm: 10 }, {
  type: 'FeatureCollection', features: cityRows.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [Number(c.lng), Number(c.lat)] } })),
});
const UCDP_FILTER = { province: 'Balochistan', to: '2022-01-01' };
const ucdpInputs = new Map<string, RiskInputs>();
for (const level of ['district', 'h3'] as const) {
  for (const variant of ['dynamic factors', '+ distance to city'] as const) {
    const inp = await buildRiskInputs(ctx, { filter: UCDP_FILTER, level, period: 'half-year', historyPeriods: 40, ...(variant === '+ distance to city' ? { layers: [cities] } : {}) });
    const nP = inp.panel.nPeriods;
    const testOrigins = Array.from({ length: 12 }, (_, i) => nP - 12 + i);
    const r = summarise('UCDP Balochistan', level === 'h3' ? 'H3 res 5' : 'district', variant, backtestAreaRisk(inp.panel, { testOrigins, topFraction: 0.1 }));
    if (variant === 'dynamic factors') { ucdpInputs.set(level, inp); bandScales(r.data, r.level, inp.panel, { testOrigins, topFraction: 0.1 }, r.bt); }
  }
}
{
  const inp = ucdpInputs.get('district')!;
  const nP = inp.panel.nPeriods;
  summarise('UCDP Balochistan', 'district', 'target harm', backtestAreaRisk(inp.panel, { testOrigins: Array.from({ length: 12 }, (_, i) => nP - 12 + i), topFraction: 0.1, target: 'harm' }));
}

// ---- 3. Allocation on held-out half-years (UCDP, H3 cells) ----
const K = 10, RADIUS = 25;
const alloc = (() => {
  const inp = ucdpInputs.get('h3')!;
  const { panel, cols, eventArea, eventPeriod } = inp;
  const nP = panel.nPeriods;
  const tests = Array.from({ length: 12 }, (_, i) => nP - 12 + i);
  const first = fitAreaRiskModel(panel, { endOrigin: tests[0]! });
  const sites: CandidateSite[] = panel.areas.map((a) => ({ id: a.id, lat: a.lat, lon: a.lon, ...(a.district === undefined ? {} : { district: a.district }) }));
  const sum: { harm: number; count: number; index: [number, number]; pastHarm: [number, number]; proportional: [number, number]; uniform: [number, number] } = { harm: 0, count: 0, index: [0, 0], pastHarm: [0, 0], proportional: [0, 0], uniform: [0, 0] };
  const perPeriod: { period: string; harm: number; count: number; index: number; pastHarm: number; proportional: number; uniform: number }[] = [];
  for (const t of tests) {
    const model = t === tests[0] ? first : fitAreaRiskModel(panel, { endOrigin: t, lambda: first.lambda, thresholds: first.thresholds });
    const scores = scoreAreaRisk(model, panel, t);
    const expected = new Float64Array(panel.areas.length);
    for (const s of scores) expected[s.area] = s.expected;
    const pastHarm = new Float64Array(panel.areas.length);
    for (let a = 0; a < panel.areas.length; a++) for (let s = Math.max(0, t - 4); s < t; s++) pastHarm[a]! += panel.harm[a * nP + s]!;
    const demandOf = (w: Float64Array): DemandPoint[] => panel.areas.map((a, i) => ({ lat: a.lat, lon: a.lon, weight: w[i]! }));
    const planFor = (w: Float64Array) => greedyMaximalCoverage({ matrix: buildCoverageMatrix(sites, demandOf(w), RADIUS), sites, units: K }).sites;
    const past = pastCountsAt(panel, t, 4);
    const byDistrict: Record<string, number> = {};
    panel.areas.forEach((a, i) => { if (a.district !== undefined) byDistrict[a.district] = (byDistrict[a.district] ?? 0) + past[i]!; });
    const idxMatrix = buildCoverageMatrix(sites, demandOf(expected), RADIUS);
    const plans = {
      index: planFor(expected),
      pastHarm: planFor(pastHarm),
      proportional: proportionalPlan({ matrix: idxMatrix, sites, units: K }, byDistrict).sites,
      uniform: uniformPlan({ matrix: idxMatrix, sites, units: K }, byDistrict).sites,
    };
    // What happened: the events of period t placed in a cell, weighted by deaths (and counted).
    const happened: DemandPoint[] = [], happenedCount: DemandPoint[] = [];
    for (let i = 0; i < cols.length; i++) {
      if (eventPeriod[i] !== t || eventArea[i]! < 0) continue;
      happened.push({ lat: cols.lat[i]!, lon: cols.lon[i]!, weight: cols.killed[i]! + 0.5 * cols.injured[i]! + 0.5 * cols.abducted[i]! });
      happenedCount.push({ lat: cols.lat[i]!, lon: cols.lon[i]!, weight: 1 });
    }
    const mh = buildCoverageMatrix(sites, happened, RADIUS), mc = buildCoverageMatrix(sites, happenedCount, RADIUS);
    sum.harm += mh.totalWeight; sum.count += mc.totalWeight;
    const row = { period: new Date(inp.starts[t]! + 5 * 3600e3).toISOString().slice(0, 7), harm: mh.totalWeight, count: mc.totalWeight, index: 0, pastHarm: 0, proportional: 0, uniform: 0 };
    for (const k of ['index', 'pastHarm', 'proportional', 'uniform'] as const) {
      const h = coveredWeight(mh, plans[k]), c = coveredWeight(mc, plans[k]);
      sum[k][0] += h; sum[k][1] += c; row[k] = h;
    }
    perPeriod.push(row);
  }
  return { units: K, radiusKm: RADIUS, sites: sites.length, lambda: first.lambda, totals: sum, perPeriod };
})();
log('allocation done');
await store.close();

// ---- 2. Portland ----
const sa = loadStudyArea(path('data/reference/portland-nij/Portland_Police_Districts/Portland_Police_Districts.shp'));
const CELL_FT = 2000;
const grid = createSquareGrid(sa.bbox, { cellSize: CELL_FT });
const cells = eligibleCells(sa, grid);
const cellIndex = new Int32Array(grid.cellCount).fill(-1);
cells.forEach((c, i) => { cellIndex[c] = i; });
const areas: RiskArea[] = Array.from(cells, (c, i) => {
  const [x, y] = gridCellCentre(grid, c);
  const col = c % grid.nx, row = Math.floor(c / grid.nx);
  const nb: number[] = [];
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
    if (dx === 0 && dy === 0) continue;
    const cc = col + dx, rr = row + dy;
    if (cc < 0 || rr < 0 || cc >= grid.nx || rr >= grid.ny) continue;
    const j = cellIndex[rr * grid.nx + cc]!;
    if (j >= 0) nb.push(j);
  }
  void i;
  return { id: `c${c}`, lat: y, lon: x, neighbours: nb };
});
const monthOf = (day: number): number => { const d = new Date(day * 86_400_000); return (d.getUTCFullYear() - 2012) * 12 + d.getUTCMonth() - 2; };
for (const cat of ['burglary', 'theft_of_auto'] as const) {
  const f = readNijFile(path(`data/reference/portland-nij/portland_cfs_${cat}_2012-03_2017-02.csv`));
  const area = new Int32Array(f.t.length), period = new Int32Array(f.t.length);
  for (let i = 0; i < f.t.length; i++) {
    const g = gridCellOf(grid, f.x[i]!, f.y[i]!);
    area[i] = g >= 0 ? cellIndex[g]! : -1;
    period[i] = monthOf(Math.floor(f.t[i]!));
  }
  const panel = buildRiskPanel(areas, 60, { area, period, harm: new Float64Array(f.t.length).fill(1) });
  const opts = { testOrigins: Array.from({ length: 12 }, (_, i) => 48 + i), topFraction: 0.1 };
  const r = summarise(`Portland ${cat.replace(/_/g, ' ')}`, `${CELL_FT} ft cells`, 'dynamic factors', backtestAreaRisk(panel, opts));
  bandScales(r.data, r.level, panel, opts, r.bt);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
let md = '| data | areas (flagged) | variant | test periods: incidents / harm | index: incidents / harm | past counts: incidents / harm | oracle: harm | periods index > = < past (harm) | observed / expected (target), MAE per area, periods recalibrated |\n|---|---|---|---|---|---|---|---|---|\n';
for (const r of rows) {
  const b = r.bt.pooled;
  md += `| ${r.data}, ${r.level} | ${r.areas} (${r.flagged}) | ${r.variant} | ${r.testPeriods}: ${r.incidents.toFixed(0)} / ${r.harm.toFixed(0)} | ${pct(b.index.incidentShare)} / ${pct(b.index.harmShare)} | ${pct(b.pastCounts.incidentShare)} / ${pct(b.pastCounts.harmShare)} | ${pct(b.oracle.harmShare)} | ${r.bt.harmWinsTiesLosses.join(' / ')} | ${r.bt.observedOverExpected.toFixed(2)}, ${r.bt.meanAbsoluteError.toFixed(3)}, ${r.bt.periods.filter((q) => q.levelSource !== 'model').length} |\n`;
}
// Intended share of each band: severe 50 %, high 25 %, elevated 15 %, low 10 % (default shares).
const intended = (i: number, sh: readonly [number, number, number]): number => [sh[0], sh[1] - sh[0], sh[2] - sh[1], 1 - sh[2]][i]!;
const gap = (r: ScaleRow, k: 'incidentShare' | 'harmShare'): number => r.calibration.reduce((s, c, i) => s + Math.abs(c[k] - intended(i, r.thresholds.shares)), 0) / r.calibration.length;
md += '\nCalibration of the bands on each scale (pooled over the test periods; intended shares of incidents: severe 50 %, high 25 %, elevated 15 %, low 10 %; "gap" = mean over the 4 bands of |share - intended|):\n\n| data | scale | severe: areas / incidents / harm | high | elevated | low | gap incidents / harm |\n|---|---|---|---|---|---|---|\n';
for (const r of scaleRows) {
  md += `| ${r.data}, ${r.level} | ${r.scale} | ${r.calibration.map((c) => `${pct(c.areaShare)} / ${pct(c.incidentShare)} / ${pct(c.harmShare)}`).join(' | ')} | ${pct(gap(r, 'incidentShare'))} / ${pct(gap(r, 'harmShare'))} |\n`;
}
const a = alloc.totals;
md += `\nAllocation on held-out half-years (UCDP Balochistan, ${alloc.sites} H3 cells as sites, K = ${K}, ${RADIUS} km; ${alloc.perPeriod.length} periods, ${a.count} events, harm ${a.harm}):\n\n| plan | harm covered | share | events covered | share |\n|---|---|---|---|---|\n`;
for (const k of ['index', 'pastHarm', 'proportional', 'uniform'] as const) {
  md += `| ${{ index: 'greedy on the risk index', pastHarm: 'greedy on past harm (4 half-years)', proportional: 'proportional to past counts', uniform: 'uniform' }[k]} | ${a[k][0].toFixed(0)} | ${pct(a[k][0] / a.harm)} | ${a[k][1]} | ${pct(a[k][1] / a.count)} |\n`;
}
const ratio = (x: number, y: number) => (y > 0 ? (x / y).toFixed(2) : '-');
md += `\nRatios (harm): index/proportional ${ratio(a.index[0], a.proportional[0])}, index/uniform ${ratio(a.index[0], a.uniform[0])}, index/past-harm ${ratio(a.index[0], a.pastHarm[0])}; (events): ${ratio(a.index[1], a.proportional[1])}, ${ratio(a.index[1], a.uniform[1])}, ${ratio(a.index[1], a.pastHarm[1])}.\n`;
console.log(md);
writeFileSync(new URL('risk-backtest.json', import.meta.url), JSON.stringify({
  command: 'TZ=UTC npx tsx bench/risk/risk-backtest.ts',
  seconds: (Date.now() - t0) / 1000,
  backtests: rows.map(({ bt, ...r }) => ({ ...r, pooled: bt.pooled, harmWinsTiesLosses: bt.harmWinsTiesLosses, calibration: bt.calibration, thresholds: bt.firstModel.thresholds, lambdaPath: bt.firstModel.lambdaPath, periods: bt.periods })),
  bandScales: scaleRows.map((r) => ({ ...r, gapIncidents: gap(r, 'incidentShare'), gapHarm: gap(r, 'harmShare') })),
  allocation: alloc,
  markdown: md,
}, null, 1) + '\n');
log('wrote bench/risk/risk-backtest.json');
