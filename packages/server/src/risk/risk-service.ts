/**
 * riskService: the area risk index of districts or H3 cells for the period after the data, with
 * each factor's contribution, the calibrated band and the data mix (public / discovered / unknown)
 * behind it. Reads the store through the analysts' filter, bins incidents to areas and calendar
 * periods (Pakistan time), computes the engine's factors, fits the penalised Poisson model on
 * history (engine/risk/area-risk-index.ts) and scores the next period. The CLI (`baseerat risk`),
 * the API (`GET /api/risk`) and the allocation service all call this one function.
 */
import { gridDisk, latLngToCell, cellToLatLng, polygonToCells } from 'h3-js';
import {
  BaseeratError, caveat, coveredMs, dataMixCaveats, describeSpan, factCaveat, localDay, localDayStart, mergeSpans, dataMixOf, DEFAULT_HARM_WEIGHTS, feedbackLoopWeights, fitAreaRiskModel, buildRiskPanel,
  levelExtrapolationCaveat, pastCountsAt, recentCoveredTotal, scoreAreaRisk, LOCATION_PRECISIONS, RISK_BANDS,
  type AreaRiskModel, type AreaRiskScore, type Caveat, type DataMix, type RiskArea, type RiskBand, type RiskFactorWindows, type RiskPanel,
} from '@baseerat/engine';
import type { IncidentColumns } from '../store/index.js';
import {
  calendarUnitStart, classificationOf, coveredEnvelope, readColumns, resolveFilter, timeExtent, ISO,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter, type ResolvedFilter,
} from '../analysis/analysis-request.js';
import { coverageSpans } from '../analysis/feed-coverage-service.js';
import { terrainFactor, type TerrainLayer } from './terrain-layers.js';

export const RISK_PERIODS = { month: 1, quarter: 3, 'half-year': 6, year: 12 } as const;
export type RiskPeriod = keyof typeof RISK_PERIODS;

export interface RiskServiceOptions {
  /** `from` starts the history (default: the first incident); `to` ends it: the scored period starts there (default: the month after the latest incident). */
  filter?: AnalysisFilter;
  level?: 'district' | 'h3';
  /** H3 resolution 4-7 for level h3. Default 5 (about 250 km^2 a cell). */
  resolution?: number;
  /** Calendar period of the model. Default quarter. */
  period?: RiskPeriod;
  /** Most periods of history used. Default 40. */
  historyPeriods?: number;
  target?: 'count' | 'harm';
  perCapita?: boolean;
  layers?: readonly TerrainLayer[];
  /** Known share of patrol time per area id (district name or H3 cell), for the feedback-loop correction. */
  patrolShare?: Readonly<Record<string, number>>;
  windows?: RiskFactorWindows;
  /** Areas listed in the result. Default 20. */
  top?: number;
}

export interface RiskAreaRow {
  rank: number;
  id: string;
  district: string | null;
  lat: number;
  lon: number;
  expected: number;
  per100k?: number;
  band: RiskBand;
  /** Incidents (weighted) in the last `pastPeriods` periods. */
  pastIncidents: number;
  baseline: number;
  factors: AreaRiskScore['factors'];
  /**
   * Each factor's relative risk against the average area scored in this period (geometric mean):
   * exp(contribution - mean contribution over the scored areas). `factors[].relativeRisk` compares
   * with the training average, which after a rise of the overall level (a dense new feed after
   * sparse years) reads in the hundreds for every area; this one says what sets the area apart now.
   */
  factorsVsAverage: { name: string; relativeRisk: number }[];
  /** How the area's incidents in the history came to notice. */
  dataMix: DataMix;
  /** Best and worst rank if the factors not known for lack of feed coverage took any usual value (engine AreaRiskScore.rankRange). */
  rankRange: [number, number];
  /** The rank rests on factors the feeds do not cover (rankRange wider than one rank). */
  uncertain: boolean;
}

