/**
 * Simulation study of the estimators: many seeded panels with a known effect, and for each estimator
 * the bias of the log rate ratio, the mean estimated percent change, the 95% interval coverage, the
 * mean interval width and the share of intervals that exclude no change (power, or size when the true
 * effect is 1).
 * Complexity: replications x (one ITS, one DiD, one synthetic control with J placebos, one WDD).
 * The full study (200+ replications) is bench/evaluate/simulation-study.ts; tests run ~20.
 */
import { SeededRng } from '../random/seeded-rng.js';
import { evaluatePanel, EVALUATION_METHODS, type EvaluationMethod } from './evaluate-panel.js';
import { simulateEvaluationPanel, DEFAULT_SIMULATION_DESIGN, type SimulationDesign } from './simulate-evaluation-panel.js';

export interface EstimatorPerformance {
  method: EvaluationMethod;
  /** Replications where the estimator returned an estimate with an interval. */
  runs: number;
  failures: number;
  trueRateRatio: number;
  /** Mean of (estimated log RR - true log RR). */
  biasLogRateRatio: number;
  /** exp(mean estimated log RR), as a percent change. */
  meanPercentChange: number;
  /** Root mean squared error of the log RR. */
  rmseLogRateRatio: number;
  /** Share of 95% intervals that contain the true rate ratio. */
  coverage: number;
  /** Mean width of the 95% interval of the log RR. */
  meanIntervalWidthLog: number;
  /** Share of intervals that exclude 1. */
  rejectionRate: number;
}

export interface SimulationStudyResult {
  seed: number;
  replications: number;
  design: Required<SimulationDesign>;
  estimators: EstimatorPerformance[];
}

export function simulationStudy(seed: number, replications: number, design: SimulationDesign = {}, methods: readonly EvaluationMethod[] = EVALUATION_METHODS, onReplication?: (i: number) => void): SimulationStudyResult {
  const d = { ...DEFAULT_SIMULATION_DESIGN, ...design };
  const truth = Math.log(d.effect);
  const acc = new Map<EvaluationMethod, { est: number[]; lo: number[]; hi: number[]; failures: number }>();
  for (const m of methods) acc.set(m, { est: [], lo: [], hi: [], failures: 0 });
  for (let r = 0; r < replications; r++) {
    const panel = simulateEvaluationPanel(new SeededRng(`evaluate-study:${seed}:${r}`), d);
    const ev = evaluatePanel(panel, { methods, robustness: false });
    for (const m of methods) {
      const a = acc.get(m)!;
      const o = ev[m];
      const effect = o !== undefined && o.ok ? o.result.effect : null;
      if (effect === null || effect.standardError === 0) { a.failures += 1; continue; }
      a.est.push(effect.logRateRatio);
      a.lo.push(Math.log(effect.lower));
      a.hi.push(Math.log(effect.upper));
    }
    onReplication?.(r);
  }
  const estimators: EstimatorPerformance[] = methods.map((m) => {
    const a = acc.get(m)!;
    const n = a.est.length;
    const mean = (v: number[]) => (v.length === 0 ? 0 : v.reduce((x, y) => x + y, 0) / v.length);
    const meanEst = mean(a.est);
    return {
      method: m, runs: n, failures: a.failures, trueRateRatio: d.effect,
      biasLogRateRatio: meanEst - truth,
      meanPercentChange: 100 * (Math.exp(meanEst) - 1),
      rmseLogRateRatio: Math.sqrt(mean(a.est.map((e) => (e - truth) ** 2))),
      coverage: n === 0 ? 0 : a.est.filter((_, i) => a.lo[i]! <= truth && truth <= a.hi[i]!).length / n,
      meanIntervalWidthLog: mean(a.hi.map((h, i) => h - a.lo[i]!)),
      rejectionRate: n === 0 ? 0 : a.est.filter((_, i) => a.lo[i]! > 0 || a.hi[i]! < 0).length / n,
    };
  });
  return { seed, replications, design: d, estimators };
}
