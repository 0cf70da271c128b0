/**
 * Weighted Displacement Difference (WDD) and the weighted displacement quotient (WDQ): a before/after
 * comparison of four counts (treated area T, its control Ct, a buffer or displacement area D and its
 * control Cd) in two windows of equal length.
 *
 * Answers: "how many incidents did the measure prevent, net of any that moved to the buffer?" (WDD)
 * and "did incidents move to the buffer (displacement) or fall there too (diffusion of benefits)?"
 * (WDQ).
 * Definitions: WDD = dT - dCt + dD - dCd, each d = post - pre. With Poisson counts its variance is the
 * sum of the eight counts (a count shared by two roles enters with its coefficient squared); z =
 * WDD / sqrt(var), two-sided normal p-value. WDQ = (D1/Cd1 - D0/Cd0) / (T1/Ct1 - T0/Ct0).
 * The effect is also given as a rate ratio, (T1/T0) / (Ct1/Ct0), with the log-scale Poisson standard
 * error sqrt(1/T1 + 1/T0 + 1/Ct1 + 1/Ct0).
 * Units: WDD in incidents (negative = fewer, a crime-reduction estimate); WDQ dimensionless.
 * How to read WDQ (Bowers and Johnson 2003): with a success (T fell relative to Ct), WDQ > 0 is a
 * diffusion of benefits to the buffer, WDQ < 0 displacement; |WDQ| > 1 means the buffer change
 * outweighs the direct effect. It is undefined when there was no relative change in T.
 * Complexity: O(1). The counts must be windows of equal length; Poisson variance ignores
 * overdispersion, so the z-test is optimistic for clustered incidents.
 * References: Wheeler and Ratcliffe (2018), "A simple weighted displacement difference test to
 * evaluate place based crime interventions", Crime Science 7:11; Bowers and Johnson (2003),
 * "Measuring the geographical displacement and diffusion of benefit effects of crime prevention
 * activity", J. Quant. Criminology 19(3). Checked against the same formulas evaluated in R
 * (scripts/reference/evaluate-reference.R).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { twoSidedNormalPValue } from '../stats/normal-distribution.js';
import { rateRatioEffect, type RateRatioEffect } from './evaluation-panel.js';

export interface PrePost { pre: number; post: number }

export interface WddInput {
  treated: PrePost;
  control: PrePost;
  /** Buffer (displacement) area. */
  buffer?: PrePost;
  /** Control for the buffer; omitted: the treated control is used again (its variance counted with coefficient 2). */
  bufferControl?: PrePost;
}

export interface WeightedDisplacementDifferenceResult {
  method: 'wdd';
  counts: WddInput;
  wdd: number;
  variance: number;
  z: number;
  pValue: number;
  /** Without the buffer terms: dT - dCt. */
  directDifference: number;
  /** (T1/T0) / (Ct1/Ct0) with a Poisson log-scale interval; null when a count is zero. */
  effect: RateRatioEffect | null;
  wdq: number | null;
  wdqReading: string | null;
  caveats: Caveat[];
}

function check(name: string, c: PrePost | undefined): void {
  if (c === undefined) return;
  for (const k of ['pre', 'post'] as const) {
    if (!(c[k] >= 0) || !Number.isFinite(c[k])) throw new BaseeratError('VALIDATION', `${name}.${k} is ${c[k]}, expected a count >= 0`, { field: `${name}.${k}` });
  }
}

export function weightedDisplacementDifference(input: WddInput): WeightedDisplacementDifferenceResult {
  check('treated', input.treated); check('control', input.control); check('buffer', input.buffer); check('bufferControl', input.bufferControl);
  const caveats: Caveat[] = [];
  const { treated: T, control: Ct, buffer: D } = input;
  const d = (c: PrePost) => c.post - c.pre;
  const directDifference = d(T) - d(Ct);
  let wdd = directDifference;
  let variance = T.pre + T.post;
  if (D === undefined) {
    variance += Ct.pre + Ct.post;
  } else {
    wdd += d(D);
    variance += D.pre + D.post;
    if (input.bufferControl === undefined) {
      // Ct plays both control roles: dT - dCt + dD - dCt = dT + dD - 2 dCt.
      wdd -= d(Ct);
      variance += 4 * (Ct.pre + Ct.post);
      caveats.push(caveat('SHARED_CONTROL', 'the treated control also serves as the buffer control'));
    } else {
      wdd -= d(input.bufferControl);
      variance += Ct.pre + Ct.post + input.bufferControl.pre + input.bufferControl.post;
    }
  }
  const z = variance > 0 ? wdd / Math.sqrt(variance) : 0;
  const effect = T.pre > 0 && T.post > 0 && Ct.pre > 0 && Ct.post > 0
    ? rateRatioEffect(Math.log(T.post / T.pre) - Math.log(Ct.post / Ct.pre), Math.sqrt(1 / T.post + 1 / T.pre + 1 / Ct.post + 1 / Ct.pre), 'Poisson counts, log rate ratio of two before/after ratios')
    : null;
  if (effect === null) caveats.push(caveat('ZERO_COUNT', 'a treated or control count is zero: the rate ratio is not defined'));
  let wdq: number | null = null, wdqReading: string | null = null;
  if (D !== undefined) {
    const Cd = input.bufferControl ?? Ct;
    if (T.pre > 0 && Ct.pre > 0 && Ct.post > 0 && Cd.pre > 0 && Cd.post > 0) {
      const sm = T.post / Ct.post - T.pre / Ct.pre;
      const dm = D.post / Cd.post - D.pre / Cd.pre;
      if (sm < 0) {
        wdq = dm / sm;
        wdqReading = wdq > 1 ? 'diffusion of benefits larger than the direct effect'
          : wdq > 0 ? 'diffusion of benefits to the buffer'
            : wdq === 0 ? 'no change in the buffer'
              : wdq >= -1 ? 'some displacement to the buffer, smaller than the direct effect'
                : 'displacement larger than the direct effect: a net increase';
      } else {
        caveats.push(caveat('WDQ_UNDEFINED', 'the treated area did not improve relative to its control, so the displacement quotient is not meaningful'));
      }
    } else {
      caveats.push(caveat('WDQ_UNDEFINED', 'a control or buffer count is zero: the displacement quotient is not defined'));
    }
  }
  const total = T.pre + T.post;
  if (total < 20) caveats.push(caveat('FEW_EVENTS', `${total} incidents in the treated area over both windows: the test has little power`, total));
  caveats.push(caveat('POISSON_VARIANCE', 'the WDD variance assumes Poisson counts; clustered incidents make the z-test optimistic'));
  return { method: 'wdd', counts: input, wdd, variance, z, pValue: twoSidedNormalPValue(z), directDifference, effect, wdq, wdqReading, caveats };
}