export interface RiskResult {
  level: 'district' | 'h3';
  resolution?: number;
  period: RiskPeriod;
  periods: { from: string; to: string; count: number };
  /** The period scored. */
  scoredPeriod: { from: string; to: string };
  /**
   * Level calibration of the scored period (engine AreaRiskScore.levelAdjustment): the expected
   * total with the factors winsorised to their training range over the extrapolated one; 1 when no
   * factor is outside that range (caveat RISK_LEVEL_OUTSIDE_TRAINING otherwise).
   */
  levelAdjustment: number;
  model: Omit<AreaRiskModel, 'areaMask' | 'caveats' | 'trainingOrigins'> & { trainingPeriods: { from: string; to: string } };
  areas: number;
  bandCounts: Record<RiskBand, number>;
  pastPeriods: number;
  top: RiskAreaRow[];
  dataMix: DataMix;
  feedbackLoopCorrection: boolean;
  caveats: Caveat[];
}

export type RiskEnvelope = AnalysisEnvelope<'risk', Record<string, unknown>, RiskResult, Record<string, never>>;

/** Everything the risk and allocation services share: the panel, its areas and periods, the columns read. */
export interface RiskInputs {
  f: ResolvedFilter;
  cols: IncidentColumns;
  panel: RiskPanel;
  level: 'district' | 'h3';
  resolution: number;
  period: RiskPeriod;
  starts: number[];
  end: number;
  eventArea: Int32Array;
  eventPeriod: Int32Array;
  areaMix: DataMix[];
  dataMix: DataMix;
  corrected: boolean;
  caveats: Caveat[];
}

const NEAR = LOCATION_PRECISIONS.indexOf('near');

function districtsInScope(ctx: AnalysisContext, f: ResolvedFilter) {
  let ds = ctx.geography.districts;
  if (f.province !== undefined) ds = ds.filter((d) => d.province === f.province);
  if (f.districts !== undefined) { const s = new Set(f.districts); ds = ds.filter((d) => s.has(d.name)); }
  return ds;
}

