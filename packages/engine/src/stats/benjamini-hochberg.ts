/**
 * Benjamini-Hochberg false-discovery-rate adjusted p-values.
 *
 * Answers: "of all the cells I call significant, what share may be false alarms?" When a hot spot
 * map tests thousands of cells at 5%, hundreds are "significant" by chance alone; declaring a cell
 * significant when its adjusted p-value is at most q keeps the expected share of false discoveries
 * among the declared ones at or below q (for independent or positively dependent tests).
 *
 * Definition (R `p.adjust(p, method = "BH")`): sort p ascending, p_adj(i) = min over j >= i of
 * min(1, n p(j) / j), returned in the original order. Units: probabilities. Complexity: O(n log n).
 * NaN inputs are not allowed (throws): an analysis must decide what an untestable cell means first.
 *
 * Reference: Benjamini, Y. and Hochberg, Y. (1995) "Controlling the false discovery rate", JRSS B
 * 57(1), 289-300. Checked against R `p.adjust` in test/stats/benjamini-hochberg.test.ts.
 */
import { BaseeratError } from '../domain/errors.js';

export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const n = pValues.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = pValues[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new BaseeratError('VALIDATION', `benjaminiHochberg: pValues[${i}] must lie in [0, 1], got ${p}`, { field: 'pValues' });
    }
    order[i] = i;
  }
  order.sort((a, b) => pValues[a]! - pValues[b]!);
  let running = 1;
  for (let rank = n; rank >= 1; rank--) {
    const idx = order[rank - 1]!;
    const candidate = (n / rank) * pValues[idx]!;
    if (candidate < running) running = candidate;
    out[idx] = running;
  }
  return out;
}
