/**
 * A small seeded pseudo-random generator and the few distributions the engine needs.
 *
 * What it answers: reproducible random draws for simulation, permutation tests and synthetic data.
 * The engine never calls `Math.random`: every function that needs randomness takes an `Rng`, so a
 * run is fully determined by its seed.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state, period at
 * least 2^32, passes PractRand to 2^40+ bytes). It is seeded by splitmix32 over the seed so that
 * nearby seeds (1, 2, 3) give unrelated streams, and 12 outputs are discarded to mix the state.
 * Not cryptographic: never use it for keys, tokens or differential-privacy noise in production
 * releases (those need a CSPRNG supplied by the server).
 *
 * Complexity: O(1) per draw; `poisson` is O(lambda) for lambda < 30 (Knuth) and O(1) expected
 * above (PTRS, Hörmann 1993).
 *
 * References: sfc32 from PractRand (pracrand.sourceforge.net); splitmix32 (Steele, Lea and Flood
 * 2014); Box-Muller transform; W. Hörmann (1993), "The transformed rejection method for generating
 * Poisson random variables", Insurance: Mathematics and Economics 12.
 */
import { BaseeratError } from '../domain/errors.js';

export interface Rng {
  /** Uniform on [0, 1), 32 bits of resolution. */
  next(): number;
}

/** splitmix32 step: turns any 32-bit integer into a well-mixed one (used for seeding only). */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

/** Hash of a string seed to 32 bits (FNV-1a), so that seeds can be names (`"synth:levies"`). */
function seedToInt(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new BaseeratError('VALIDATION', `seed must be a finite number, got ${seed}`, { field: 'seed' });
    // Keep the fractional and high parts: seeds 1.5 and 2**40+1 must not collide with 1.
    return (Math.floor(seed) ^ Math.floor(seed / 2 ** 32) ^ Math.round((seed % 1) * 2 ** 31)) >>> 0;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The sfc32 generator seeded from a number or a string. Same seed, same stream, on every platform. */
export class SeededRng implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    let s = seedToInt(seed);
    let out: number;
    [s, out] = splitmix32(s); this.a = out;
    [s, out] = splitmix32(s); this.b = out;
    [s, out] = splitmix32(s); this.c = out;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An independent generator derived from this one's next outputs (for splitting work by agency, say). */
  fork(label = ''): SeededRng {
    return new SeededRng(`${this.nextUint32()}:${this.nextUint32()}:${label}`);
  }
}

/** Uniform on [min, max). */
export function uniform(rng: Rng, min = 0, max = 1): number {
  return min + (max - min) * rng.next();
}

/** Uniform integer in [min, max] (both inclusive). */
export function uniformInt(rng: Rng, min: number, max: number): number {
  if (!(max >= min)) throw new BaseeratError('VALIDATION', `uniformInt needs max >= min, got min=${min} max=${max}`, { field: 'max' });
  return min + Math.floor(rng.next() * (Math.floor(max) - Math.ceil(min) + 1));
}

/** True with probability p. */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Normal(mean, sd) by Box-Muller (one of the pair is discarded: simpler state, same distribution). */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  let u = 0;
  while (u === 0) u = rng.next();
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential with the given mean (not rate). */
export function exponential(rng: Rng, mean: number): number {
  if (!(mean > 0)) throw new BaseeratError('VALIDATION', `exponential needs mean > 0, got ${mean}`, { field: 'mean' });
  return -mean * Math.log(1 - rng.next());
}

/** Poisson(lambda): Knuth's product method below 30, Hörmann's PTRS above. */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new BaseeratError('VALIDATION', `poisson needs a finite lambda >= 0, got ${lambda}`, { field: 'lambda' });
  if (lambda === 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  // Stirling series: accurate to ~1e-10 for k >= 2, enough for an acceptance test.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** One element of a non-empty array, uniformly. */
export function choice<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new BaseeratError('VALIDATION', 'choice needs a non-empty array, got length 0', { field: 'items' });
  return items[Math.floor(rng.next() * items.length)]!;
}

/**
 * An index drawn with probability proportional to `weights` (non-negative, not all zero).
 * O(n) per draw; for many draws from the same weights build a `WeightedSampler`.
 */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  return new WeightedSampler(weights).sample(rng);
}

/** Many draws from fixed weights: cumulative table + binary search, O(log n) per draw. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new BaseeratError('VALIDATION', `weights[${i}] must be finite and >= 0, got ${w}`, { field: `weights[${i}]` });
      total += w;
      this.cumulative[i] = total;
    }
    if (!(total > 0)) throw new BaseeratError('VALIDATION', 'weights must not all be zero', { field: 'weights' });
  }
  sample(rng: Rng): number {
    const cum = this.cumulative;
    const x = rng.next() * cum[cum.length - 1]!;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}
