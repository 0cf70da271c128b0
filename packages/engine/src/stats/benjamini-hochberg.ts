/**
 * Benjamini-Hochberg false-discovery-rate adjusted p-values.
 *
 * Answers: "of all the cells I call significant, what share may be false alarms?" When a hot spot
 * map tests thousands of cells at 5%, hundreds are "significant" by chance alone; declaring a cell
 * significant when its adjusted p-value is at most q keeps the expected share of false discoveries
 * among the declared ones at or below q (for independent or positively dependent tests).
 *
 * Definition (R `p.adjust(p, method = "BH")`): sort p ascending, p_adj(i) = min over j >= i of
 * min(1, n p(j) / j), returned in the original order. Units: probabilities. Complexity: O(n log n); an exact radix sort on the bits makes it O(n) for large n.
 * NaN inputs are not allowed (throws): an analysis must decide what an untestable cell means first.
 *
 * Reference: Benjamini, Y. and Hochberg, Y. (1995) "Controlling the false discovery rate", JRSS B
 * 57(1), 289-300. Checked against R `p.adjust` in test/stats/benjamini-hochberg.test.ts.
 */
import { BaseeratError } from '../domain/errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Indices of `values` (finite, >= 0) in ascending order, stable. For large inputs an LSD radix sort on
 * the IEEE-754 bits (monotone for non-negative doubles, four 16-bit digits): exact, and several
 * times faster than a comparator sort or a search per element at 10^5-10^6 tests.
 */
function ascendingOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 4096 || !LITTLE_ENDIAN) {
    order.sort((a, b) => values[a]! - values[b]! || a - b);
    return order;
  }
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let next = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[2 * i + word]! >>> shift) & 0xffff]!++;
    // a digit shared by every value needs no pass
    if (counts[(words[word]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const idx = order[k]!;
      const d = (words[2 * idx + word]! >>> shift) & 0xffff;
      next[counts[d]!++] = idx;
    }
    const tmp = order;
    order = next;
    next = tmp;
  }
  return order;
}

export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const n = pValues.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = pValues[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new BaseeratError('VALIDATION', `benjaminiHochberg: pValues[${i}] must lie in [0, 1], got ${v}`, { field: 'pValues' });
    }
    p[i] = v + 0; // -0 -> +0, so that the bit patterns sort as the numbers
  }
  const order = ascendingOrder(p);
  // Running minimum from the largest p down; tied p-values end with one shared value, as in R.
  let running = 1;
  for (let rank = n; rank >= 1; rank--) {
    const idx = order[rank - 1]!;
    const candidate = (n / rank) * p[idx]!;
    if (candidate < running) running = candidate;
    out[idx] = running;
  }
  // Within a tie group the later ranks give smaller candidates: give every member the group's value.
  for (let rank = n - 1; rank >= 1; rank--) {
    const a = order[rank - 1]!;
    const b = order[rank]!;
    if (p[a] === p[b]) out[a] = out[b]!;
  }
  return out;
}
