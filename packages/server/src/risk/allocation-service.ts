/**
 * allocationService: where to post K units so that they reach the most expected harm next period.
 * Demand = the area risk index (risk-service.ts) at each area's centre; candidate sites = the area
 * centres (or the caller's sites). Returns the greedy maximal-covering plan, the exact optimum on
 * small instances, the plans a staff officer would draw (units proportional to past incidents per
 * district; uniform), their ratios, each site's coverage probability under the randomised schedule
 * (greedy plan blended with risk-proportional coverage by `unpredictability`), and the data mix.
 * The CLI (`baseerat allocate`) and the API (`POST /api/allocation`) call this function.
 */
import {
  BaseeratError, blendProbabilities, buildCoverageMatrix, caveat, exactMaximalCoverage, fitAreaRiskModel,
  greedyMaximalCoverage, inclusionProbabilities, pastCountsAt, planProbabilities, proportionalPlan, scoreAreaRisk,
  SeededRng, standaloneWeights, summariseSchedule, uniformPlan,
  type AllocationProblem, type CandidateSite, type Caveat, type DataMix, type DemandPoint, type RiskBand,
} from '@baseerat/engine';
import { calendarUnitStart, classificationOf, coveredEnvelope, ISO, type AnalysisContext, type AnalysisEnvelope } from '../analysis/analysis-request.js';
import { buildRiskInputs, type RiskServiceOptions } from './risk-service.js';

export interface AllocationServiceOptions extends RiskServiceOptions {
  units: number;
  radiusKm: number;
  /** Candidate sites; default the centres of the areas of the index. */
  sites?: readonly CandidateSite[];
  mandatorySiteIds?: readonly string[];
  excludedSiteIds?: readonly string[];
  minUnitsPerDistrict?: Readonly<Record<string, number>>;
  /** 0 = the greedy plan every day; 1 = coverage proportional to the risk each site reaches. Default 0.5. */
  unpredictability?: number;
  /** Seed of the schedule draws. Default 'allocation'. */
  seed?: string;
}

export interface PlanRow { id: string; district: string | null; lat: number; lon: number; band?: RiskBand; marginalGain?: number }

export interface AllocationResult {
  units: number;
  radiusKm: number;
  scoredPeriod: { from: string; to: string };
  /** Expected incidents (or harm) of the next period over all areas: what any plan can cover at most. */
  totalExpected: number;
  plans: {
    greedy: { sites: PlanRow[]; covered: number; coveredShare: number };
    exact?: { siteIds: string[]; covered: number; provenOptimal: boolean; nodes: number };
    proportional: { siteIds: string[]; unitsByDistrict: Record<string, number>; covered: number; coveredShare: number };
    uniform: { siteIds: string[]; unitsByDistrict: Record<string, number>; covered: number; coveredShare: number };
  };
  ratios: { greedyOverProportional: number | null; greedyOverUniform: number | null };
  schedule: {
    unpredictability: number;
    /** Sites with a positive coverage probability, highest first. */
    coverage: { id: string; district: string | null; probability: number }[];
    expectedCovered: number;
    priceOfUnpredictability: number;
    draws: number;
  };
  dataMix: DataMix;
  feedbackLoopCorrection: boolean;
  caveats: Caveat[];
}

export type AllocationEnvelope = AnalysisEnvelope<'allocation', Record<string, unknown>, AllocationResult, Record<string, never>>;

const EXACT_MAX_SITES = 40;
const EXACT_MAX_UNITS = 8;

