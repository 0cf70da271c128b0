/**
 * The service's small pieces without a store: JSON safety, Pakistan-time dates and windows, square
 * cells drawn back from the engine's projection, CSV quoting, the --bands parser.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { projectEquirectangular } from '@baseerat/engine';
import {
  calendarUnitStart, cellCentre, cellRing, jsonSafe, parseAnalysisTime, previousWindowStart, stepEdgesFor, toCsv, unsafeJsonPaths,
} from '../../src/analysis/index.js';
import { parseBands } from '../../src/cli/commands/analyze.js';

const SEED = 20261127;

describe('jsonSafe', () => {
  it('turns NaN and infinities into null, typed arrays into arrays, and drops undefined properties', () => {
    const v = { a: NaN, b: [1, Infinity, undefined], c: new Float64Array([1, NaN]), d: undefined, e: { f: -Infinity, g: 'x', h: -0 }, i: new Date(0) };
    expect(jsonSafe(v)).toEqual({ a: null, b: [1, null, null], c: [1, null], e: { f: null, g: 'x', h: 0 }, i: '1970-01-01T00:00:00.000Z' });
    expect(unsafeJsonPaths(v)).toEqual(['$.a', '$.b[1]', '$.b[2]', '$.c', '$.d', '$.e.f']);
    expect(() => jsonSafe({ m: new Map() })).toThrow(/\$\.m is a Map/);
  });

  it('any value of numbers, strings and nesting comes out JSON round-trippable', () => {
    const leaf = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(tree, (v) => {
      const s = jsonSafe(v);
      expect(unsafeJsonPaths(s)).toEqual([]);
      expect(JSON.parse(JSON.stringify(s) ?? 'null')).toEqual(s ?? null);
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('dates and windows in Pakistan time', () => {
  it('reads a date as midnight in Pakistan and a zone-less date-time as Pakistan time', () => {
    expect(new Date(parseAnalysisTime('2021-03-01', 'from')).toISOString()).toBe('2021-02-28T19:00:00.000Z');
    expect(new Date(parseAnalysisTime('2021-03', 'from')).toISOString()).toBe('2021-02-28T19:00:00.000Z');
    expect(new Date(parseAnalysisTime('2021-03-01T10:00', 'from')).toISOString()).toBe('2021-03-01T05:00:00.000Z');
    expect(new Date(parseAnalysisTime('2021-03-01T10:00:00Z', 'from')).toISOString()).toBe('2021-03-01T10:00:00.000Z');
    for (const bad of ['2021-02-29', 'yesterday', '2021-13-01', '']) {
      expect(() => parseAnalysisTime(bad, 'to')).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'to' }));
    }
  });

  it('compares whole calendar months with the months before, other windows with the same length before', () => {
    const t = (s: string) => parseAnalysisTime(s, 'from');
    expect(previousWindowStart(t('2021-03-01'), t('2021-04-01'))).toBe(t('2021-02-01'));
    expect(previousWindowStart(t('2021-01-01'), t('2022-01-01'))).toBe(t('2020-01-01'));
    expect(previousWindowStart(t('2021-04-01'), t('2021-07-01'))).toBe(t('2021-01-01'));
    expect(previousWindowStart(t('2021-03-10'), t('2021-03-17'))).toBe(t('2021-03-03'));
    expect(calendarUnitStart(t('2021-05-17'), 'quarter')).toBe(t('2021-04-01'));
    expect(calendarUnitStart(t('2021-05-17'), 'year', 1)).toBe(t('2022-01-01'));
  });

  it('step edges: month starts, or Mondays, covering the window', () => {
    const t = (s: string) => parseAnalysisTime(s, 'from');
    expect(stepEdgesFor('month', t('2020-11-15'), t('2021-02-01'))).toEqual(['2020-11-01', '2020-12-01', '2021-01-01', '2021-02-01'].map(t));
    const weeks = stepEdgesFor('week', t('2021-01-06'), t('2021-01-20'));
    expect(weeks).toEqual(['2021-01-04', '2021-01-11', '2021-01-18', '2021-01-25'].map(t));
  });
});

describe('square cells', () => {
  it('the drawn cell contains the points the engine put in it, and its ring is closed', () => {
    const origin = { lat: 24, lon: 60 };
    const size = 5000;
    fc.assert(fc.property(fc.double({ min: 25, max: 32, noNaN: true }), fc.double({ min: 61, max: 70, noNaN: true }), (lat, lon) => {
      const [x, y] = projectEquirectangular(lat, lon, origin);
      const id = `sq:${Math.floor(x / size)}:${Math.floor(y / size)}`;
      const ring = cellRing(id, { kind: 'square', cellSizeMetres: size }, origin);
      expect(ring).toHaveLength(5);
      expect(ring[0]).toEqual(ring[4]);
      const lons = ring.map((p) => p[0]), lats = ring.map((p) => p[1]);
      expect(lon).toBeGreaterThanOrEqual(Math.min(...lons) - 1e-9);
      expect(lon).toBeLessThanOrEqual(Math.max(...lons) + 1e-9);
      expect(lat).toBeGreaterThanOrEqual(Math.min(...lats) - 1e-9);
      expect(lat).toBeLessThanOrEqual(Math.max(...lats) + 1e-9);
      const c = cellCentre(id, { kind: 'square', cellSizeMetres: size }, origin);
      expect(Math.abs(c.lat - lat)).toBeLessThan(0.05);
    }), { seed: SEED, numRuns: 200 });
  });

  it('refuses ids of the wrong grid', () => {
    expect(() => cellRing('sq:1:2', { kind: 'h3', resolution: 5 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => cellRing('85427543fffffff', { kind: 'square', cellSizeMetres: 100 }, { lat: 24, lon: 60 })).toThrow(/not a square-grid cell/);
  });
});

describe('CSV and --bands', () => {
  it('quotes what needs quoting and reads back the same', () => {
    const rows = [['Kachhi (Bolan)', 3, null], ['a "quoted", name', 0.125, 'line\nbreak'], [' padded', NaN, true]] as const;
    const text = toCsv(['name', 'n', 'note'], rows);
    expect(parse(text)).toEqual([['name', 'n', 'note'], ['Kachhi (Bolan)', '3', ''], ['a "quoted", name', '0.125', 'line\nbreak'], [' padded', '', 'true']]);
  });

  it('parses km/days bands and rejects malformed ones', () => {
    expect(parseBands('1,5,10,25/7,14,30,60')).toEqual({ spaceBandsMetres: [1000, 5000, 10000, 25000], timeBandsDays: [7, 14, 30, 60] });
    expect(() => parseBands('1,5')).toThrow(expect.objectContaining({ field: 'bands' }));
    expect(() => parseBands('1,x/7')).toThrow(expect.objectContaining({ field: 'bands' }));
  });
});
