import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import { CLASSIFICATION_LEVELS, consolidate, type CategoryCode, type Report } from '@baseerat/engine';
import { IDENTITY_CODEC, RECORD_LAYOUT, canonicalIso, canonicalMs, canonicalReport, decodeRecord, incidentRow, lastTsValue, reportRow, singleReportIncidentRow, tsValue, type FieldCodec } from '../../src/store/duckdb/rows.js';
import { report, type ReportSpec } from './conformance.js';

const CATS: CategoryCode[] = ['TI.BOMB', 'TI.TARGETED', 'CR.ROBBERY', 'CR.KFR', 'PO.PROTEST', 'SO.ARREST'];
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const iso = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString());
const specArb = fc.record({
  sourceId: fc.string({ minLength: 1, maxLength: 6 }),
  occurredAt: iso,
  timePrecision: fc.constantFrom('exact', 'day', 'month', 'year') as fc.Arbitrary<'exact' | 'day' | 'month' | 'year'>,
  lat: opt(fc.double({ min: 24, max: 32, noNaN: true })),
  lon: opt(fc.double({ min: 60, max: 72, noNaN: true })),
  precision: fc.constantFrom('exact', 'near', 'district', 'province', 'unknown') as fc.Arbitrary<'exact' | 'near' | 'district' | 'province' | 'unknown'>,
  district: opt(fc.constantFrom('Quetta', 'Kech')),
  province: opt(fc.constantFrom('Balochistan')),
  h3: opt(fc.constantFrom('8742d4a6dffffff')),
  category: fc.constantFrom(...CATS),
  killed: fc.nat(9), injured: fc.nat(9), abducted: fc.nat(9),
  classification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  reportingMode: fc.constantFrom('public', 'discovered', 'unknown') as fc.Arbitrary<'public' | 'discovered' | 'unknown'>,
  perpetrator: opt(fc.constantFrom('BLA', '')),
  targetType: opt(fc.constantFrom('police', '')),
  narrative: opt(fc.constantFrom('IED near checkpost', '')),
  reportedAt: opt(iso),
}, { requiredKeys: ['sourceId', 'occurredAt', 'category'] });

const codec: FieldCodec = { encode: (s, f, id) => `${f}|${id}:${s}`, decode: (s) => s.slice(s.indexOf(':') + 1) };

describe('store rows: the fast path for single-report incidents', () => {
  it('singleReportIncidentRow equals incidentRow(consolidate(id, [r], []), codec, narrativeInReport) (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const r = report(spec as ReportSpec);
        for (const c of [IDENTITY_CODEC, codec]) for (const inReport of [false, true]) expect(singleReportIncidentRow('inc_1', r, c, inReport)).toEqual(incidentRow(consolidate('inc_1', [r], []), c, inReport));
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  it('canonicalReport returns a canonical report itself and copies (never mutates) one that is not', () => {
    const r = report({ sourceId: 'a', occurredAt: '2024-03-01T10:15:00.000Z', reportedAt: '2024-03-01T12:00:00.000Z' });
    expect(canonicalReport(r)).toBe(r);
    const loose = report({ sourceId: 'b', occurredAt: '2024-03-01T10:15:00Z', receivedAt: '2024-03-01T11:00:00+00:00' });
    const c = canonicalReport(loose);
    expect(c).not.toBe(loose);
    expect(c.occurredAt).toBe('2024-03-01T10:15:00.000Z');
    expect(c.source.receivedAt).toBe('2024-03-01T11:00:00.000Z');
    expect(loose.occurredAt).toBe('2024-03-01T10:15:00Z');
    const lateReported = report({ sourceId: 'c', reportedAt: '2024-03-02T00:00Z' });
    expect(canonicalReport(lateReported).reportedAt).toBe('2024-03-02T00:00:00.000Z');
  });

  it('lastTsValue converts like tsValue, whatever the sequence of strings', () => {
    const ts = lastTsValue();
    for (const s of ['2024-03-01T11:00:00.000Z', '2024-03-01T11:00:00.000Z', '2020-01-01T00:00:00.000Z', '2024-03-01T11:00:00.000Z']) {
      expect(ts(s, 'x')).toEqual(tsValue(s, 'x'));
    }
    expect(() => ts('not a time', 'source.receivedAt')).toThrow(/source.receivedAt/);
  });
});

describe('store rows: canonical times without Date.parse', () => {
  /** What canonicalIso did before the fast path: V8's parser, then toISOString. */
  const slowIso = (s: string): string | undefined => { const ms = Date.parse(s); return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined; };
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  // canonical-shaped strings whose fields run past their ranges (month 13, February 30, 24:00, 60 s, year 0-99)
  const shaped = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 999 }))
    .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
  const anyTime = fc.integer({ min: -62_000_000_000_000, max: 253_402_300_799_999 }).map((ms) => new Date(ms).toISOString());
  const nearMiss = fc.tuple(anyTime, fc.nat(23), fc.constantFrom('x', ' ', '+', '0', 'Z', '/', ':')).map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + 1));

  it('canonicalIso equals Date.parse then toISOString, and canonicalMs is that time exactly when the string is canonical (years 100-9999), NaN when not (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.oneof(shaped, anyTime, nearMiss, fc.string({ maxLength: 30 })), (s) => {
        const slow = slowIso(s);
        if (slow === undefined) expect(() => canonicalIso(s, 'occurredAt')).toThrow(/occurredAt/);
        else expect(canonicalIso(s, 'occurredAt')).toBe(slow);
        const ms = canonicalMs(s);
        // years 0-99 are left to the slow path (Date.UTC would read them as 1900-1999)
        if (slow === s && !s.startsWith('00')) expect(ms).toBe(Date.parse(s));
        else if (slow !== s) expect(ms).toBeNaN();
        if (slow !== undefined) expect(tsValue(s, 'x')).toEqual(new DuckDBTimestampValue(BigInt(Date.parse(s)) * 1000n));
      }),
      { seed: 20261127, numRuns: 3000 },
    );
    expect(canonicalMs('2024-02-29T23:59:59.999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(canonicalMs('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
    for (const s of ['1900-02-29T00:00:00.000Z', '2100-02-29T12:00:00.000Z', '2023-02-29T00:00:00.000Z', '2024-02-30T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '0099-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000+', '2024-01-01T00:00:00Z']) expect(canonicalMs(s)).toBeNaN();
  });
});

