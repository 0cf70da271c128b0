/**
 * Feedback-loop safeguard (Ensign et al. 2018) and the data mix of a risk view.
 *
 * What it answers: how much should an incident that patrols *discovered* count, when patrols were
 * sent where the model said risk was high? Counting it in full lets the model learn where police
 * were sent, not where incidents happen (Lum and Isaac 2016; Ensign et al. 2018 prove the runaway
 * loop). Ensign et al.'s correction accepts a discovered incident with probability proportional
 * to (1 - the area's share of patrol), rescaled so that the largest acceptance is 1. Baseerat uses
 * the acceptance probability as a weight (its expectation) instead of a random draw, so a result
 * does not depend on a seed. Incidents reported by the public, and those whose mode is unknown,
 * keep weight 1: only discovered ones are down-weighted, and only where patrol dosage is known.
 * Units: weights in [0, 1]. Complexity: O(areas + events).
 * How to read it: with equal patrol everywhere every weight is 1 (no correction); an area that
 * received 60 % of the patrols while another received 10 % keeps (1 - 0.6) / (1 - 0.1) = 0.44 of
 * its discovered incidents.
 * Reference: D. Ensign, S. A. Friedler, S. Neville, C. Scheidegger and S. Venkatasubramanian (2018),
 * "Runaway feedback loops in predictive policing", FAT* 2018, PMLR 81, section 5.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { REPORTING_MODES, type ReportingMode } from '../domain/incident.js';

/** Acceptance of a discovered incident per area: (1 - share_a) / max_b (1 - share_b). */
export function discoveredIncidentAcceptance(patrolShare: ArrayLike<number>): Float64Array {
  let best = 0;
  for (let a = 0; a < patrolShare.length; a++) {
    const s = patrolShare[a]!;
    if (!(s >= 0 && s <= 1)) throw new BaseeratError('VALIDATION', `patrolShare[${a}] is ${s}, expected a share in [0, 1]`, { field: 'patrolShare' });
    best = Math.max(best, 1 - s);
  }
  const out = new Float64Array(patrolShare.length);
  // Every area at share 1 cannot happen with shares summing to 1 over two or more areas; guard anyway.
  for (let a = 0; a < patrolShare.length; a++) out[a] = best > 0 ? (1 - patrolShare[a]!) / best : 1;
  return out;
}

const DISCOVERED = REPORTING_MODES.indexOf('discovered');

/**
 * Weight of each incident: 1, except discovered incidents in an area with known patrol dosage,
 * which get the area's acceptance. `mode` indexes REPORTING_MODES; `area` -1 means outside.
 */
export function feedbackLoopWeights(mode: ArrayLike<number>, area: ArrayLike<number>, patrolShare?: ArrayLike<number>): Float64Array {
  const w = new Float64Array(mode.length).fill(1);
  if (patrolShare === undefined) return w;
  const acc = discoveredIncidentAcceptance(patrolShare);
  for (let i = 0; i < mode.length; i++) {
    const a = area[i]!;
    if (mode[i] === DISCOVERED && a >= 0 && a < acc.length) w[i] = acc[a]!;
  }
  return w;
}

export type DataMix = Record<ReportingMode, number>;

export function emptyDataMix(): DataMix {
  return { public: 0, discovered: 0, unknown: 0 };
}

/** Count of incidents by reporting mode among those with keep(i). */
export function dataMixOf(mode: ArrayLike<number>, keep: (i: number) => boolean = () => true): DataMix {
  const mix = emptyDataMix();
  for (let i = 0; i < mode.length; i++) {
    if (!keep(i)) continue;
    const m = REPORTING_MODES[mode[i]!] ?? 'unknown';
    mix[m] += 1;
  }
  return mix;
}

/** The caveats a risk view carries about its data mix and the correction applied. */
export function dataMixCaveats(mix: DataMix, corrected: boolean): Caveat[] {
  const total = mix.public + mix.discovered + mix.unknown;
  const out: Caveat[] = [];
  if (total === 0) return out;
  if (mix.discovered > 0 && !corrected) {
    out.push(caveat('DISCOVERED_NOT_CORRECTED', `${mix.discovered} of ${total} incidents were discovered by patrols and patrol dosage was not given: they count in full, so the index can learn where patrols went rather than where incidents happen (Ensign et al. 2018)`, mix.discovered));
  }
  if (mix.unknown > total / 2) {
    out.push(caveat('REPORTING_MODE_UNKNOWN', `${mix.unknown} of ${total} incidents do not say whether the public reported them or patrols discovered them: the feedback-loop correction cannot reach them`, mix.unknown));
  }
  return out;
}
