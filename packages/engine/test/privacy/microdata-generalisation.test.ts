/**
 * Generalisation, donut geomasking and k-anonymity suppression (generator side). Expected values are
 * worked by hand from the definitions (calendar arithmetic, H3 hierarchy, great-circle distance).
 */
import fc from 'fast-check';
import { cellToParent, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import { casualtyBand, donutGeomask, generaliseH3, generaliseTime, suppressSmallClasses, timePrecisionAllows } from '../../src/privacy/index.js';

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

describe('generaliseTime (Pakistan time, UTC+5)', () => {
  it('week, month, quarter and year, including the local-day boundary and ISO week-year', () => {
    // 2020-12-31T20:00Z is 2021-01-01 01:00 in Karachi: a Friday in ISO week 2020-W53.
    const t = Date.UTC(2020, 11, 31, 20);
    expect(generaliseTime(t, 'week')).toBe('2020-W53');
    expect(generaliseTime(t, 'month')).toBe('2021-01');
    expect(generaliseTime(t, 'quarter')).toBe('2021-Q1');
    expect(generaliseTime(t, 'year')).toBe('2021');
    expect(generaliseTime(Date.UTC(2019, 8, 30, 12), 'quarter')).toBe('2019-Q3');
    expect(() => generaliseTime(Number.NaN, 'month')).toThrow(/time/);
  });
  it('a month-precise time fits a month but not a week', () => {
    expect(timePrecisionAllows(2, 'month')).toBe(true);
    expect(timePrecisionAllows(2, 'week')).toBe(false);
    expect(timePrecisionAllows(3, 'quarter')).toBe(false);
    expect(timePrecisionAllows(3, 'year')).toBe(true);
  });
});

describe('generaliseH3', () => {
  const cell9 = latLngToCell(30.18, 66.99, 9); // Quetta
  it('returns the parent at resolution <= 7', () => {
    expect(generaliseH3(cell9, 7)).toBe(cellToParent(cell9, 7));
    expect(getResolution(generaliseH3(cell9, 5))).toBe(5);
  });
  it('refuses resolutions finer than 7, coarser cells and non-cells', () => {
    expect(() => generaliseH3(cell9, 8)).toThrow(/h3Resolution|resolution/);
    expect(() => generaliseH3(cellToParent(cell9, 4), 6)).toThrow(/coarser/);
    expect(() => generaliseH3('not-a-cell', 6)).toThrow(/H3/);
  });
});

describe('casualtyBand', () => {
  it('bands killed + injured', () => {
    expect([casualtyBand(0, 0), casualtyBand(1, 1), casualtyBand(2, 1), casualtyBand(9, 0), casualtyBand(4, 6)]).toEqual(['0', '1-2', '3-9', '3-9', '10+']);
  });
});

describe('donutGeomask', () => {
  it('moves every point between rMin and rMax (property, great-circle distance)', () => {
    fc.assert(fc.property(fc.double({ min: 24, max: 32, noNaN: true }), fc.double({ min: 60, max: 71, noNaN: true }), fc.integer(), (lat, lon, seed) => {
      const m = donutGeomask(lat, lon, { minKm: 0.5, maxKm: 5 }, new SeededRng(seed));
      const d = haversineKm({ lat, lon }, m);
      expect(d).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(d).toBeLessThanOrEqual(5 + 1e-6);
      expect(Math.abs(d - m.distanceKm)).toBeLessThan(1e-6);
    }), { seed: 7, numRuns: 300 });
  });
  it('is uniform over the annulus area: the median distance is sqrt((rMin² + rMax²) / 2)', () => {
    const rng = new SeededRng('donut');
    const ds = Array.from({ length: 20_000 }, () => donutGeomask(29, 66, { minKm: 1, maxKm: 5 }, rng).distanceKm).sort((a, b) => a - b);
    // P(r <= m) = (m² - 1) / 24 = 0.5 at m = sqrt(13); the sample median's sd here is about 0.01 km
    expect(Math.abs(ds[10_000]! - Math.sqrt(13))).toBeLessThan(0.05);
  });
  it('refuses radii out of order', () => {
    expect(() => donutGeomask(29, 66, { minKm: 5, maxKm: 1 }, new SeededRng(1))).toThrow(/radii/);
  });
});

describe('suppressSmallClasses', () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => ({ district: 'Quetta', month: '2020-01', category: i % 2 === 0 ? 'TI.BOMB' : 'TI.ASSAULT' })),
    ...Array.from({ length: 9 }, (_, i) => ({ district: 'Kech', month: '2020-01', category: i % 2 === 0 ? 'TI.BOMB' : 'TI.ASSAULT' })),
    ...Array.from({ length: 12 }, () => ({ district: 'Gwadar', month: '2020-01', category: 'TI.BOMB' })),
  ];
  it('keeps classes with >= k rows and >= l sensitive values, suppresses the rest whole', () => {
    const r = suppressSmallClasses(rows, { quasiIdentifiers: ['district', 'month'], sensitive: 'category', k: 10, l: 2 });
    expect(r.kept.map((x) => x.district)).toEqual(Array(10).fill('Quetta'));
    expect(r.suppressed).toBe(21);
    expect([r.classesKept, r.classesSuppressed]).toEqual([1, 2]);
  });
  it('with l = 1 the homogeneous class of 12 is kept', () => {
    const r = suppressSmallClasses(rows, { quasiIdentifiers: ['district', 'month'], sensitive: 'category', k: 10, l: 1 });
    expect(r.kept.length).toBe(22);
  });
  it('refuses missing quasi-identifiers and a sensitive attribute used as a quasi-identifier', () => {
    expect(() => suppressSmallClasses([{ district: ' ', month: '2020-01', category: 'x' }], { quasiIdentifiers: ['district', 'month'], sensitive: 'category' })).toThrow(/district/);
    expect(() => suppressSmallClasses(rows, { quasiIdentifiers: ['district', 'category'], sensitive: 'category' })).toThrow(/sensitive/);
  });
});
