import { beforeAll, describe, expect, it } from 'vitest';
import { ucdpAdapter } from '../../../src/ingest/adapters/ucdp.js';
import type { Row } from '../../../src/ingest/adapter.js';
import { assertMutationsNeverThrow, assertNeverThrows, context, expectIssues, expectOk, readCsv, repoPath } from './helpers.js';
import { FakeGeocoder } from './fake-geocoder.js';

const FILE = repoPath('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv');
let rows: Record<string, string>[] = [];
const byId = (id: string): Record<string, string> => {
  const r = rows.find((x) => x.id === id);
  if (r === undefined) throw new Error(`UCDP id ${id} not in the shipped file`);
  return r;
};

beforeAll(() => { rows = readCsv(FILE, { skipRowsAfterHeader: ucdpAdapter.csv?.skipRowsAfterHeader ?? 0 }); });

describe('UCDP GED adapter on real rows (values checked by hand against the CSV)', () => {
  it('declares the HXL row and the file has 6,416 events after it', () => {
    expect(ucdpAdapter.csv?.skipRowsAfterHeader).toBe(1);
    expect(rows.length).toBe(6416);
    // the HXL row itself, were it not skipped, would be quarantined rather than ingested
    const hxl = readCsv(FILE, { toLine: 2 })[0]!;
    expect(hxl.year).toBe('#date+year');
    expect(expectIssues(ucdpAdapter.toReport(hxl, '', 2, context())).map((i) => i.field)).toContain('id');
  });

  it('59553: India - Pakistan interstate fire at Kel, Neelam (where_prec 2) -> TI.XBORDER, near, no perpetrator', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('59553'), 'raw-line', 3, context('ucdp')));
    expect(r.category).toBe('TI.XBORDER');
    expect(r.perpetrator).toBeUndefined();
    expect(r.occurredAt).toBe('1990-10-03T19:00:00.000Z'); // 1990-10-04 00:00 in Asia/Karachi (UTC+5)
    expect(r.timePrecision).toBe('day');
    expect(r.location).toMatchObject({ lat: 34.821865, lon: 74.355544, precision: 'near', district: 'Neelam', province: 'Azad Jammu & Kashmir', placeName: 'Kel village' });
    expect(r.location.h3).toMatch(/^[0-9a-f]{15}$/);
    expect(r.severity).toEqual({ killed: 2, injured: 0, abducted: 0 });
    expect(r.source).toEqual({ agency: 'ucdp', sourceId: '59553', receivedAt: '2026-11-26T00:00:00.000Z', format: 'ucdp-ged', raw: 'raw-line' });
    expect(r.classification).toBe('UNCLASSIFIED');
    expect(r.reportingMode).toBe('unknown');
  });

  it('55576: one-sided BLA violence in Quetta town (where_prec 1) -> TI.CIVILIANS, exact, perpetrator BLA', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('55576'), '', 3, context()));
    expect(r.category).toBe('TI.CIVILIANS');
    expect(r.perpetrator).toBe('Baloch Liberation Army (BLA)');
    expect(r.targetType).toBe('Civilians');
    expect(r.location).toMatchObject({ lat: 30.183333, lon: 67, precision: 'exact', district: 'Quetta', province: 'Balochistan' });
    expect(r.occurredAt).toBe('2004-11-24T19:00:00.000Z');
    expect(r.severity.killed).toBe(1);
  });

  it('55738: Government vs BLA in Dera Bugti at district precision (where_prec 3) has no point and no H3 cell', () => {
    const geo = new FakeGeocoder();
    const r = expectOk(ucdpAdapter.toReport(byId('55738'), '', 3, context('ucdp', geo)));
    expect(r.category).toBe('TI.CLASH');
    expect(r.perpetrator).toBe('Baloch Liberation Army (BLA)');
    expect(r.location.precision).toBe('district');
    expect(r.location.lat).toBeUndefined();
    expect(r.location.lon).toBeUndefined();
    expect(r.location.h3).toBeUndefined();
    expect(r.location.district).toBe('Dera Bugti');
    expect(r.location.province).toBe('Balochistan');
    expect(geo.calls.cell).toBe(0);
    expect(r.severity.killed).toBe(5);
  });

  it('55738 with an adm_2 the geocoder cannot resolve falls back to locating the centroid', () => {
    const row = { ...byId('55738'), adm_2: 'Nowhere district' };
    const r = expectOk(ucdpAdapter.toReport(row, '', 3, context()));
    expect(r.location).toEqual({ precision: 'district', district: 'Dera Bugti', province: 'Balochistan', placeName: 'Dera Bugti district' });
  });

  it('56739: a two-day span (date_prec 2) in Pakistan summer time 2008 -> month precision, start kept, span in the narrative', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('56739'), '', 3, context()));
    // Pakistan kept UTC+6 from June to October 2008: local midnight 27 September is 18:00 UTC
    expect(r.occurredAt).toBe('2008-09-26T18:00:00.000Z');
    expect(r.timePrecision).toBe('month');
    expect(r.narrative).toContain('Date range 2008-09-27 to 2008-09-28 (date_prec 2)');
    expect(r.location.precision).toBe('near');
    expect(r.severity.killed).toBe(8);
  });

  it('372703: LoC over half a year (where_prec 5, date_prec 5, no adm_1, event_clarity 2) -> unknown place, year precision, low clarity noted', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('372703'), '', 3, context()));
    expect(r.location).toEqual({ precision: 'unknown' });
    expect(r.timePrecision).toBe('year');
    expect(r.narrative).toContain('Pakistan parliament condemns India over Kashmir.');
    expect(r.narrative).toContain('UCDP event clarity: low (event_clarity 2).');
    expect(r.severity.killed).toBe(16);
  });

  it('55731: where_prec 4 in Balochistan -> province precision with no district or point', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('55731'), '', 3, context()));
    expect(r.location).toEqual({ precision: 'province', province: 'Balochistan' });
  });

  it('236080: where_prec 6 (Pakistan as a whole) -> unknown', () => {
    const r = expectOk(ucdpAdapter.toReport(byId('236080'), '', 3, context()));
    expect(r.location).toEqual({ precision: 'unknown' });
    const withAdm1 = expectOk(ucdpAdapter.toReport({ ...byId('236080'), adm_1: 'Punjab province' }, '', 3, context()));
    expect(withAdm1.location).toEqual({ precision: 'unknown' });
  });

  it('56136 and 55870: TTP in North Waziristan (FATA) and a non-state clash in Kurram', () => {
    const a = expectOk(ucdpAdapter.toReport(byId('56136'), '', 3, context()));
    expect(a).toMatchObject({ category: 'TI.CLASH', perpetrator: 'Tehrik-i-Taliban Pakistan (TTP)' });
    expect(a.location).toMatchObject({ precision: 'exact', district: 'North Waziristan', province: 'Khyber Pakhtunkhwa' });
    const b = expectOk(ucdpAdapter.toReport(byId('55870'), '', 3, context()));
    expect(b.category).toBe('TI.NONSTATE');
    expect(b.perpetrator).toBeUndefined();
    expect(b.narrative).toContain('UCDP dyad: Ansaar ul-Islam - Lashkar-e-Islam');
    // Parachinar is outside the fake's districts and "Kurram agency" unknown to it: point kept, province from adm_1
    expect(b.location).toMatchObject({ precision: 'near', lat: 33.899675, province: 'Khyber Pakhtunkhwa' });
    expect(b.location.district).toBeUndefined();
  });

  it('a point outside every district falls back to resolving adm_2', () => {
    const row = { ...byId('54446'), latitude: '25.0', longitude: '61.0' };
    const r = expectOk(ucdpAdapter.toReport(row, '', 3, context()));
    expect(r.location).toMatchObject({ lat: 25, lon: 61, precision: 'exact', district: 'Kech', province: 'Balochistan' });
  });

  // the whole file is ingested with the real geography in ucdp-real-geography.test.ts
});

