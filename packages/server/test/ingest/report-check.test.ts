import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLASSIFICATION_LEVELS, ReportSchema } from '@baseerat/engine';
import { checkReport, isCanonicalValidReport, isIsoUtc } from '../../src/ingest/report-check.js';

const iso = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms).toISOString());
// optional keys are omitted, never set to undefined: that is what the adapters build
const opt = <T>(a: fc.Arbitrary<T>) => a;
const validArb = fc.record({
  occurredAt: iso,
  timePrecision: fc.constantFrom('exact', 'day', 'month', 'year'),
  reportedAt: opt(iso),
  location: fc.record({
    lat: opt(fc.double({ min: -90, max: 90, noNaN: true })),
    lon: opt(fc.double({ min: -180, max: 180, noNaN: true })),
    precision: fc.constantFrom('exact', 'near', 'district', 'province', 'unknown'),
    district: opt(fc.constantFrom('Quetta', 'Kech')),
    province: opt(fc.constantFrom('Balochistan')),
    h3: opt(fc.constantFrom('8742d4a6dffffff')),
    placeName: opt(fc.constantFrom('Turbat', '')),
  }, { requiredKeys: ['precision'], noNullPrototype: true }),
  category: fc.constantFrom('TI.BOMB', 'CR.ROBBERY', 'PO.PROTEST'),
  severity: fc.record({ killed: fc.nat(20), injured: fc.nat(20), abducted: fc.nat(20) }, { noNullPrototype: true }),
  targetType: opt(fc.constantFrom('police', '')),
  perpetrator: opt(fc.constantFrom('BLA', '')),
  narrative: opt(fc.string({ maxLength: 10 })),
  classification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  reportingMode: fc.constantFrom('public', 'discovered', 'unknown'),
  source: fc.record({
    agency: fc.constantFrom('police', 'levies'), sourceId: fc.string({ minLength: 1, maxLength: 5 }), receivedAt: iso,
    format: fc.constantFrom('mapping:police'), raw: fc.string({ maxLength: 10 }),
  }, { noNullPrototype: true }),
}, { requiredKeys: ['occurredAt', 'timePrecision', 'location', 'category', 'severity', 'classification', 'reportingMode', 'source'], noNullPrototype: true });

/** Values that break one field each: wrong types, out of range, non-canonical or impossible times, empty strings, NaN. */
const badValues = fc.constantFrom<unknown>(
  undefined, null, '', 'x', -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 91, -181, 2 ** 60, true, {}, [],
  '2024-02-30T00:00:00.000Z', '2023-02-29T10:00:00.000Z', '2024-02-29T10:00:00.000Z', '2024-03-01T24:00:00.000Z',
  '2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000+05:00', '2024-03-01 10:00:00.000Z', '2024-03-01T10:00Z', 'TI.BOMB', 'SECRET', 'exact', '8742d4a6dffffff', '8742D4A6DFFFFFF',
);
const paths: (readonly string[])[] = [
  ['occurredAt'], ['timePrecision'], ['reportedAt'], ['location'], ['location', 'lat'], ['location', 'lon'], ['location', 'precision'],
  ['location', 'district'], ['location', 'province'], ['location', 'h3'], ['location', 'placeName'], ['location', 'extra'], ['category'],
  ['severity'], ['severity', 'killed'], ['severity', 'injured'], ['severity', 'abducted'], ['severity', 'extra'], ['targetType'], ['perpetrator'],
  ['narrative'], ['classification'], ['reportingMode'], ['source'], ['source', 'agency'], ['source', 'sourceId'], ['source', 'receivedAt'],
  ['source', 'format'], ['source', 'raw'], ['source', 'extra'], ['extra'],
];

function setPath(o: Record<string, unknown>, path: readonly string[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(o);
  let t: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof t[k] !== 'object' || t[k] === null) return copy;
    t = t[k] as Record<string, unknown>;
  }
  t[path[path.length - 1]!] = v;
  return copy;
}

/** A report with its keys in another order: zod would return it reordered. */
function reversed(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).reverse());
}

/** checkReport and zod agree: same success, same data (key order included), same issues. */
function agree(x: unknown) {
  const fast = checkReport(x), zod = ReportSchema.safeParse(x);
  expect(fast.success).toBe(zod.success);
  if (fast.success && zod.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(zod.data));
  else expect(fast.error?.issues).toEqual(zod.error?.issues);
  if (isCanonicalValidReport(x)) {
    expect(zod.success).toBe(true);
    expect(JSON.stringify(zod.data)).toBe(JSON.stringify(x));
  }
}