export async function buildRiskInputs(ctx: AnalysisContext, options: RiskServiceOptions): Promise<RiskInputs> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const level = options.level ?? 'district';
  const resolution = options.resolution ?? 5;
  if (level === 'h3' && !(Number.isInteger(resolution) && resolution >= 4 && resolution <= 7)) throw new BaseeratError('VALIDATION', `resolution ${resolution} must be an integer 4..7`, { field: 'resolution' });
  const period = options.period ?? 'quarter';
  const months = RISK_PERIODS[period];
  if (months === undefined) throw new BaseeratError('VALIDATION', `period ${JSON.stringify(period)} is not one of ${Object.keys(RISK_PERIODS).join(', ')}`, { field: 'period' });
  const maxPeriods = options.historyPeriods ?? 40;
  if (!(Number.isInteger(maxPeriods) && maxPeriods >= 4 && maxPeriods <= 400)) throw new BaseeratError('VALIDATION', `historyPeriods ${maxPeriods} must be an integer 4..400`, { field: 'historyPeriods' });
  const caveats: Caveat[] = [];

  const all = await readColumns(ctx, f, { ...(f.toMs === undefined ? {} : { toMs: f.toMs }) });
  const ext = timeExtent(all);
  if (ext === undefined) throw new BaseeratError('INSUFFICIENT_DATA', 'no incident with a valid time matches the filter: nothing to build a risk index from', { field: 'filter' });
  const end = calendarUnitStart(f.toMs ?? ext.last, 'month', f.toMs !== undefined && calendarUnitStart(f.toMs, 'month') === f.toMs ? 0 : 1);
  // Feed coverage: periods no feed covers are missing data (exposure 0), not zeros.
  const spans = await coverageSpans(ctx);
  if (f.toMs === undefined) {
    caveats.push(caveat('LAST_PERIOD_OPEN', `no end given: the history ends at ${ISO(end)}, the month after the latest incident (${ISO(ext.last)}); ${spans === undefined
      ? 'if the feed is not complete up to then, the last period is undercounted and the trend factor reads low'
      : 'the days after the last day the feeds cover count as not covered (rates per covered day), but a feed that is late with its last days undercounts them'}`));
  }
  if (f.toMs !== undefined && end !== f.toMs) caveats.push(caveat('PERIODS_ALIGNED', `periods end at ${ISO(end)}, the start of the month after ${ISO(f.toMs)}`));
  const firstStart = f.fromMs ?? ext.first;
  const starts: number[] = [];
  for (let k = 1; k <= maxPeriods; k++) {
    const s = calendarUnitStart(end, 'month', -k * months);
    starts.unshift(s);
    if (s <= firstStart) break;
  }
  const cols = all;

  // Areas.
  const scope = districtsInScope(ctx, f);
  if (scope.length === 0) throw new BaseeratError('VALIDATION', 'no district in the filter', { field: 'district' });
  let areas: RiskArea[];
  if (level === 'district') {
    const m = 0.02;
    areas = scope.map((d, i) => {
      const nb: number[] = [];
      scope.forEach((e, j) => {
        if (j !== i && d.bbox[0] - m <= e.bbox[2] && e.bbox[0] - m <= d.bbox[2] && d.bbox[1] - m <= e.bbox[3] && e.bbox[1] - m <= d.bbox[3]) nb.push(j);
      });
      const a: RiskArea = { id: d.name, lat: d.centroid.lat, lon: d.centroid.lon, district: d.name, neighbours: nb };
      if (d.population !== undefined) a.population = d.population;
      return a;
    });
  } else {
    const inScope = new Set(scope.map((d) => d.name));
    const cells = new Set<string>();
    for (const d of scope) {
      const [x0, y0, x1, y1] = d.bbox;
      for (const c of polygonToCells([[[y0, x0], [y0, x1], [y1, x1], [y1, x0], [y0, x0]]], resolution)) cells.add(c);
    }
    const kept: { id: string; lat: number; lon: number; district: string }[] = [];
    for (const c of [...cells].sort()) {
      const [lat, lon] = cellToLatLng(c);
      const at = ctx.geography.locate(lat, lon);
      if (at !== undefined && inScope.has(at.district)) kept.push({ id: c, lat, lon, district: at.district });
    }
    const index = new Map(kept.map((k, i) => [k.id, i]));
    areas = kept.map((k) => ({ ...k, neighbours: gridDisk(k.id, 1).filter((x) => x !== k.id && index.has(x)).map((x) => index.get(x)!) }));
    caveats.push(caveat('H3_AREAS', `${areas.length} H3 cells (resolution ${resolution}) whose centre lies in the ${scope.length} districts in scope; incidents located only to a district are left out of the cell index`));
  }
  const areaIndex = new Map(areas.map((a, i) => [a.id, i]));

  // Events to areas and periods.
  const eventArea = new Int32Array(cols.length).fill(-1), eventPeriod = new Int32Array(cols.length).fill(-1);
  const harm = new Float64Array(cols.length);
  let unplaced = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (t >= starts[0]! && t < end) {
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= t) lo = mid; else hi = mid - 1; }
      eventPeriod[i] = lo;
    }
    if (level === 'district') {
      const d = cols.district[i]!;
      eventArea[i] = d >= 0 ? (areaIndex.get(cols.districtNames[d]!) ?? -1) : -1;
    } else if (cols.locationPrecision[i]! <= NEAR && Number.isFinite(cols.lat[i]!) && Number.isFinite(cols.lon[i]!)) {
      eventArea[i] = areaIndex.get(latLngToCell(cols.lat[i]!, cols.lon[i]!, resolution)) ?? -1;
    }
    if (eventPeriod[i]! >= 0 && eventArea[i]! < 0) unplaced++;
    harm[i] = DEFAULT_HARM_WEIGHTS.killed * cols.killed[i]! + DEFAULT_HARM_WEIGHTS.injured * cols.injured[i]! + DEFAULT_HARM_WEIGHTS.abducted * cols.abducted[i]!;
  }
  if (unplaced > 0) caveats.push(caveat('UNPLACED_INCIDENTS', `${unplaced} incidents in the history could not be placed in a ${level === 'district' ? 'district in scope' : 'cell (no coordinates within 25 km, or outside the cells)'} and are left out`, unplaced));

  let patrol: Float64Array | undefined;
  if (options.patrolShare !== undefined) {
    patrol = new Float64Array(areas.length);
    for (const [id, s] of Object.entries(options.patrolShare)) {
      const a = areaIndex.get(id) ?? (level === 'district' ? areaIndex.get(ctx.geography.resolveDistrict(id)?.district ?? '') : undefined);
      if (a === undefined) throw new BaseeratError('VALIDATION', `patrolShare: ${JSON.stringify(id)} is not an area of this index`, { field: 'patrolShare' });
      patrol[a] = s;
    }
  }
  const weight = feedbackLoopWeights(cols.reportingMode, eventArea, patrol);
  const inHistory = (i: number) => eventPeriod[i]! >= 0 && eventArea[i]! >= 0;
  const dataMix = dataMixOf(cols.reportingMode, inHistory);
  const areaMix: DataMix[] = areas.map(() => ({ public: 0, discovered: 0, unknown: 0 }));
  for (let i = 0; i < cols.length; i++) {
    if (!inHistory(i)) continue;
    const m = (['public', 'discovered', 'unknown'] as const)[cols.reportingMode[i]!] ?? 'unknown';
    areaMix[eventArea[i]!]![m] += 1;
  }
  caveats.push(...dataMixCaveats(dataMix, patrol !== undefined));

  // Each period's covered share. A period holding incidents on days no ingest run recorded (a store
  // filled outside the ingest path, e.g. written directly) has an incomplete coverage record: it is
  // read as covered, as before coverage was recorded, rather than scaled by a share that does not
  // describe its data.
  const periodEnd = (t: number) => (t + 1 < starts.length ? starts[t + 1]! : end);
  const unrecorded = new Uint8Array(starts.length);
  let unrecordedIncidents = 0;
  if (spans !== undefined) {
    for (let i = 0; i < cols.length; i++) {
      const t = eventPeriod[i]!;
      if (t < 0) continue;
      const d = localDayStart(localDay(cols.time[i]!));
      if (coveredMs(spans, d, d + 86_400_000) === 0) { unrecorded[t] = 1; unrecordedIncidents++; }
    }
  }
  const exposure = starts.map((s, t) => (spans === undefined || unrecorded[t] === 1 ? 1 : coveredMs(spans, s, periodEnd(t)) / (periodEnd(t) - s)));
  if (unrecordedIncidents > 0) {
    const n = unrecorded.reduce((a, b) => a + b, 0);
    caveats.push(caveat('COVERAGE_INCOMPLETE', `${unrecordedIncidents} incidents in the history lie on days no ingest run recorded as covered (written outside the ingest path?): their ${n} ${period} period${n === 1 ? ' is' : 's are'} read as fully covered`, unrecordedIncidents));
  }
  const uncovered = exposure.flatMap((e, t) => (e === 0 ? [t] : [])), partly = exposure.filter((e) => e > 0 && e < 1).length;
  if (uncovered.length > 0 || partly > 0) {
    const label = (t: number) => describeSpan({ from: starts[t]!, to: periodEnd(t) });
    const then = 'the risk factors are rates per covered day and a factor with too little covered time is reported as not known';
    const periods = mergeSpans(uncovered.map((t) => ({ from: starts[t]!, to: periodEnd(t) })));
    caveats.push(factCaveat('RISK_PERIODS_UNCOVERED', `${uncovered.length} of the ${starts.length} ${period} periods have no feed coverage${uncovered.length > 0 ? ` (${uncovered.length <= 4 ? uncovered.map(label).join(', ') : `${label(uncovered[0]!)} ... ${label(uncovered[uncovered.length - 1]!)}`})` : ''}${partly > 0 ? ` and ${partly} are partly covered` : ''}: the model is not trained on uncovered periods, ${then}`,
      { fact: 'NOT_COVERED', periods }, then, uncovered.length));
  }
  const terrain = (options.layers ?? []).map((l) => terrainFactor(l, areas));
  const panel = buildRiskPanel(areas, starts.length, { area: eventArea, period: eventPeriod, harm, weight }, terrain, options.windows ?? {}, { exposure });
  return { f, cols, panel, level, resolution, period, starts, end, eventArea, eventPeriod, areaMix, dataMix, corrected: patrol !== undefined, caveats };
}

