/**
 * Randomised schedule: a mixed strategy over K-unit placements with chosen per-site coverage
 * probabilities, drawn by systematic (comb) sampling.
 *
 * What it answers: how to vary where K units are posted from day to day so that an adversary who
 * watches the pattern cannot count on a site being empty, while each site is staffed on a
 * predictable share of days π_i (its coverage probability), e.g. proportional to the harm within
 * its reach and capped at 1. Also: how much expected covered harm this unpredictability costs
 * against the single best (greedy) plan.
 * Method: (1) `inclusionProbabilities`: π_i = min(1, c × score_i) with c chosen so that Σ π_i = K
 * (sites that hit the cap are fixed at 1 and the rest rescaled, repeatedly: the usual
 * "cap and redistribute"). (2) `drawSchedule`: systematic sampling (Madow 1949) on a random order:
 * shuffle the sites, lay the π_i end to end on [0, K), draw u ~ U[0, 1) and take the sites whose
 * interval contains one of u, u + 1, ..., u + K − 1. Because every π_i ≤ 1 no interval holds two
 * points, so each draw has exactly K distinct sites, and P(site i drawn) = π_i exactly (the
 * shuffle only randomises which sites appear together).
 * Units: probabilities; covered harm in the demand's weight units.
 * Complexity: O(n) per draw plus the shuffle; `inclusionProbabilities` O(n × rounds), rounds ≤ n.
 * How to read it: `probabilities[i]` is the share of draws (days, shifts) on which site i is
 * staffed; `expectedCoveredWeight` is the Monte Carlo mean of covered harm over draws (with its
 * standard error); `priceOfUnpredictability` = 1 − expected / greedy covered weight.
 * What it is not: a Stackelberg equilibrium. ARMOR, IRIS and PROTECT (Tambe et al.) compute the
 * coverage vector that maximises the defender's utility against an attacker who best-responds
 * (or responds with quantal response); here the coverage vector is a stated policy (proportional
 * to risk, capped), not the solution of that game.
 * References: W. G. Madow (1949), "On the theory of systematic sampling II", Annals of
 * Mathematical Statistics 20; Y. Tillé (2006), Sampling Algorithms, Springer, §7 (systematic
 * sampling, cap-and-redistribute inclusion probabilities, as in R's
 * sampling::inclusionprobabilities); J. Pita et al. (2008) "Deployed ARMOR protection", AAMAS;
 * M. Tambe (2011), Security and Game Theory, Cambridge University Press.
 */
import { BaseeratError } from '../domain/errors.js';
import { caveat, type Caveat } from '../domain/caveats.js';
import { shuffle, type Rng } from '../random/seeded-rng.js';
import { coveredWeight, type CoverageMatrix } from './coverage-matrix.js';

export interface InclusionProbabilities {
  probabilities: Float64Array;
  caveats: Caveat[];
}

/**
 * π_i = min(1, c·score_i), Σ π_i = units. Sites with score 0 get 0 unless fewer than `units` sites
 * have a positive score; then the remaining mass is spread evenly over the zero-score sites (with
 * a caveat) so that a draw can still hold `units` distinct sites.
 */
export function inclusionProbabilities(scores: ArrayLike<number>, units: number): InclusionProbabilities {
  const n = scores.length;
  if (!Number.isInteger(units) || units < 0) throw new BaseeratError('VALIDATION', `units must be an integer >= 0, got ${units}`, { field: 'units' });
  if (units > n) throw new BaseeratError('VALIDATION', `units = ${units} exceeds the ${n} sites (one unit per site)`, { field: 'units' });
  const pi = new Float64Array(n);
  const caveats: Caveat[] = [];
  // Scores relative to the largest: tiny scores (1e-320) would otherwise overflow c to Infinity.
  // A score that underflows to 0 relative to the largest counts as 0.
  let top = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!(s >= 0) || !Number.isFinite(s)) throw new BaseeratError('VALIDATION', `scores[${i}] must be finite and >= 0, got ${s}`, { field: `scores[${i}]` });
    top = Math.max(top, s);
  }
  const rel = (i: number): number => scores[i]! / top;
  const positive: number[] = [];
  if (top > 0) for (let i = 0; i < n; i++) if (rel(i) > 0) positive.push(i);
  if (units === 0) return { probabilities: pi, caveats };
  if (positive.length <= units) {
    for (const i of positive) pi[i] = 1;
    const rest = units - positive.length;
    if (rest > 0) {
      const share = rest / (n - positive.length);
      for (let i = 0; i < n; i++) if (pi[i] === 0) pi[i] = share;
      caveats.push(caveat('schedule.zero-score-sites', `only ${positive.length} sites have a positive score for ${units} units: the other ${rest} units rotate evenly over ${n - positive.length} zero-score sites`, rest));
    }
    return { probabilities: pi, caveats };
  }
  const capped = new Uint8Array(n);
  let nCapped = 0;
  for (;;) {
    let free = 0;
    for (const i of positive) if (capped[i] === 0) free += rel(i);
    const c = free > 0 ? (units - nCapped) / free : 0;
    // In exact arithmetic at most units − nCapped sites reach the cap; with extreme score ratios c
    // can overflow, so cap only that many, largest scores first.
    const reach = positive.filter((i) => capped[i] === 0 && c * rel(i) >= 1).sort((a, b) => rel(b) - rel(a) || a - b);
    const newly = reach.slice(0, units - nCapped);
    for (const i of newly) capped[i] = 1;
    const newlyCapped = newly.length;
    if (newlyCapped === 0) {
      for (const i of positive) pi[i] = capped[i] === 1 ? 1 : c * rel(i);
      break;
    }
    nCapped += newlyCapped;
  }
  if (nCapped > 0) caveats.push(caveat('schedule.capped-sites', `${nCapped} sites are staffed in every draw (probability capped at 1): they are predictable`, nCapped));
  return { probabilities: pi, caveats };
}

