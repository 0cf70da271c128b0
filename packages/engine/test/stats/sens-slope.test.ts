import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sensSlope } from '../../src/stats/sens-slope.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { close, ref } from './temporal-reference.js';

const scipy = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/reference/temporal-sens.json', import.meta.url)), 'utf8')) as {
  cases: { values: number[]; confidence: number; slope: number; lower: number; upper: number }[];
};

describe("sensSlope against the R hand-coding of trend::sens.slope (reference: temporal-stats.R)", () => {
  it('slope, interval and tie-corrected Var S', () => {
    for (const c of ref.sens) {
      const r = sensSlope(c.values);
      expect(close(r.slope, c.slope, 1e-12), `slope of ${c.values.join(',')}`).toBe(true);
      expect(close(r.lower, c.lower ?? 'Inf', 1e-12), `lower of ${c.values.join(',')}: ${r.lower}`).toBe(true);
      expect(close(r.upper, c.upper ?? 'Inf', 1e-12), `upper of ${c.values.join(',')}: ${r.upper}`).toBe(true);
      expect(close(r.varianceS, c.varianceS, 1e-12)).toBe(true);
    }
  });
  it('slope and interval equal scipy.stats.theilslopes at 95% and 90% (reference: temporal-sens.py)', () => {
    expect(scipy.cases).toHaveLength(12);
    for (const c of scipy.cases) {
      const r = sensSlope(c.values, undefined, c.confidence);
      const tag = `${c.confidence} ${c.values.slice(0, 5).join(',')}...`;
      expect(close(r.slope, c.slope, 1e-12), `slope ${tag}`).toBe(true);
      expect(close(r.lower, c.lower, 1e-12), `lower ${tag}: ${r.lower} vs ${c.lower}`).toBe(true);
      expect(close(r.upper, c.upper, 1e-12), `upper ${tag}: ${r.upper} vs ${c.upper}`).toBe(true);
    }
  });
  it('recovers the slope of an exact line and is unmoved by one outlier (property, seed 11)', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), fc.integer({ min: 0, max: 19 }), (b, a, k) => {
        const y = Array.from({ length: 20 }, (_, i) => a + b * (i + 1));
        y[k] = y[k]! + 1e6;
        return Math.abs(sensSlope(y).slope - b) < 1e-9 * (1 + Math.abs(b));
      }),
      { seed: 11, numRuns: 100 },
    );
  });
  it('gives null bounds when the series is too short for the confidence level', () => {
    const r = sensSlope([1, 2, 3]);
    expect(r.lower).toBeNull();
    expect(r.slope).toBe(1);
  });
  it('throws InsufficientData for a single value', () => {
    expect(() => sensSlope([4])).toThrow(/at least 2 values, got 1/);
  });
});
