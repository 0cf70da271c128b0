import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earsC } from '../../src/monitor/ears-c1-c2-c3.js';
import { earsCases, seriesById } from './reference.js';

describe('EARS C1/C2/C3 (reference: R surveillance::earsC on UCDP Balochistan series)', () => {
  it('covers weekly and monthly series, the three methods and minSigma 0 and 0.5', () => {
    expect(earsCases.length).toBe(114);
    expect(new Set(earsCases.map((c) => c.method))).toEqual(new Set(['C1', 'C2', 'C3']));
    // NA upper bounds occur in R (C3, constant baselines): the test must see some of them.
    expect(earsCases.some((c) => c.upperbound.includes(null))).toBe(true);
  });

  it('equals earsC: alarms exactly, upper bounds to 1e-9, NA where R gives NA', () => {
    let compared = 0, alarms = 0;
    const mismatches: string[] = [];
    for (const c of earsCases) {
      const y = seriesById(c.series);
      const r = earsC(y, { method: c.method, minSigma: c.minSigma });
      expect(r.firstIndex, c.series).toBe(c.firstIndex);
      expect(r.alpha).toBe(c.alpha);
      c.upperbound.forEach((u, i) => {
        const t = c.firstIndex + i;
        const label = `${c.series} ${c.method} minSigma ${c.minSigma} t ${t}`;
        // Collected rather than asserted one by one: 57,000 expect() calls would dominate the run time.
        if (u === null ? !Number.isNaN(r.upperbound[t]!) : !(Math.abs(r.upperbound[t]! - u) <= 1e-9)) mismatches.push(`${label}: bound ${r.upperbound[t]} vs R ${u}`);
        const a = c.alarm[i];
        if (r.alarm[t] !== (a === 1 ? 1 : 0)) mismatches.push(`${label}: alarm ${r.alarm[t]} vs R ${a}`);
        alarms += a === 1 ? 1 : 0;
        compared++;
      });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(50000);
    expect(alarms).toBeGreaterThan(100);
  });

  it('a period depends only on its past (appending data never changes earlier results)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 13, maxLength: 60 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom('C1', 'C2', 'C3'), (y, extra, method) => {
        const full = earsC([...y, ...Array.from({ length: extra }, (_, i) => (i * 7) % 11)], { method, minSigma: 0.5 });
        const part = earsC(y, { method, minSigma: 0.5 });
        for (let t = 0; t < y.length; t++) {
          expect(Object.is(full.upperbound[t], part.upperbound[t]) || full.upperbound[t] === part.upperbound[t]).toBe(true);
          expect(full.alarm[t]).toBe(part.alarm[t]);
        }
      }),
      { seed: 20261127, numRuns: 200 },
    );
  });

  it('hand-checked C1: baseline 1..7 has mean 4 and sd 2.1602; the bound is 4 + 3.0902 sd', () => {
    const r = earsC([1, 2, 3, 4, 5, 6, 7, 20, 4]);
    const sd = Math.sqrt(28 / 6);
    expect(r.upperbound[7]).toBeCloseTo(4 + 3.090232306167813 * sd, 12);
    expect(r.alarm[7]).toBe(1);
    expect(r.alarm[8]).toBe(0);
    expect(Number.isNaN(r.upperbound[6]!)).toBe(true);
  });

  it('rejects bad options and too short series with typed errors', () => {
    expect(() => earsC([1, 2, 3], {})).toThrow(/needs more than 7 periods/);
    expect(() => earsC(new Array(20).fill(1), { baseline: 2 })).toThrow(/baseline/);
    expect(() => earsC(new Array(20).fill(1), { minSigma: -1 })).toThrow(/minSigma/);
    expect(() => earsC([...new Array(19).fill(1), NaN])).toThrow(/series\[19\]/);
  });
});
