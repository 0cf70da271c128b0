/**
 * Runs the chosen estimators on one evaluation panel, with their robustness checks and plain-language
 * conclusions. Each estimator that cannot run (too few areas, no pre-period incidents) is reported
 * with the reason instead of failing the whole evaluation.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { conclusionForDid, conclusionForIts, conclusionForSynth, conclusionForWdd } from './conclusion.js';
import { differenceInDifferences, type DifferenceInDifferencesOptions, type DifferenceInDifferencesResult } from './difference-in-differences.js';
import { roleTotal, validatePanel, type EvaluationPanel } from './evaluation-panel.js';
import { interruptedTimeSeries, type InterruptedTimeSeriesOptions, type InterruptedTimeSeriesResult } from './interrupted-time-series.js';
import { leaveOneComparisonOut, placeboStartDates, type PlaceboEstimate } from './robustness.js';
import { syntheticControl, type SyntheticControlResult } from './synthetic-control.js';
import { weightedDisplacementDifference, type PrePost, type WeightedDisplacementDifferenceResult } from './weighted-displacement-difference.js';

export const EVALUATION_METHODS = ['its', 'did', 'synth', 'wdd'] as const;
export type EvaluationMethod = (typeof EVALUATION_METHODS)[number];

export interface EvaluatePanelOptions {
  methods?: readonly EvaluationMethod[];
  its?: InterruptedTimeSeriesOptions;
  did?: DifferenceInDifferencesOptions;
  /** Placebo start shifts in months (default 6 and 12); shifts that leave fewer than 3 pre months are skipped. */
  placeboShifts?: readonly number[];
  /** Skip the robustness loops (the simulation study does, to keep its cost down). */
  robustness?: boolean;
}

export interface Outcome<R> { ok: true; result: R; conclusion: string; robustness: { placeboDates: PlaceboEstimate[]; leaveOneOut: PlaceboEstimate[] } }
export interface Failure { ok: false; reason: string }

export interface PanelEvaluation {
  periods: string[];
  startIndex: number;
  areas: { name: string; role: string; preTotal: number; postTotal: number }[];
  its?: Outcome<InterruptedTimeSeriesResult> | Failure;
  did?: Outcome<DifferenceInDifferencesResult> | Failure;
  synth?: Outcome<SyntheticControlResult> | Failure;
  wdd?: Outcome<WeightedDisplacementDifferenceResult> | Failure;
  /** One sentence per method that ran, in the order its, did, synth, wdd. */
  conclusions: string[];
  caveats: Caveat[];
}