export async function allocationService(ctx: AnalysisContext, options: AllocationServiceOptions): Promise<AllocationEnvelope> {
  if (!(Number.isInteger(options.units) && options.units >= 1 && options.units <= 500)) throw new BaseeratError('VALIDATION', `units ${options.units} must be an integer 1..500`, { field: 'units' });
  if (!(options.radiusKm > 0 && options.radiusKm <= 500)) throw new BaseeratError('VALIDATION', `radiusKm ${options.radiusKm} must be in (0, 500]`, { field: 'radiusKm' });
  const alpha = options.unpredictability ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new BaseeratError('VALIDATION', `unpredictability ${alpha} must be in [0, 1]`, { field: 'unpredictability' });
  const inp = await buildRiskInputs(ctx, options);
  const { panel } = inp;
  const model = fitAreaRiskModel(panel, { ...(options.target === undefined ? {} : { target: options.target }), ...(options.perCapita === undefined ? {} : { perCapita: options.perCapita }) });
  const scores = scoreAreaRisk(model, panel, panel.nPeriods);
  const bandOf = new Map(scores.map((s) => [s.id, s.band]));
  const demand: DemandPoint[] = scores.map((s) => ({ lat: panel.areas[s.area]!.lat, lon: panel.areas[s.area]!.lon, weight: s.expected }));
  const sites: CandidateSite[] = options.sites !== undefined ? [...options.sites] : scores.map((s) => {
    const a = panel.areas[s.area]!;
    return { id: a.id, lat: a.lat, lon: a.lon, ...(a.district === undefined ? {} : { district: a.district }) };
  });
  if (options.units > sites.length) throw new BaseeratError('VALIDATION', `units ${options.units} exceeds the ${sites.length} candidate sites`, { field: 'units' });
  const matrix = buildCoverageMatrix(sites, demand, options.radiusKm);
  const problem: AllocationProblem = { matrix, sites, units: options.units };
  if (options.mandatorySiteIds !== undefined) problem.mandatorySiteIds = options.mandatorySiteIds;
  if (options.excludedSiteIds !== undefined) problem.excludedSiteIds = options.excludedSiteIds;
  if (options.minUnitsPerDistrict !== undefined) problem.minUnitsPerDistrict = options.minUnitsPerDistrict;
  const greedy = greedyMaximalCoverage(problem);
  const caveats: Caveat[] = [...inp.caveats, ...model.caveats, ...greedy.caveats];
  let exact: AllocationResult['plans']['exact'];
  if (sites.length <= EXACT_MAX_SITES && options.units <= EXACT_MAX_UNITS) {
    const e = exactMaximalCoverage(problem, { maxNodes: 500_000 });
    exact = { siteIds: e.siteIds, covered: e.coveredWeight, provenOptimal: e.provenOptimal, nodes: e.nodes };
  } else {
    caveats.push(caveat('EXACT_SKIPPED', `the exact optimum is computed for at most ${EXACT_MAX_SITES} sites and ${EXACT_MAX_UNITS} units; greedy covers at least 63 % of it (without district minimums)`));
  }
  const pastByDistrict: Record<string, number> = {};
  const past = pastCountsAt(panel, panel.nPeriods, panel.windows.harmPeriods);
  panel.areas.forEach((a, i) => { if (a.district !== undefined) pastByDistrict[a.district] = (pastByDistrict[a.district] ?? 0) + past[i]!; });
  const naiveInput = { matrix, sites, units: options.units, ...(options.excludedSiteIds === undefined ? {} : { excludedSiteIds: options.excludedSiteIds }) };
  const prop = proportionalPlan(naiveInput, pastByDistrict);
  const unif = uniformPlan(naiveInput, pastByDistrict);
  const pi = blendProbabilities(planProbabilities(greedy.sites, sites.length), inclusionProbabilities(standaloneWeights(matrix), options.units).probabilities, alpha);
  const draws = 2000;
  const sched = summariseSchedule(matrix, pi, greedy.sites, draws, new SeededRng(options.seed ?? 'allocation'));
  const row = (i: number, gain?: number): PlanRow => {
    const s = sites[i]!;
    const r: PlanRow = { id: s.id, district: s.district ?? null, lat: s.lat, lon: s.lon };
    const b = bandOf.get(s.id);
    if (b !== undefined) r.band = b;
    if (gain !== undefined) r.marginalGain = gain;
    return r;
  };
  const gainOf = new Map(greedy.steps.map((st) => [st.siteIndex, st.marginalGain]));
  const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
  const months = { month: 1, quarter: 3, 'half-year': 6, year: 12 }[inp.period];
  const result: AllocationResult = {
    units: options.units,
    radiusKm: options.radiusKm,
    scoredPeriod: { from: ISO(inp.end), to: ISO(calendarUnitStart(inp.end, 'month', months)) },
    totalExpected: matrix.totalWeight,
    plans: {
      greedy: { sites: greedy.sites.map((i) => row(i, gainOf.get(i))), covered: greedy.coveredWeight, coveredShare: greedy.coveredShare },
      ...(exact === undefined ? {} : { exact }),
      proportional: { siteIds: prop.siteIds, unitsByDistrict: prop.unitsByDistrict, covered: prop.coveredWeight, coveredShare: prop.coveredShare },
      uniform: { siteIds: unif.siteIds, unitsByDistrict: unif.unitsByDistrict, covered: unif.coveredWeight, coveredShare: unif.coveredShare },
    },
    ratios: { greedyOverProportional: ratio(greedy.coveredWeight, prop.coveredWeight), greedyOverUniform: ratio(greedy.coveredWeight, unif.coveredWeight) },
    schedule: {
      unpredictability: alpha,
      coverage: [...pi].map((p, i) => ({ id: sites[i]!.id, district: sites[i]!.district ?? null, probability: p })).filter((c) => c.probability > 0).sort((a, b) => b.probability - a.probability || (a.id < b.id ? -1 : 1)),
      expectedCovered: sched.expectedCoveredWeight,
      priceOfUnpredictability: sched.priceOfUnpredictability,
      draws,
    },
    dataMix: inp.dataMix,
    feedbackLoopCorrection: inp.corrected,
    caveats: [...caveats, ...prop.caveats, ...unif.caveats],
  };
  return coveredEnvelope(ctx, 'allocation', {
    window: { fromMs: inp.starts[0]!, toMs: inp.end },
    classification: classificationOf(inp.cols),
    filter: inp.f,
    incidentsRead: inp.cols.length,
    parameters: { level: inp.level, period: inp.period, units: options.units, radiusKm: options.radiusKm, unpredictability: alpha, target: model.target, lambda: model.lambda } as Record<string, unknown>,
    result,
    annotations: {},
  });
}
