/**
 * Baseerat's evaluation estimators against R (glm, MASS::glm.nb, sandwich::NeweyWest, sandwich::vcovCL,
 * quadprog::solve.QP) on UCDP Balochistan district-month counts with an illustrative start date.
 * Fixture: scripts/reference/evaluate-reference.R -> fixtures/reference/evaluate-reference.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  differenceInDifferences, interruptedTimeSeries, roleTotal, simplexLeastSquares, syntheticControl, weightedDisplacementDifference,
  type EvaluationPanel,
} from '../../src/evaluate/index.js';

interface ItsRef { coefficients: number[]; modelSE: number[]; hacSE: number[]; names: string[]; theta: number | null }
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/evaluate-reference.json', import.meta.url), 'utf8')) as {
  panel: { areas: string[]; treated: boolean[]; periods: string[]; monthOfYear: number[]; startIndex: number; counts: number[][] };
  its: { lag: number; poissonDispersion: number; poisson: ItsRef; poissonSlope: ItsRef; negbin: ItsRef; negbinDefault: ItsRef };
  did: { coefficient: number; modelSE: number; clusterSE: number; keptPeriods: number; preTrend: { coefficient: number; clusterSE: number } };
  synth: { donors: string[]; weights: number[] };
  synthRandom: { J: number; L: number; donors: number[]; target: number[]; weights: number[] };
  wdd: { input: Record<'T0' | 'T1' | 'C0' | 'C1' | 'D0' | 'D1' | 'Cd0' | 'Cd1', number>; result: { wdd: number; variance: number; z: number; p: number; wdq: number; logRR: number; seLogRR: number } };
};

const panel: EvaluationPanel = {
  periods: ref.panel.periods,
  monthOfYear: Int8Array.from(ref.panel.monthOfYear),
  startIndex: ref.panel.startIndex,
  areas: ref.panel.areas.map((name, k) => ({ name, role: ref.panel.treated[k] === true ? 'treated' : 'comparison', counts: Float64Array.from(ref.panel.counts[k]!) })),
};

function close(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!))));
}

describe('interrupted time series = R glm / glm.nb + sandwich::NeweyWest', () => {
  const y = roleTotal(panel, 'treated');
  it('Poisson level change: coefficients, model SEs and HAC SEs to 1e-6', () => {
    const r = interruptedTimeSeries(y, panel.startIndex, panel.monthOfYear, { family: 'poisson', harmonics: 1, lag: ref.its.lag, epsilon: 1e-12 });
    expect(r.columns).toEqual(['(Intercept)', 't', 'post', 'sin1', 'cos1']);
    close(r.coefficients, ref.its.poisson.coefficients, 1e-6);
    close(r.modelStandardErrors, ref.its.poisson.modelSE, 1e-6);
    close(r.standardErrors, ref.its.poisson.hacSE, 1e-6);
    expect(r.poissonDispersion).toBeCloseTo(ref.its.poissonDispersion, 6);
    expect(r.effect.rateRatio).toBeCloseTo(Math.exp(ref.its.poisson.coefficients[2]!), 6);
    // The effect uses the larger of HAC and model SE: here R's HAC SE.
    expect(Math.abs(r.effect.standardError - Math.max(ref.its.poisson.hacSE[2]!, ref.its.poisson.modelSE[2]!))).toBeLessThan(1e-6);
  });
  it('Poisson level and slope change', () => {
    const r = interruptedTimeSeries(y, panel.startIndex, panel.monthOfYear, { family: 'poisson', harmonics: 1, slopeChange: true, lag: ref.its.lag, epsilon: 1e-12 });
    expect(r.columns).toEqual(ref.its.poissonSlope.names.map((n) => n));
    close(r.coefficients, ref.its.poissonSlope.coefficients, 1e-6);
    close(r.standardErrors, ref.its.poissonSlope.hacSE, 1e-6);
    expect(r.slopeChange?.logRateRatio).toBeCloseTo(ref.its.poissonSlope.coefficients[3]!, 6);
  });
  it('negative binomial (auto picks it: Pearson dispersion 1.50 > 1.5): coefficients, theta, HAC SEs', () => {
    const r = interruptedTimeSeries(y, panel.startIndex, panel.monthOfYear, { harmonics: 1, epsilon: 1e-12 });
    expect(r.family).toBe('negative-binomial');
    expect(r.lag).toBe(ref.its.lag);
    close(r.coefficients, ref.its.negbin.coefficients, 1e-6);
    expect(Math.abs(r.theta! - ref.its.negbin.theta!) / ref.its.negbin.theta!).toBeLessThan(1e-6);
    close(r.modelStandardErrors, ref.its.negbin.modelSE, 1e-6);
    close(r.standardErrors, ref.its.negbin.hacSE, 1e-6);
  });
  it('negative binomial with the defaults (epsilon 1e-8) = glm.nb with its defaults', () => {
    const r = interruptedTimeSeries(y, panel.startIndex, panel.monthOfYear, {});
    expect(r.harmonics).toBe(1);
    close(r.coefficients, ref.its.negbinDefault.coefficients, 1e-6);
    close(r.standardErrors, ref.its.negbinDefault.hacSE, 1e-6);
  });
});

describe('difference in differences = R glm with area and month factors + sandwich::vcovCL(HC1)', () => {
  it('treatedPost coefficient, model SE and cluster SE; pre-trend coefficient and cluster SE', () => {
    const r = differenceInDifferences(panel, { inference: 'cluster', epsilon: 1e-12 });
    expect(r.series.observed.length).toBe(panel.periods.length);
    expect(Math.abs(r.effect.logRateRatio - ref.did.coefficient)).toBeLessThan(1e-6);
    expect(Math.abs(r.modelStandardError - ref.did.modelSE)).toBeLessThan(1e-6);
    expect(Math.abs(r.clusterStandardError! - ref.did.clusterSE)).toBeLessThan(1e-6);
    expect(r.effect.standardError).toBe(Math.max(r.clusterStandardError!, r.quasiPoissonStandardError));
    expect(r.caveats.find((c) => c.code === 'EMPTY_PERIODS_DROPPED')?.count).toBe(panel.periods.length - ref.did.keptPeriods);
    expect(Math.abs(r.preTrend!.logRateRatio - ref.did.preTrend.coefficient)).toBeLessThan(1e-6);
    expect(Math.abs(r.preTrendClusterStandardError! - ref.did.preTrend.clusterSE)).toBeLessThan(1e-6);
    expect(r.preTrend!.standardError).toBeGreaterThanOrEqual(r.preTrendClusterStandardError!);
  });
});

describe('synthetic-control weights = quadprog::solve.QP', () => {
  it('UCDP index series: weights within 1e-4', () => {
    const r = syntheticControl(panel);
    const byName = new Map(r.weights.map((w) => [w.area, w.weight]));
    ref.synth.donors.forEach((d, j) => expect(Math.abs(byName.get(d)! - ref.synth.weights[j]!), d).toBeLessThan(1e-4));
  });
  it('random problem with zero weights: weights within 1e-4, KKT satisfied', () => {
    const s = simplexLeastSquares(Float64Array.from(ref.synthRandom.donors), ref.synthRandom.J, ref.synthRandom.target);
    close(Array.from(s.weights), ref.synthRandom.weights, 1e-4);
    expect(s.kktViolation).toBeLessThan(1e-9);
  });
});

describe('WDD and WDQ = the formulas evaluated in R', () => {
  it('separate buffer control', () => {
    const i = ref.wdd.input;
    const r = weightedDisplacementDifference({
      treated: { pre: i.T0, post: i.T1 }, control: { pre: i.C0, post: i.C1 }, buffer: { pre: i.D0, post: i.D1 }, bufferControl: { pre: i.Cd0, post: i.Cd1 },
    });
    expect(r.wdd).toBe(ref.wdd.result.wdd);
    expect(r.variance).toBe(ref.wdd.result.variance);
    expect(r.z).toBeCloseTo(ref.wdd.result.z, 12);
    expect(r.pValue).toBeCloseTo(ref.wdd.result.p, 10);
    expect(r.wdq!).toBeCloseTo(ref.wdd.result.wdq, 12);
    expect(r.effect!.logRateRatio).toBeCloseTo(ref.wdd.result.logRR, 12);
    expect(r.effect!.standardError).toBeCloseTo(ref.wdd.result.seLogRR, 12);
    expect(r.wdqReading).toBe('diffusion of benefits to the buffer');
  });
});
