import { readFileSync } from 'node:fs';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import {
  createPortlandNijAdapter, OREGON_NORTH_FT_INTL, oregonNorthFeetToWgs84, portlandNij2016Adapter, portlandNijAdapter, portlandRowFeet, toOregonNorthFeet,
} from '../../../src/ingest/adapters/portland-nij.js';
import type { Row } from '../../../src/ingest/adapter.js';
import { assertMutationsNeverThrow, assertNeverThrows, context, expectIssues, expectOk, fixturePath, readCsv, repoPath } from './helpers.js';

const DIR = 'data/reference/portland-nij';
const burglary = readCsv(repoPath(`${DIR}/portland_cfs_burglary_2012-03_2017-02.csv`));
const theft = readCsv(repoPath(`${DIR}/portland_cfs_theft_of_auto_2012-03_2017-02.csv`));

interface RefPoint { x: number; y: number; lon: number; lat: number; lon_nad83harn: number; lat_nad83harn: number }
const reference = JSON.parse(readFileSync(new URL('../../fixtures/reference/portland-epsg2913.json', import.meta.url), 'utf8')) as { points: RefPoint[] };

describe('EPSG:2913 (Oregon North, international feet) to WGS84', () => {
  it('agrees with PROJ 9.1 via R sf (scripts/reference/portland-epsg2913.R) within 1e-8 degrees (about 1 mm)', () => {
    expect(reference.points.length).toBe(12);
    for (const p of reference.points) {
      const { lat, lon } = oregonNorthFeetToWgs84(p.x, p.y);
      expect(Math.abs(lat - p.lat)).toBeLessThan(1e-8);
      expect(Math.abs(lon - p.lon)).toBeLessThan(1e-8);
    }
  });
  it('the projection alone (no datum shift) agrees with PROJ to NAD83(HARN) geographic, EPSG:4152, within 1e-8 degrees', () => {
    const lcc = proj4(OREGON_NORTH_FT_INTL.replace(/\+towgs84=\S+/, '+towgs84=0,0,0,0,0,0,0'), 'WGS84');
    for (const p of reference.points) {
      const [lon, lat] = lcc.forward([p.x, p.y]);
      expect(Math.abs(lat! - p.lat_nad83harn)).toBeLessThan(1e-8);
      expect(Math.abs(lon! - p.lon_nad83harn)).toBeLessThan(1e-8);
    }
  });
  it('round-trips to feet within 0.001 ft, and the whole extent lies in Portland', () => {
    for (const p of reference.points) {
      const back = toOregonNorthFeet(p.lat, p.lon);
      expect(Math.abs(back.x - p.x)).toBeLessThan(1e-3);
      expect(Math.abs(back.y - p.y)).toBeLessThan(1e-3);
      // City of Portland: about 45.43-45.65 N, 122.84-122.47 W
      expect(p.lat).toBeGreaterThan(45.4); expect(p.lat).toBeLessThan(45.7);
      expect(p.lon).toBeGreaterThan(-122.9); expect(p.lon).toBeLessThan(-122.4);
    }
  });
});

describe('Portland NIJ adapter (shipped training files)', () => {
  it('first burglary row: local day in Pacific daylight time, exact point, H3, Oregon, no district', () => {
    const row = burglary[0]!; // 2012-03-12,7688186,676342,...,4,0
    const r = expectOk(portlandNijAdapter.toReport(row, 'raw', 2, context('portland-police')));
    expect(r.occurredAt).toBe('2012-03-12T07:00:00.000Z'); // DST began 11 March 2012: UTC-7
    expect(r.timePrecision).toBe('day');
    expect(r.category).toBe('CR.BURGLARY');
    expect(r.location.lat).toBeCloseTo(45.50433574067, 8);
    expect(r.location.lon).toBeCloseTo(-122.504706138763, 8);
    expect(r.location).toMatchObject({ precision: 'exact', province: 'Oregon' });
    expect(r.location.district).toBeUndefined();
    expect(r.location.h3).toMatch(/^[0-9a-f]{15}$/);
    expect(r.source.sourceId).toMatch(/^nij-[0-9a-f]{16}$/);
    expect(r.source.format).toBe('portland-nij');
    expect(portlandRowFeet(row)).toEqual({ x: 7688186, y: 676342 });
  });
  it('first theft-of-auto row (Pacific standard time) -> CR.VEHICLE_THEFT', () => {
    const r = expectOk(portlandNijAdapter.toReport(theft[0]!, '', 2, context()));
    expect(r.occurredAt).toBe('2012-03-07T08:00:00.000Z');
    expect(r.category).toBe('CR.VEHICLE_THEFT');
  });
  const ingestAll = (rows: Row[]) => { const ctx = context(); return rows.map((r, i) => expectOk(portlandNijAdapter.toReport(r, '', i + 2, ctx))); };
  it('every row of both files is ingested; the codes decode to the file\'s category (regression values: the table was built from these files); ids are unique and stable', () => {
    const b = ingestAll(burglary), t = ingestAll(theft);
    expect(new Set(b.map((r) => r.category))).toEqual(new Set(['CR.BURGLARY']));
    expect(new Set(t.map((r) => r.category))).toEqual(new Set(['CR.VEHICLE_THEFT']));
    const all = new Set([...b, ...t].map((r) => r.source.sourceId));
    expect(all.size).toBe(burglary.length + theft.length); // 5,096 + 9,037, although 17 + 35 rows repeat another row
    expect(ingestAll(burglary.slice(0, 500)).map((r) => r.source.sourceId)).toEqual(b.slice(0, 500).map((r) => r.source.sourceId));
    const ctx = context();
    const a = expectOk(portlandNijAdapter.toReport(burglary[0]!, '', 2, ctx)).source.sourceId;
    const a2 = expectOk(portlandNijAdapter.toReport(burglary[0]!, '', 3, ctx)).source.sourceId;
    expect(a).not.toBe(a2);
  });
  it('a forced category overrides the codes', () => {
    const r = expectOk(createPortlandNijAdapter({ category: 'CR.THEFT' }).toReport(burglary[0]!, '', 2, context()));
    expect(r.category).toBe('CR.THEFT');
  });
});