/**
 * (1 − alpha)·a + alpha·b: a dial between two coverage vectors with the same K, e.g. the greedy
 * plan as 0/1 probabilities (alpha = 0: fully predictable) and a risk-proportional vector
 * (alpha = 1). A convex combination keeps Σπ = K and 0 ≤ π ≤ 1, so it is again a valid schedule.
 */
export function blendProbabilities(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number): Float64Array {
  if (a.length !== b.length) throw new BaseeratError('VALIDATION', `probability vectors differ in length: ${a.length} vs ${b.length}`, { field: 'b' });
  if (!(alpha >= 0 && alpha <= 1)) throw new BaseeratError('VALIDATION', `alpha must be in [0, 1], got ${alpha}`, { field: 'alpha' });
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - alpha) * a[i]! + alpha * b[i]!;
  return out;
}

/** A plan (site indices) as a 0/1 coverage vector over `nSites`. */
export function planProbabilities(plan: readonly number[], nSites: number): Float64Array {
  const out = new Float64Array(nSites);
  for (const i of plan) {
    if (!(i >= 0 && i < nSites)) throw new BaseeratError('VALIDATION', `plan holds site index ${i}, not in [0, ${nSites})`, { field: 'plan' });
    out[i] = 1;
  }
  return out;
}

/** One draw of exactly K = round(Σπ) distinct sites with P(site i) = π_i (systematic sampling on a random order). */
export function drawSchedule(probabilities: ArrayLike<number>, rng: Rng): number[] {
  const n = probabilities.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1 + 1e-12)) throw new BaseeratError('VALIDATION', `probabilities[${i}] must be in [0, 1], got ${p}`, { field: `probabilities[${i}]` });
    total += p;
  }
  const units = Math.round(total);
  if (Math.abs(total - units) > 1e-6 * Math.max(1, n)) throw new BaseeratError('VALIDATION', `probabilities must sum to a whole number of units, got ${total}`, { field: 'probabilities' });
  const order = shuffle(rng, Array.from({ length: n }, (_, i) => i));
  const u = rng.next();
  const out: number[] = [];
  const scale = units / (total || 1);
  // The running sum is pinned to `units` at the last site with π > 0, so rounding can neither
  // drop the last tooth of the comb nor hand it to a site with π = 0.
  let lastPositive = -1;
  for (let k = 0; k < n; k++) if (probabilities[order[k]!]! > 0) lastPositive = k;
  let cum = 0;
  let next = u;
  for (let k = 0; k < n && out.length < units; k++) {
    const i = order[k]!;
    if (!(probabilities[i]! > 0)) continue;
    cum = k === lastPositive ? units : cum + probabilities[i]! * scale;
    if (cum > next) {
      out.push(i);
      next += 1;
    }
  }
  return out;
}

export interface ScheduleSummary {
  probabilities: Float64Array;
  /** Share of draws in which each site was staffed (should match `probabilities`). */
  frequencies: Float64Array;
  draws: number;
  expectedCoveredWeight: number;
  /** Monte Carlo standard error of expectedCoveredWeight. */
  standardError: number;
  /** Σ_d w_d · min(1, Σ_{i covers d} π_i): no schedule with these probabilities covers more in expectation. */
  upperBound: number;
  /** Covered weight of the pure (deterministic) plan it is compared with. */
  pureCoveredWeight: number;
  /** 1 − expected / pure: the share of covered harm given up for unpredictability. */
  priceOfUnpredictability: number;
  caveats: Caveat[];
}

/**
 * Draw `draws` schedules, count how often each site is staffed and the covered harm of each draw,
 * and compare with a pure plan (e.g. the greedy one).
 */
export function summariseSchedule(matrix: CoverageMatrix, probabilities: Float64Array, purePlan: readonly number[], draws: number, rng: Rng): ScheduleSummary {
  if (probabilities.length !== matrix.nSites) throw new BaseeratError('VALIDATION', `probabilities has ${probabilities.length} entries, the matrix ${matrix.nSites} sites`, { field: 'probabilities' });
  if (!Number.isInteger(draws) || draws < 2) throw new BaseeratError('VALIDATION', `draws must be an integer >= 2, got ${draws}`, { field: 'draws' });
  const counts = new Float64Array(matrix.nSites);
  let sum = 0, sumSq = 0;
  for (let t = 0; t < draws; t++) {
    const plan = drawSchedule(probabilities, rng);
    for (const i of plan) counts[i] = counts[i]! + 1;
    const v = coveredWeight(matrix, plan);
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / draws;
  const variance = Math.max(0, (sumSq - draws * mean * mean) / (draws - 1));
  const reach = new Float64Array(matrix.nDemand);
  matrix.covers.forEach((c, i) => { for (const j of c) reach[j] = reach[j]! + probabilities[i]!; });
  let upperBound = 0;
  reach.forEach((p, j) => { upperBound += matrix.weights[j]! * Math.min(1, p); });
  const pure = coveredWeight(matrix, purePlan);
  const caveats: Caveat[] = [];
  if (draws < 1000) caveats.push(caveat('schedule.few-draws', `only ${draws} draws: frequencies and the expected covered harm are rough`, draws));
  return {
    probabilities,
    frequencies: counts.map((c) => c / draws),
    draws,
    expectedCoveredWeight: mean,
    standardError: Math.sqrt(variance / draws),
    upperBound,
    pureCoveredWeight: pure,
    priceOfUnpredictability: pure > 0 ? 1 - mean / pure : 0,
    caveats,
  };
}