/**
 * The engine's "trained on covered time only" caveat, with the training periods it left out as its
 * fact (NOT_COVERED), so that the envelope folds it into the window's coverage caveat.
 */
function withUncoveredOrigins(c: Caveat, inp: RiskInputs, origins: { from: number; to: number }): Caveat {
  if (c.code !== 'RISK_TRAINED_ON_COVERED_PERIODS') return c;
  const end = (t: number) => (t + 1 < inp.starts.length ? inp.starts[t + 1]! : inp.end);
  const left: { from: number; to: number }[] = [];
  for (let t = origins.from; t < origins.to; t++) if (inp.panel.exposure[t] === 0) left.push({ from: inp.starts[t]!, to: end(t) });
  const partly = inp.panel.exposure.slice(origins.from, origins.to).filter((e) => e > 0 && e < 1).length;
  const then = `${left.length} training period${left.length === 1 ? ' is' : 's are'} left out${partly > 0 ? ` and ${partly} partly covered enter${partly === 1 ? 's' : ''} as rates per covered day` : ''}`;
  return left.length === 0 ? c : factCaveat(c.code, c.message, { fact: 'NOT_COVERED', periods: mergeSpans(left) }, then, c.count);
}

export async function riskService(ctx: AnalysisContext, options: RiskServiceOptions = {}): Promise<RiskEnvelope> {
  const inp = await buildRiskInputs(ctx, options);
  const { panel, starts, end } = inp;
  const model = fitAreaRiskModel(panel, { ...(options.target === undefined ? {} : { target: options.target }), ...(options.perCapita === undefined ? {} : { perCapita: options.perCapita }) });
  const scores = scoreAreaRisk(model, panel, panel.nPeriods);
  const recent = recentCoveredTotal(model, panel, panel.nPeriods);
  const levelCaveat = levelExtrapolationCaveat(model, scores, recent === undefined ? undefined : describeSpan({ from: starts[recent.period]!, to: recent.period + 1 < starts.length ? starts[recent.period + 1]! : end }));
  const pastPeriods = panel.windows.harmPeriods;
  const past = pastCountsAt(panel, panel.nPeriods, pastPeriods);
  const bandCounts = Object.fromEntries(RISK_BANDS.map((b) => [b, 0])) as Record<RiskBand, number>;
  for (const s of scores) bandCounts[s.band]++;
  const meanContribution = (scores[0]?.factors ?? []).map((_, j) => scores.reduce((sum, s) => sum + s.factors[j]!.contribution, 0) / scores.length);
  const top = scores.slice(0, options.top ?? 20).map((s): RiskAreaRow => {
    const a = panel.areas[s.area]!;
    const row: RiskAreaRow = {
      rank: s.rank, id: s.id, district: a.district ?? null, lat: a.lat, lon: a.lon, expected: s.expected, band: s.band,
      pastIncidents: past[s.area]!, baseline: s.baseline, factors: s.factors,
      factorsVsAverage: s.factors.map((f, j) => ({ name: f.name, relativeRisk: Math.exp(f.contribution - meanContribution[j]!) })), dataMix: inp.areaMix[s.area]!,
      rankRange: s.rankRange, uncertain: s.uncertain,
    };
    if (s.per100k !== undefined) row.per100k = s.per100k;
    return row;
  });
  const { areaMask: _m, caveats: modelCaveats, trainingOrigins, ...modelOut } = model;
  const months = RISK_PERIODS[inp.period];
  const result: RiskResult = {
    level: inp.level,
    ...(inp.level === 'h3' ? { resolution: inp.resolution } : {}),
    period: inp.period,
    periods: { from: ISO(starts[0]!), to: ISO(end), count: starts.length },
    scoredPeriod: { from: ISO(end), to: ISO(calendarUnitStart(end, 'month', months)) },
    levelAdjustment: scores[0]?.levelAdjustment ?? 1,
    model: { ...modelOut, trainingPeriods: { from: ISO(starts[trainingOrigins.from]!), to: ISO(trainingOrigins.to < starts.length ? starts[trainingOrigins.to]! : end) } },
    areas: scores.length,
    bandCounts,
    pastPeriods,
    top,
    dataMix: inp.dataMix,
    feedbackLoopCorrection: inp.corrected,
    caveats: [...inp.caveats, ...modelCaveats.map((c) => withUncoveredOrigins(c, inp, trainingOrigins)), ...(levelCaveat === undefined ? [] : [levelCaveat])],
  };
  return coveredEnvelope(ctx, 'risk', {
    window: { fromMs: starts[0]!, toMs: end },
    uncoveredReads: 'the risk model is not trained on them',
    classification: classificationOf(inp.cols),
    filter: inp.f,
    incidentsRead: inp.cols.length,
    parameters: {
      level: inp.level, period: inp.period, historyPeriods: starts.length, target: model.target, perCapita: model.perCapita,
      windows: panel.windows, layers: (options.layers ?? []).map((l) => l.spec),
      ...(inp.level === 'h3' ? { resolution: inp.resolution } : {}),
    } as Record<string, unknown>,
    result,
    annotations: {},
  });
}
