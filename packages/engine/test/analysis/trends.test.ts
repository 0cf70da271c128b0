import { describe, expect, it } from 'vitest';
import { changeByDistrict, compareWindows, countSeries, describeChange, oneYearEarlier, rollingRates, trendTest } from '../../src/analysis/trends.js';
import { SeededRng } from '../../src/random/seeded-rng.js';
import { poissonRateTest } from '../../src/stats/poisson-rate-test.js';
import { ref } from '../stats/temporal-reference.js';
import { columns, type Ev } from './aggregate-test-columns.js';

const H5 = 5 * 3600e3;
const local = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - H5; // local midnight in Pakistan
const win = (count: number, days: number) => ({ from: 0, to: days * 86400e3, count, days, perDay: count / days });

describe('describeChange', () => {
  it('says 14 -> 23 over two equal weeks is up 64% and not significant, with R poisson.test figures', () => {
    const c = describeChange(win(23, 7), win(14, 7));
    const r = ref.poisson.find((p) => p.x1 === 23 && p.x0 === 14)!;
    expect(c.rateRatio).toBeCloseTo(r.rateRatio as number, 12);
    expect(c.pValue).toBeCloseTo(r.pValue, 9);
    expect(c.significant).toBe(false);
    expect(c.summary).toBe('up 64% (23 vs 14), not significant at the 5% level (p = 0.19; rate ratio 1.64, 95% CI 0.81-3.45)');
  });
  it('handles a zero baseline and a significant fall', () => {
    expect(describeChange(win(5, 30), win(0, 30)).summary).toBe('up from none to 5, not significant at the 5% level (p = 0.063)');
    const down = describeChange(win(90, 365), win(120, 365));
    expect(down.direction).toBe('down');
    const fall = describeChange(win(20, 30), win(60, 30));
    expect(fall.significant).toBe(true);
    expect(fall.summary).toMatch(/^down 67% \(20 vs 60\), significant at the 5% level \(p < 0.001/);
  });
});

describe('compareWindows', () => {
  const rng = new SeededRng('trends');
  const evs: Ev[] = [];
  // Two years of events at about one a day, with March 2024 doubled, and a few month-precise ones.
  for (let t = local(2023, 1, 1); t < local(2025, 1, 1); t += 86400e3) {
    const k = (t >= local(2024, 3, 1) && t < local(2024, 4, 1) ? 2 : 1) * (rng.next() < 0.5 ? 1 : 2) - (rng.next() < 0.3 ? 1 : 0);
    for (let j = 0; j < k; j++) evs.push({ time: t + Math.floor(rng.next() * 86400e3), district: Math.floor(rng.next() * 4) });
  }
  evs.push({ time: local(2024, 3, 1), timePrecision: 2 });
  evs.push({ time: Number.NaN });
  const cols = columns(evs);
  const count = (a: number, b: number) => evs.filter((e) => e.time >= a && e.time < b && (e.timePrecision ?? 0) <= 1).length;

  it('counts each window independently and tests them exactly like poisson.test', () => {
    const c = compareWindows(cols, { from: local(2024, 3, 1), to: local(2024, 4, 1) });
    expect(c.previous!.current.count).toBe(count(local(2024, 3, 1), local(2024, 4, 1)));
    expect(c.previous!.baseline.count).toBe(count(local(2024, 1, 30), local(2024, 3, 1))); // 31 days before 1 March 2024
    const m = compareWindows(cols, { from: local(2024, 3, 1), to: local(2024, 4, 1), previousFrom: local(2024, 2, 1) });
    expect(m.previous!.baseline.count).toBe(count(local(2024, 2, 1), local(2024, 3, 1)));
    expect(m.previous!.baseline.days).toBe(29);
    expect(c.lastYear!.baseline.count).toBe(count(local(2023, 3, 1), local(2023, 4, 1)));
    const expected = poissonRateTest(c.lastYear!.current.count, 31, c.lastYear!.baseline.count, 31);
    expect(c.lastYear!.pValue).toBe(expected.pValue);
    expect(c.lastYear!.significant).toBe(true);
    expect(c.lastYear!.direction).toBe('up');
    expect(c.caveats.find((x) => x.code === 'TIME_TOO_COARSE')!.count).toBe(1);
    expect(c.caveats.find((x) => x.code === 'NO_TIME')!.count).toBe(1);
  });
  it('same period last year keeps the local calendar date', () => {
    expect(oneYearEarlier(local(2024, 3, 1))).toBe(local(2023, 3, 1));
    expect(oneYearEarlier(local(2024, 2, 29))).toBe(local(2023, 3, 1));
  });
  it('per district: BH-adjusted p-values are at least the raw ones, and a caveat names the number of tests', () => {
    const r = changeByDistrict(cols, { from: local(2024, 3, 1), to: local(2024, 4, 1) });
    expect(r.areas).toHaveLength(4);
    for (const a of r.areas) expect(a.pAdjusted).toBeGreaterThanOrEqual(a.pValue);
    expect(r.caveats.find((c) => c.code === 'MULTIPLE_TESTING')!.count).toBe(4);
    expect(r.areas.reduce((s, a) => s + a.current.count, 0)).toBe(count(local(2024, 3, 1), local(2024, 4, 1)));
  });
  it('monthly series has zeros filled and month lengths, and rolling rates are per day', () => {
    const s = countSeries(cols, { from: local(2023, 1, 1), to: local(2025, 1, 1), period: 'month' });
    expect(s.keys).toHaveLength(24);
    expect(s.days.slice(0, 3)).toEqual([31, 28, 31]);
    expect(s.counts.reduce((a, b) => a + b, 0)).toBe(count(local(2023, 1, 1), local(2025, 1, 1)) + 1);
    const rr = rollingRates(s, 3);
    expect(rr[1]).toBeNull();
    expect(rr[2]).toBeCloseTo((s.counts[0]! + s.counts[1]! + s.counts[2]!) / 90, 12);
  });
});

describe('trendTest', () => {
  it('agrees with the R-referenced kernels on the R Sen case and reads as a sentence', () => {
    const c = ref.sens[3]!; // a falling series of 20 values
    const r = trendTest(c.values, { unit: 'month' });
    expect(r.slope).toBeCloseTo(c.slope, 12);
    expect(r.slopeLower).toBeCloseTo(c.lower!, 12);
    expect(r.direction).toBe('decreasing');
    expect(r.summary).toMatch(/^decreasing over 20 months \(Mann-Kendall tau -0\.\d\d, p < 0.001\); Sen's slope -1\.\d+ per month \(95% CI/);
  });
  it('finds no trend in a flat noisy series', () => {
    const r = trendTest([5, 7, 4, 6, 5, 8, 3, 6, 5, 7, 4, 6]);
    expect(r.direction).toBe('no trend');
    expect(r.caveats.map((c) => c.code)).toContain('TREND_ASSUMPTIONS');
  });
});