describe('Portland NIJ 2016 layout (;-separated, dd/MM/yyyy, space-padded; rows copied from NIJ2016_AUG01_AUG31.csv)', () => {
  const rows = readCsv(fixturePath('nij2016-sample.csv'), { delimiter: ';' });
  it('maps CATEGORY and keeps call group and description in the narrative', () => {
    const ctx = context();
    const out = rows.map((r, i) => expectOk(portlandNij2016Adapter.toReport(r, '', i + 2, ctx)));
    expect(out.map((r) => r.category)).toEqual(['CR.OTHER', 'CR.OTHER', 'CR.BURGLARY', 'CR.BURGLARY', 'CR.VEHICLE_THEFT', 'CR.VEHICLE_THEFT', 'CR.OTHER']);
    expect(out[2]!.narrative).toBe('BURGLARY / SUSPICIOUS / PROWLER (PROWLP)');
    expect(out[0]!.occurredAt).toBe('2016-08-01T07:00:00.000Z');
    expect(out[0]!.source.format).toBe('portland-nij-2016');
    expect(portlandRowFeet(rows[0]!)).toEqual({ x: 7639201, y: 683983 });
  });
  it('an unknown CATEGORY is quarantined', () => {
    const issues = expectIssues(portlandNij2016Adapter.toReport({ ...rows[0]!, CATEGORY: 'ARSON' }, '', 2, context()));
    expect(issues).toEqual([{ field: 'CATEGORY', value: 'ARSON', message: "CATEGORY 'ARSON' is not an NIJ category (BURGLARY, MOTOR VEHICLE THEFT, STREET CRIMES, OTHER)" }]);
  });
  it('a date in the other order is quarantined', () => {
    const issue = expectIssues(portlandNij2016Adapter.toReport({ ...rows[0]!, occ_date: '2016-08-01' }, '', 2, context()))[0]!;
    expect(issue).toMatchObject({ field: 'occ_date', message: "occ_date '2016-08-01' is not a valid date (dd/MM/yyyy)" });
  });
});

describe('Portland NIJ quarantine reasons', () => {
  const valid = (): Row => ({ ...burglary[0]! });
  const cases: [string, Row, string, RegExp][] = [
    ['bad date', { occ_date: '2012-13-01' }, 'occ_date', /not a valid date \(yyyy-MM-dd\)/],
    ['missing x', { x_coordina: '' }, 'x_coordina', /x_coordina is missing/],
    ['non-number y', { y_coordina: '67x' }, 'y_coordina', /not a number/],
    ['zero coordinates', { x_coordina: '0', y_coordina: '0' }, 'x_coordina', /is outside Portland/],
    ['unknown code pair', { call_group_type: '5', case_desc_type: '1' }, 'call_group_type', /'5' with case_desc_type '1' is not a known NIJ category code/],
  ];
  for (const [name, patch, field, message] of cases) {
    it(name, () => {
      const issue = expectIssues(portlandNijAdapter.toReport({ ...valid(), ...patch }, '', 2, context())).find((i) => i.field === field);
      expect(issue).toBeDefined();
      expect(issue!.message).toMatch(message);
    });
  }
});

describe('Portland NIJ adapters never throw', () => {
  it('on arbitrary rows (fast-check, seed 31)', () => {
    assertNeverThrows(portlandNijAdapter, Object.keys(burglary[0]!), ['2012-03-12', '7688186', '676342', '3', '4', '0'], 31);
    assertNeverThrows(portlandNij2016Adapter, ['CATEGORY', 'CALL GROUPS', 'final_case_type', 'CASE DESC', 'occ_date', 'x_coordinate', 'y_coordinate'], ['BURGLARY', 'OTHER', '01/08/2016', '7639201', '683983'], 32);
  });
  it('on real rows with one cell replaced', () => assertMutationsNeverThrow(portlandNijAdapter, burglary[0]!, 33));
});