describe('UCDP GED quarantine reasons', () => {
  const valid = (): Row => ({ ...byId('54446') });
  const cases: [string, Row, string, RegExp][] = [
    ['missing id', { id: '' }, 'id', /id is missing/],
    ['bad id', { id: 'X12' }, 'id', /'X12' is not a UCDP event id/],
    ['unknown type_of_violence', { type_of_violence: '4' }, 'type_of_violence', /'4' is not 1, 2 or 3/],
    ['bad date_prec', { date_prec: '9' }, 'date_prec', /'9' is not 1-5/],
    ['bad date_start', { date_start: '2012-02-30 00:00:00.000' }, 'date_start', /not a valid date/],
    ['bad date_end', { date_end: 'soon' }, 'date_end', /not a valid date/],
    ['missing best', { best: '' }, 'best', /best estimate of deaths\) is missing/],
    ['negative best', { best: '-1' }, 'best', /not a count/],
    ['bad where_prec', { where_prec: '0' }, 'where_prec', /'0' is not 1-7/],
    ['exact place without latitude', { latitude: '' }, 'latitude', /latitude is missing/],
    ['exact place with a non-number longitude', { longitude: '62,7' }, 'longitude', /is not a number/],
    ['coordinates out of range', { latitude: '126.3' }, 'latitude', /not a valid coordinate pair/],
  ];
  for (const [name, patch, field, message] of cases) {
    it(name, () => {
      const issues = expectIssues(ucdpAdapter.toReport({ ...valid(), ...patch }, '', 3, context()));
      const issue = issues.find((i) => i.field === field);
      expect(issue, JSON.stringify(issues)).toBeDefined();
      expect(issue!.message).toMatch(message);
    });
  }
  it('a district-precision event with unreadable centroid coordinates is still ingested', () => {
    const r = expectOk(ucdpAdapter.toReport({ ...byId('55738'), latitude: 'n/a' }, '', 3, context()));
    expect(r.location).toMatchObject({ precision: 'district', district: 'Dera Bugti' });
  });
});

describe('UCDP GED adapter never throws', () => {
  it('on arbitrary rows (fast-check, seed 20261126)', () => {
    const cols = Object.keys(byId('54446'));
    assertNeverThrows(ucdpAdapter, cols, ['1', '2', '3', '6', '2012-01-11 00:00:00.000', 'Government of Pakistan', 'BLF', '26.3625', '62.706389', 'Kech district', 'Balochistan province'], 20261126);
  });
  it('on real rows with one cell replaced', () => assertMutationsNeverThrow(ucdpAdapter, byId('54446'), 7));
});