function attempt<R>(f: () => Outcome<R>): Outcome<R> | Failure {
  try {
    return f();
  } catch (e) {
    if (e instanceof BaseeratError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** Sums of the last `L` pre periods and the first `L` post periods, L = min(pre, post). */
export function equalWindows(counts: ArrayLike<number>, startIndex: number): PrePost & { months: number } {
  const L = Math.min(startIndex, counts.length - startIndex);
  let pre = 0, post = 0;
  for (let k = 0; k < L; k++) { pre += counts[startIndex - 1 - k]!; post += counts[startIndex + k]!; }
  return { pre, post, months: L };
}

export function evaluatePanel(panel: EvaluationPanel, options: EvaluatePanelOptions = {}): PanelEvaluation {
  validatePanel(panel);
  const methods = new Set(options.methods ?? EVALUATION_METHODS);
  const shifts = options.placeboShifts ?? [6, 12];
  const robust = options.robustness ?? true;
  const s = panel.startIndex;
  const out: PanelEvaluation = {
    periods: [...panel.periods],
    startIndex: s,
    areas: panel.areas.map((a) => ({ name: a.name, role: a.role, preTotal: a.counts.subarray(0, s).reduce((x, y) => x + y, 0), postTotal: a.counts.subarray(s).reduce((x, y) => x + y, 0) })),
    conclusions: [],
    caveats: [],
  };
  const hasComparison = panel.areas.some((a) => a.role === 'comparison');
  const none = { placeboDates: [] as PlaceboEstimate[], leaveOneOut: [] as PlaceboEstimate[] };
  if (methods.has('its')) {
    out.its = attempt(() => {
      const run = (p: EvaluationPanel) => interruptedTimeSeries(roleTotal(p, 'treated'), p.startIndex, p.monthOfYear, { ...options.its, periods: p.periods });
      const result = run(panel);
      const placeboDates = robust ? placeboStartDates(panel, shifts.filter((k) => s - k >= 3), (p) => run(p).effect) : [];
      return { ok: true, result, conclusion: conclusionForIts(result, placeboDates), robustness: { placeboDates, leaveOneOut: [] } };
    });
  }
  if (methods.has('did')) {
    out.did = hasComparison ? attempt(() => {
      const result = differenceInDifferences(panel, options.did);
      const quick = { ...options.did, skipPreTrend: true };
      const placeboDates = robust ? placeboStartDates(panel, shifts.filter((k) => s - k >= 2), (p) => differenceInDifferences(p, quick).effect) : [];
      const leaveOneOut = robust && panel.areas.filter((a) => a.role === 'comparison').length > 1 ? leaveOneComparisonOut(panel, (p) => differenceInDifferences(p, quick).effect) : [];
      return { ok: true, result, conclusion: conclusionForDid(result, placeboDates, leaveOneOut), robustness: { placeboDates, leaveOneOut } };
    }) : { ok: false, reason: 'no comparison areas' };
  }
  if (methods.has('synth')) {
    out.synth = hasComparison ? attempt(() => {
      const result = syntheticControl(panel, { placebos: true });
      const placeboDates = robust ? placeboStartDates(panel, shifts.filter((k) => s - k >= 3), (p) => syntheticControl(p, { placebos: true }).effect) : [];
      return { ok: true, result, conclusion: conclusionForSynth(result), robustness: { placeboDates, leaveOneOut: [] } };
    }) : { ok: false, reason: 'no comparison (donor) areas' };
  }
  if (methods.has('wdd')) {
    out.wdd = hasComparison ? attempt(() => {
      const tw = equalWindows(roleTotal(panel, 'treated'), s);
      const cw = equalWindows(roleTotal(panel, 'comparison'), s);
      const hasBuffer = panel.areas.some((a) => a.role === 'buffer');
      const bw = hasBuffer ? equalWindows(roleTotal(panel, 'buffer'), s) : undefined;
      const result = weightedDisplacementDifference({
        treated: { pre: tw.pre, post: tw.post }, control: { pre: cw.pre, post: cw.post },
        ...(bw === undefined ? {} : { buffer: { pre: bw.pre, post: bw.post } }),
      });
      result.caveats.push(caveat('WDD_WINDOWS', `before and after windows of ${tw.months} months each`));
      return { ok: true, result, conclusion: conclusionForWdd(result), robustness: none };
    }) : { ok: false, reason: 'no comparison areas' };
  }
  for (const m of EVALUATION_METHODS) {
    const o = out[m];
    if (o !== undefined && o.ok) out.conclusions.push(o.conclusion);
  }
  if (out.conclusions.length === 0) out.caveats.push(caveat('NO_ESTIMATE', 'no estimator could run on this panel'));
  const verdicts = EVALUATION_METHODS.flatMap((m) => {
    const o = out[m];
    const e = o !== undefined && o.ok ? o.result.effect : null;
    if (e === null || e.standardError === 0) return [];
    return [{ m, v: e.upper < 1 ? 'fell' : e.lower > 1 ? 'rose' : 'no clear change' }];
  });
  if (new Set(verdicts.map((x) => x.v)).size > 1) {
    out.caveats.push(caveat('ESTIMATORS_DISAGREE', `the estimators disagree (${verdicts.map((x) => `${x.m}: ${x.v}`).join(', ')}): read the assumptions of each before drawing a conclusion`));
  }
  return out;
}