describe('checkReport: ReportSchema without zod for canonical reports', () => {
  it('accepts valid reports built in schema order without zod, and zod returns the same object', () => {
    let fast = 0;
    fc.assert(fc.property(validArb, (r) => {
      agree(r);
      if (isCanonicalValidReport(r)) fast++;
    }), { seed: 20261127, numRuns: 400 });
    // the point of the check: every valid report the arbitrary builds takes the fast path
    expect(fast).toBe(400);
  });

  it('answers like zod when one field is broken (fast-check, fixed seed)', () => {
    fc.assert(fc.property(validArb, fc.constantFrom(...paths), badValues, (r, path, v) => {
      const bad = setPath(r as Record<string, unknown>, path, v);
      agree(bad);
    }), { seed: 20261127, numRuns: 1500 });
  });

  it('answers like zod for keys out of order, class instances and non-objects', () => {
    fc.assert(fc.property(validArb, (r) => {
      const rr = r as Record<string, unknown>;
      agree(reversed(rr));
      agree({ ...rr, location: reversed(rr.location as Record<string, unknown>) });
      agree({ ...rr, source: reversed(rr.source as Record<string, unknown>) });
    }), { seed: 20261128, numRuns: 200 });
    for (const x of [null, undefined, 1, 'report', [], new Date(0)]) agree(x);
  });
});

describe('checkReport: its ISO test and the objects a caller built', () => {
  /** zod's own pattern, as report-check takes it. */
  const pattern = (ReportSchema.shape.occurredAt as unknown as { _zod: { pattern: RegExp } })._zod.pattern;
  const anyYear = fc.integer({ min: -62_167_219_200_000, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map((ms) => new Date(ms).toISOString());
  const nearMiss = fc.tuple(anyYear, fc.nat(), fc.constantFrom(...'0123456789-:.TtZz+ '), fc.constantFrom('set', 'drop', 'double')).map(([s, i, c, how]) => {
    const k = i % s.length;
    return how === 'set' ? s.slice(0, k) + c + s.slice(k + 1) : how === 'drop' ? s.slice(0, k) + s.slice(k + 1) : s.slice(0, k) + s[k]! + s.slice(k);
  });

  it('isIsoUtc answers what zod\'s pattern answers (toISOString of years 0000-9999 and near misses: 30 February, 24:00, ...)', () => {
    let canonical = 0;
    fc.assert(fc.property(fc.oneof(anyYear, nearMiss, fc.string({ unit: fc.constantFrom(...'0123456789-:.TZ'), maxLength: 26 })), (s) => {
      expect(isIsoUtc(s)).toBe(pattern.test(s));
      if (s.length === 24 && pattern.test(s)) canonical++;
    }), { seed: 20261127, numRuns: 20_000 });
    expect(canonical).toBeGreaterThan(5_000);
    for (const v of [undefined, null, 1, {}]) expect(isIsoUtc(v)).toBe(false);
  });

  it('a symbol key on any of the four objects: not canonical (zod drops it), unless the caller built them (built: true, its promise)', () => {
    const key = Symbol('extra');
    fc.assert(fc.property(validArb, fc.constantFrom<readonly string[]>([], ['location'], ['severity'], ['source']), (r, path) => {
      const x = structuredClone(r) as Record<string | symbol, unknown>;
      const o = (path.length === 0 ? x : x[path[0]!]) as Record<string | symbol, unknown>;
      o[key] = 1;
      expect(isCanonicalValidReport(x)).toBe(false);
      const checked = checkReport(x);
      expect(checked.success).toBe(true);
      const data = checked.data as unknown as Record<string, unknown>;
      expect(Object.getOwnPropertySymbols(path.length === 0 ? data : data[path[0]!] as object)).toEqual([]);
      expect(isCanonicalValidReport(x, true)).toBe(true);
    }), { seed: 20261127, numRuns: 200 });
  });

  it('built: true answers as the full check on objects without symbol keys (valid, one field broken, keys out of order)', () => {
    fc.assert(fc.property(validArb, fc.constantFrom(...paths), badValues, (r, path, v) => {
      for (const x of [r, setPath(r as Record<string, unknown>, path, v), reversed(r as Record<string, unknown>)]) {
        expect(isCanonicalValidReport(x, true)).toBe(isCanonicalValidReport(x));
      }
    }), { seed: 20261129, numRuns: 1500 });
  });
});