describe('store rows: reportRow', () => {
  /** The former construction, by rest and spread. */
  function fieldsBySpread(r: Report): string {
    const { narrative: _n, source, ...fields } = r;
    const { raw: _r, ...sourceFields } = source;
    return JSON.stringify({ ...fields, source: sourceFields });
  }

  it('stores the report minus narrative and raw as JSON, keys in the report\'s order (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(specArb, fc.boolean(), (spec, reverse) => {
        let r = report(spec as ReportSpec);
        if (reverse) r = Object.fromEntries(Object.entries(r).reverse()) as unknown as Report;
        const row = reportRow(7, 'inc_1', r, codec);
        expect(row[8]).toBe(fieldsBySpread(r));
        expect(row[6]).toBe(`reports.raw|${r.source.agency}:${r.source.sourceId}:${r.source.raw}`);
        expect(row[7]).toBe(r.narrative === undefined ? null : `reports.narrative|${r.source.agency}:${r.source.sourceId}:${r.narrative}`);
        expect(row).toHaveLength(9);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });

  it('record layout: raw and narrative encoded as one value that decodeRecord gives back; old rows decode as written (fast-check, fixed seed)', () => {
    const decoding: FieldCodec = {
      encode: codec.encode,
      decode: (s, field, id) => {
        const head = `${field}|${id}:`;
        if (!s.startsWith(head)) throw new Error(`not encoded as ${field} of ${id}: ${s}`);
        return s.slice(head.length);
      },
    };
    fc.assert(
      fc.property(specArb, fc.option(fc.string(), { nil: undefined }), fc.string(), (spec, narrative, raw) => {
        const r = report({ ...(spec as ReportSpec), ...(narrative === undefined ? {} : { narrative }) });
        r.source.raw = raw;
        const key = `${r.source.agency}:${r.source.sourceId}`;
        const packed = reportRow(7, 'inc_1', r, decoding, tsValue, RECORD_LAYOUT);
        expect(packed).toHaveLength(10);
        expect(packed[7]).toBeNull();
        expect(packed[9]).toBe(RECORD_LAYOUT);
        expect(packed[8]).toBe(fieldsBySpread(r));
        const want = r.narrative === undefined ? { raw } : { raw, narrative: r.narrative };
        expect(decodeRecord(String(packed[6]), packed[9], packed[7], key, decoding)).toEqual(want);
        const old = reportRow(7, 'inc_1', r, decoding);
        expect(decodeRecord(String(old[6]), null, old[7], key, decoding)).toEqual(want);
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });
});
