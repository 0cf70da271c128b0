import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoUtcMs, isoUtcString } from '../../src/link/iso-time.js';

/** Object.is: NaN equals NaN, and 0 is not -0. */
const same = (a: number, b: number) => Object.is(a, b);

const YEAR_10000 = 253_402_300_800_000;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Strings of the handled shapes with every field in and a little out of range (day 29-31 of every month, hour 24, ...). */
const nearIso = fc.record({
  y: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 100, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 9999)),
  mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 60 }),
  ms: fc.integer({ min: 0, max: 999 }), frac: fc.boolean(),
}).map(({ y, mo, d, h, mi, s, ms, frac }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac ? `.${pad(ms, 3)}` : ''}Z`);

/** One character of a valid string replaced, removed or added. */
const mutated = fc.tuple(fc.integer({ min: 0, max: YEAR_10000 - 1 }), fc.nat(30), fc.constantFrom('', '0', '9', 'Z', 'z', 't', ' ', '-', ':', '.', '+', 'a', '\u0660', '05', '+05:00'), fc.integer({ min: 0, max: 2 }))
  .map(([ms, at, ch, how]) => {
    const v = new Date(ms).toISOString();
    const i = at % (v.length + 1);
    return how === 0 ? v.slice(0, i) + ch + v.slice(i + 1) : how === 1 ? v.slice(0, i) + v.slice(i + 1) : v.slice(0, i) + ch + v.slice(i);
  });

describe('isoUtcMs', () => {
  it('equals Date.parse on valid times of years 0000-9999, with and without milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: YEAR_10000 - 1 }), (ms) => {
      const v = new Date(ms).toISOString();
      expect(isoUtcMs(v)).toBe(ms);
      const noMs = `${v.slice(0, 19)}Z`;
      expect(same(isoUtcMs(noMs), Date.parse(noMs))).toBe(true);
    }), { numRuns: 20_000 });
  });

  it('equals Date.parse on near-miss, mutated and random strings', () => {
    fc.assert(fc.property(fc.oneof(nearIso, mutated, fc.string({ maxLength: 26 })), (v) => {
      expect([v, isoUtcMs(v)]).toEqual([v, Date.parse(v)]);
    }), { numRuns: 30_000 });
  });

  it('on edge cases', () => {
    for (const v of ['2024-02-29T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z',
      '0099-12-31T23:59:59.999Z', '0100-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z',
      '2024-01-01T24:00:00.000Z', '2024-01-01T10:00:60Z', '2024-04-31T10:00:00Z', '2024-01-01T10:00:00.000z', '+002024-01-01T10:00:00.000Z', '']) {
      expect([v, isoUtcMs(v)]).toEqual([v, Date.parse(v)]);
    }
  });
});

describe('isoUtcString', () => {
  it('equals toISOString for any time, inside and outside years 0000-9999', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: YEAR_10000 - 1 }), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -1e15, max: 1e15, noNaN: true })), (ms) => {
      expect(isoUtcString(ms)).toBe(new Date(ms).toISOString());
    }), { numRuns: 30_000 });
    for (const ms of [0, -1, 1, YEAR_10000 - 1, YEAR_10000, 951_782_400_000, 1_709_164_800_000, 86_399_999, -0, 0.5, 1e3 - 0.5]) {
      expect([ms, isoUtcString(ms)]).toEqual([ms, new Date(ms).toISOString()]);
    }
  });

  it('throws as toISOString does for NaN and out-of-range times', () => {
    for (const ms of [Number.NaN, 8.64e15 + 1, Infinity]) expect(() => isoUtcString(ms)).toThrow(RangeError);
  });
});
