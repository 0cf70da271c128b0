import { describe, expect, it } from 'vitest';
import { nearRepeat } from '../../src/analysis/near-repeat.js';
import { SeededRng } from '../../src/random/seeded-rng.js';
import { knoxTest } from '../../src/stats/knox-test.js';
import { columns, type Ev } from './aggregate-test-columns.js';

const DAY = 86400e3;
const T0 = Date.UTC(2024, 0, 1);

/** Quetta-sized city: background incidents over 15 km x 15 km and a year, plus planted near repeats (<= 150 m, <= 6 days) and repeats at the same place (1-6 days). */
function city(seed: string, planted = true): Ev[] {
  const rng = new SeededRng(seed);
  const evs: Ev[] = [];
  for (let i = 0; i < 400; i++) {
    evs.push({ time: T0 + Math.floor(rng.next() * 365) * DAY + 9 * 3600e3, lat: 30.1 + rng.next() * 0.135, lon: 66.9 + rng.next() * 0.156, category: Math.floor(rng.next() * 5), targetType: Math.floor(rng.next() * 3) });
  }
  if (!planted) return evs;
  for (let i = 0; i < 80; i++) {
    const src = evs[Math.floor(rng.next() * 400)]!;
    evs.push({ time: src.time + Math.floor(rng.next() * 7) * DAY, lat: src.lat! + (rng.next() - 0.5) * 0.002, lon: src.lon! + (rng.next() - 0.5) * 0.002, category: src.category!, targetType: src.targetType! });
  }
  for (let i = 0; i < 20; i++) {
    const src = evs[Math.floor(rng.next() * 400)]!;
    evs.push({ time: src.time + Math.floor(1 + rng.next() * 6) * DAY, lat: src.lat!, lon: src.lon!, category: src.category!, targetType: src.targetType! });
  }
  return evs;
}

describe('nearRepeat', () => {
  const evs = city('near-repeat');
  const extra: Ev[] = [
    { time: T0, district: 0, locationPrecision: 2 },
    { time: T0, lat: 30.15, lon: 66.95, timePrecision: 2 },
    { time: T0, lat: 30.16, lon: 66.96, locationPrecision: 1 },
    { time: Number.NaN, lat: 30.16, lon: 66.96 },
  ];
  const r = nearRepeat(columns([...evs, ...extra]), { seed: 7, spaceBandsMetres: [200, 400, 800], timeBandsDays: [7, 14, 28] });

  it('finds the planted near repeats and no excess far away, with BH-adjusted p-values', () => {
    expect(r.events).toBe(501);
    expect(r.significantBands).toContain('(0, 200] m x [0, 7] d');
    expect(r.significantBands).toContain('same location x [0, 7] d');
    expect(r.ratio[1]![0]!).toBeGreaterThan(2);
    expect(r.significantBands.filter((b) => b.startsWith('> 800 m'))).toEqual([]);
    // The far-far corner mirrors the near excess (fixed margins): significant in the table, never reported as a band.
    expect(r.ratio[4]![3]!).toBeGreaterThan(1);
    expect(r.ratio[4]![3]!).toBeLessThan(1.01);
    r.pAdjusted.flat().forEach((q, i) => expect(q).toBeGreaterThanOrEqual(r.pValue.flat()[i]!));
  });

  it('finds nothing in the background alone (negative control)', () => {
    const bg = nearRepeat(columns(city('near-repeat', false)), { seed: 7, spaceBandsMetres: [200, 400, 800], timeBandsDays: [7, 14, 28] });
    expect(bg.events).toBe(400);
    expect(bg.significantBands).toEqual([]);
  });

  it('leaves out and counts incidents without a point or a day, and flags near positions', () => {
    const codes = Object.fromEntries(r.caveats.map((c) => [c.code, c.count]));
    expect(codes.NO_POINT).toBe(1);
    expect(codes.TIME_TOO_COARSE).toBe(1);
    expect(codes.NO_TIME).toBe(1);
    expect(codes.NEAR_POSITIONS).toBe(1);
    expect(nearRepeat(columns([...evs, ...extra]), { seed: 7, precision: 'exact', permutations: 99 }).events).toBe(500);
  });

  it('is the Knox kernel on projected coordinates, reproducible by seed', () => {
    const inc = evs;
    const lat0 = (inc.reduce((a, e) => a + e.lat!, 0) / inc.length) * Math.PI / 180;
    const R = 6371008.8;
    const k = knoxTest(inc.map((e) => R * Math.cos(lat0) * e.lon! * Math.PI / 180), inc.map((e) => R * e.lat! * Math.PI / 180), inc.map((e) => e.time / DAY),
      { spaceBands: [200, 400, 800], timeBands: [7, 14, 28], permutations: 199, rng: new SeededRng(3) });
    const a = nearRepeat(columns(inc), { seed: 3, permutations: 199, spaceBandsMetres: [200, 400, 800], timeBandsDays: [7, 14, 28] });
    expect(a.observed).toEqual(k.observed);
    expect(a.pValue).toEqual(k.pValue);
    expect(nearRepeat(columns(inc), { seed: 3, permutations: 199, spaceBandsMetres: [200, 400, 800], timeBandsDays: [7, 14, 28] }).pValue).toEqual(a.pValue);
  });

  it('summarises repeat targeting: same places, same category more often than chance', () => {
    const rt = r.repeatTargeting;
    expect(rt.repeatLocations).toBeGreaterThanOrEqual(15);
    expect(rt.sameLocationPairs).toBe(r.observed[0]!.reduce((a, b) => a + b, 0));
    expect(rt.sameCategoryShare!).toBeGreaterThan(rt.sameCategoryShareAllPairs! * 2);
    expect(rt.sameTargetShare!).toBeGreaterThan(rt.sameTargetShareAllPairs!);
    expect(rt.medianDaysToRepeat!).toBeGreaterThan(0);
  });
});
