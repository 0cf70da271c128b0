import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poissonCusum, poissonCusumReferenceValue, trailingMean } from '../../src/monitor/cusum.js';
import { cusumCases, seriesById } from './reference.js';

describe('Poisson CUSUM', () => {
  it('equals R surveillance::algo.cusum (trans "none", no reset) on UCDP weekly series', () => {
    expect(cusumCases.length).toBe(9);
    let alarms = 0;
    for (const c of cusumCases) {
      const y = seriesById(c.series);
      expect(poissonCusumReferenceValue(c.mu0, c.mu1)).toBeCloseTo(c.k, 14);
      const r = poissonCusum(y, { mu0: c.mu0, mu1: c.mu1, h: c.h, reset: 'none' });
      const bad: string[] = [];
      c.cusum.forEach((s, t) => {
        if (!(Math.abs(r.statistic[t]! - s) <= 1e-9)) bad.push(`t ${t}: S ${r.statistic[t]} vs R ${s}`);
        if (r.alarm[t] !== c.alarm[t]) bad.push(`t ${t}: alarm ${r.alarm[t]} vs R ${c.alarm[t]}`);
      });
      expect(bad.slice(0, 5), `${c.series} mu0 ${c.mu0}`).toEqual([]);
      alarms += c.alarm.reduce((a, b) => a + b, 0);
    }
    expect(alarms).toBeGreaterThan(50);
  });

  it('hand-checked: mu0 1, mu1 2 gives k = 1/ln 2; reset to 0 after the alarm, h/2 with FIR', () => {
    const k = 1 / Math.LN2; // 1.4427
    expect(poissonCusumReferenceValue(1, 2)).toBeCloseTo(k, 15);
    const y = [0, 3, 3, 3, 0, 0, 4];
    // S: 0, 1.557, 3.115, 4.672, 3.230, 1.787, 4.344 with h = 4.5 and reset 'none': alarm at t = 3 only.
    const none = poissonCusum(y, { mu0: 1, h: 4.5, reset: 'none' });
    expect(Array.from(none.alarm)).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect(none.statistic[6]).toBeCloseTo(13 - 6 * k, 10); // S_0 = max(0, -k) = 0, then no clipping
    const zero = poissonCusum(y, { mu0: 1, h: 4.5, reset: 'zero' });
    expect(zero.statistic[3]).toBeCloseTo(9 - 3 * k, 12);
    expect(zero.statistic[4]).toBe(0); // restarted at 0, then 0 - k clipped at 0
    expect(zero.statistic[6]).toBeCloseTo(4 - k, 12);
    const fir = poissonCusum(y, { mu0: 1, h: 4.5, reset: 'fir' });
    expect(fir.statistic[0]).toBeCloseTo(Math.max(0, 2.25 - k), 12);
    // The head start of h/2 carries through: S after t = 2 is 2.25 - k higher than without it.
    expect(fir.statistic[2]! - zero.statistic[2]!).toBeCloseTo(2.25 - k, 12);
    expect(fir.alarm[3]).toBe(1);
    expect(fir.statistic[4]).toBeCloseTo(Math.max(0, 2.25 - k), 12); // restarted at h/2
  });

  it('upperbound is the largest count that does not alarm', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.double({ min: 1, max: 8, noNaN: true }), (y, mu0, h) => {
        const r = poissonCusum(y, { mu0, h });
        const t = y.length - 1;
        const u = r.upperbound[t]!;
        const withCount = (x: number): number => poissonCusum([...y.slice(0, t), x], { mu0, h }).alarm[t]!;
        if (u >= 0) expect(withCount(u)).toBe(0);
        expect(withCount(Math.max(0, u + 1))).toBe(1);
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  it('trailingMean leaves out the gap and floors quiet stretches', () => {
    const m = trailingMean([4, 4, 0, 0, 0, 0, 8], 2, 1, 0.05);
    expect(Array.from(m)).toEqual([0.05, 0.05, 4, 4, 2, 0.05, 0.05]);
  });

  it('rejects bad parameters', () => {
    expect(() => poissonCusumReferenceValue(0, 1)).toThrow(/mu0/);
    expect(() => poissonCusumReferenceValue(2, 1)).toThrow(/mu1/);
    expect(() => poissonCusum([1, 2], { mu0: 1, h: -1 })).toThrow(/h is/);
    expect(() => poissonCusum([1, 2], { mu0: [1] })).toThrow(/mu0 has length/);
  });
});
