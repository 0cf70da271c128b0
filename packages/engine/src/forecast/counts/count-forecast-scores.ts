/**
 * Scores of probabilistic count forecasts beside the CRPS (stats/crps.ts), as in the VIEWS
 * prediction competitions: the ignorance (log) score over binned counts, central prediction
 * intervals and their coverage, and the probability integral transform (PIT) for integer data.
 *
 * - Log score: -log2 P(bin containing y). Bins (VIEWS-style, for district-period counts):
 *   0, 1-2, 3-5, 6-10, 11-25, 26-50, 51-100, 101+. The probability is floored at 1e-6 (about
 *   19.9 bits) so that one impossible outcome cannot make a mean infinite; the floor is part of the
 *   score's definition here and is stated in the model card.
 * - Interval: [q(a/2), q(1 - a/2)] with q(p) the smallest k with F(k) >= p; covered when lo <= y <= hi.
 * - PIT: the non-randomised PIT histogram of Czado, Gneiting and Held (2009, Biometrics 65):
 *   F(u | y) = 0 below P(y-1), linear up to P(y), 1 above; the histogram averages these over cases,
 *   and is flat (1 in every bin) for a calibrated forecast. `randomisedPit` draws
 *   u = F(y-1) + v (F(y) - F(y-1)) with a seeded generator instead.
 * Complexity: O(support) per case.
 */
import { BaseeratError } from '../../domain/errors.js';
import type { Rng } from '../../random/seeded-rng.js';
import { distributionCdf, distributionQuantile, type IntegerDistribution } from '../../stats/count-distributions.js';

/** Lower edges of the log-score bins; the last bin is open-ended. */
export const LOG_SCORE_BIN_EDGES: readonly number[] = [0, 1, 3, 6, 11, 26, 51, 101];
export const LOG_SCORE_PROBABILITY_FLOOR = 1e-6;

export function binnedLogScore(d: IntegerDistribution, y: number, edges: readonly number[] = LOG_SCORE_BIN_EDGES): number {
  if (!Number.isInteger(y) || y < 0) throw new BaseeratError('VALIDATION', `y is ${y}, expected a count`, { field: 'y' });
  let b = 0;
  while (b + 1 < edges.length && y >= edges[b + 1]!) b++;
  const lo = edges[b]!;
  const hi = b + 1 < edges.length ? edges[b + 1]! - 1 : Infinity;
  const pLo = distributionCdf(d, lo - 1);
  const pHi = hi === Infinity ? 1 : distributionCdf(d, hi);
  return -Math.log2(Math.max(LOG_SCORE_PROBABILITY_FLOOR, pHi - pLo));
}

export function centralInterval(d: IntegerDistribution, level: number): { lower: number; upper: number } {
  if (!(level > 0 && level < 1)) throw new BaseeratError('VALIDATION', `level is ${level}, expected 0 < level < 1`, { field: 'level' });
  const a = (1 - level) / 2;
  return { lower: distributionQuantile(d, a), upper: distributionQuantile(d, 1 - a) };
}

/** F(y - 1) and F(y): the PIT of an integer outcome is spread uniformly between them. */
export function pitBounds(d: IntegerDistribution, y: number): [number, number] {
  return [distributionCdf(d, y - 1), Math.min(1, distributionCdf(d, y) + (y >= d.pmf.length ? d.tail : 0))];
}

export function randomisedPit(d: IntegerDistribution, y: number, rng: Rng): number {
  const [a, b] = pitBounds(d, y);
  return a + rng.next() * (b - a);
}

/** Accumulates Czado et al.'s non-randomised PIT histogram over many cases. */
export class PitHistogram {
  readonly bins: number;
  private readonly sums: Float64Array;
  private n = 0;
  constructor(bins = 10) {
    if (!Number.isInteger(bins) || bins < 2) throw new BaseeratError('VALIDATION', `bins is ${bins}, expected an integer >= 2`, { field: 'bins' });
    this.bins = bins;
    this.sums = new Float64Array(bins);
  }
  add(d: IntegerDistribution, y: number): void {
    const [a, b] = pitBounds(d, y);
    // u >= b first: an outcome the forecast gave probability 0 (a = b) puts its whole mass at a.
    const F = (u: number) => (u >= b ? 1 : u <= a ? 0 : (u - a) / (b - a));
    let prev = 0;
    for (let j = 0; j < this.bins; j++) {
      const cur = F((j + 1) / this.bins);
      this.sums[j]! += cur - prev;
      prev = cur;
    }
    this.n++;
  }
  get count(): number {
    return this.n;
  }
  /** Relative frequency per bin times the number of bins: 1 everywhere when calibrated. */
  density(): number[] {
    return Array.from(this.sums, (s) => (this.n === 0 ? 0 : (s / this.n) * this.bins));
  }
}
