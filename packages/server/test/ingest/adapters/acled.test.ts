import { describe, expect, it } from 'vitest';
import { acledAdapter, parseAcledDate } from '../../../src/ingest/adapters/acled.js';
import type { Row } from '../../../src/ingest/adapter.js';
import { assertMutationsNeverThrow, assertNeverThrows, context, expectIssues, expectOk, fixturePath, readCsv } from './helpers.js';

// hand-written rows in ACLED's documented export layout (no ACLED file is available to the project)
const rows = readCsv(fixturePath('acled-sample.csv'));
const byId = (id: string): Record<string, string> => rows.find((r) => r.event_id_cnty === id)!;
const report = (id: string) => expectOk(acledAdapter.toReport(byId(id), '', 2, context('acled')));

describe('ACLED adapter: field mapping', () => {
  it('armed clash, state forces vs BLA near Turbat (geo_precision 1, word inter codes) -> TI.CLASH, exact, BLA', () => {
    const r = report('PAK1001');
    expect(r).toMatchObject({ category: 'TI.CLASH', perpetrator: 'Baloch Liberation Army (BLA)', timePrecision: 'day', occurredAt: '2023-01-30T19:00:00.000Z' });
    expect(r.location).toMatchObject({ lat: 26.004, lon: 63.05, precision: 'exact', district: 'Kech', province: 'Balochistan', placeName: 'Turbat' });
    expect(r.severity).toEqual({ killed: 4, injured: 0, abducted: 0 });
    expect(r.source).toMatchObject({ agency: 'acled', sourceId: 'PAK1001', format: 'acled' });
    expect(r.narrative).toContain('security forces clashed with BLA');
  });
  it('"31 January 2023" is the same day as "2023-01-31"; suicide bomb -> TI.SUICIDE, TTP', () => {
    const r = report('PAK1002');
    expect(r).toMatchObject({ category: 'TI.SUICIDE', perpetrator: 'Tehrik-i-Taliban Pakistan (TTP)', occurredAt: '2023-01-30T19:00:00.000Z' });
    expect(r.severity.killed).toBe(9);
  });
  it('IED by an unidentified group against civilians (geo_precision 2) -> TI.BOMB, near, unclaimed, target Civilians', () => {
    const r = report('PAK1003');
    expect(r.category).toBe('TI.BOMB');
    expect(r.perpetrator).toBeUndefined();
    expect(r.targetType).toBe('Civilians');
    expect(r.location.precision).toBe('near');
  });
  it('shelling by Afghan forces across the border -> TI.XBORDER; by Pakistani forces on militants -> TI.INDIRECT', () => {
    const x = report('PAK1004');
    expect(x.category).toBe('TI.XBORDER');
    expect(x.perpetrator).toBe('Military Forces of Afghanistan');
    // Chaman is outside the fake geocoder's districts and its admin2 unknown to it: province from admin1
    expect(x.location).toMatchObject({ precision: 'near', province: 'Balochistan' });
    const i = report('PAK1005');
    expect(i.category).toBe('TI.INDIRECT');
    expect(i.perpetrator).toBe('Tehrik-i-Taliban Pakistan (TTP)');
  });
  it('abduction by BLF at geo_precision 3 -> TI.KIDNAP at district precision without a point', () => {
    const r = report('PAK1006');
    expect(r.category).toBe('TI.KIDNAP');
    expect(r.location).toEqual({ precision: 'district', district: 'Kech', province: 'Balochistan', placeName: 'Kech' });
  });
  it('an abduction by state forces stays violence against civilians (TI.KIDNAP is kidnapping by an armed group)', () => {
    const row = { ...byId('PAK1006'), actor1: 'Military Forces of Pakistan (2018-)', inter1: '1' };
    expect(expectOk(acledAdapter.toReport(row, '', 2, context())).category).toBe('TI.CIVILIANS');
  });
  it('protest with time_precision 2 -> PO.PROTEST, month precision, date kept; no perpetrator', () => {
    const r = report('PAK1007');
    expect(r).toMatchObject({ category: 'PO.PROTEST', timePrecision: 'month', occurredAt: '2023-02-13T19:00:00.000Z' });
    expect(r.perpetrator).toBeUndefined();
  });
  it('mob violence with time_precision 3 -> PO.RIOT, stored at the first of the month', () => {
    expect(report('PAK1008')).toMatchObject({ category: 'PO.RIOT', timePrecision: 'month', occurredAt: '2023-02-28T19:00:00.000Z' });
  });
  it('arrests -> SO.ARREST; looting by a rebel group -> TI.OTHER; two militant groups -> TI.NONSTATE', () => {
    expect(report('PAK1009').category).toBe('SO.ARREST');
    expect(report('PAK1011')).toMatchObject({ category: 'TI.OTHER', perpetrator: 'Baloch Liberation Army (BLA)' });
    expect(report('PAK1012').category).toBe('TI.NONSTATE');
  });
  it('looting by rioters -> CR.OTHER', () => {
    const row = { ...byId('PAK1011'), actor1: 'Rioters (Pakistan)', inter1: '5' };
    expect(expectOk(acledAdapter.toReport(row, '', 2, context())).category).toBe('CR.OTHER');
  });
  it('event dates in both export formats', () => {
    expect(parseAcledDate('2023-01-31')).toEqual({ y: 2023, m: 1, d: 31 });
    expect(parseAcledDate('31 January 2023')).toEqual({ y: 2023, m: 1, d: 31 });
    expect(parseAcledDate('5-Mar-2021')).toEqual({ y: 2021, m: 3, d: 5 });
    expect(parseAcledDate('31 Janvier 2023')).toBeUndefined();
    expect(parseAcledDate('31 constructor 2023')).toBeUndefined();
  });
  it('11 of the 14 fixture rows are ingested', () => {
    expect(rows.map((r) => acledAdapter.toReport(r, '', 2, context())).filter((r) => r.ok).length).toBe(11);
  });
});

describe('ACLED quarantine reasons', () => {
  it('a known event type that is not an incident (Agreement)', () => {
    expect(expectIssues(acledAdapter.toReport(byId('PAK1010'), '', 2, context()))).toEqual([
      { field: 'sub_event_type', value: 'Agreement', message: "ACLED 'Strategic developments: Agreement' is not an incident Baseerat records" },
    ]);
  });
  it('another country', () => {
    expect(expectIssues(acledAdapter.toReport(byId('AFG2001'), '', 2, context()))).toContainEqual(
      { field: 'country', value: 'Afghanistan', message: "country 'Afghanistan' is outside Baseerat's coverage (Pakistan)" },
    );
  });
  it('an impossible date', () => {
    const issue = expectIssues(acledAdapter.toReport(byId('PAK1013'), '', 2, context())).find((i) => i.field === 'event_date');
    expect(issue?.message).toBe("event_date '2023-02-30' is not a valid date (yyyy-MM-dd or d MMMM yyyy)");
  });
  const valid = (): Row => ({ ...byId('PAK1001') });
  const cases: [string, Row, string, RegExp][] = [
    ['missing id', { event_id_cnty: '' }, 'event_id_cnty', /missing/],
    ['bad id', { event_id_cnty: '1234' }, 'event_id_cnty', /not an ACLED event id/],
    ['unknown event type', { event_type: 'Skirmish' }, 'event_type', /'Skirmish' is not an ACLED event type/],
    ['sub-event of another type', { sub_event_type: 'Peaceful protest' }, 'sub_event_type', /not an ACLED sub-event type of 'Battles'/],
    ['bad inter1', { inter1: '9' }, 'inter1', /not an ACLED interaction code/],
    ['bad inter2', { inter2: 'aliens' }, 'inter2', /not an ACLED interaction code/],
    ['bad time_precision', { time_precision: '4' }, 'time_precision', /not 1, 2 or 3/],
    ['bad geo_precision', { geo_precision: '0' }, 'geo_precision', /not 1, 2 or 3/],
    ['missing fatalities', { fatalities: '' }, 'fatalities', /missing/],
    ['fractional fatalities', { fatalities: '2.5' }, 'fatalities', /not a count/],
    ['point without longitude', { longitude: '' }, 'longitude', /missing/],
  ];
  for (const [name, patch, field, message] of cases) {
    it(name, () => {
      const issue = expectIssues(acledAdapter.toReport({ ...valid(), ...patch }, '', 2, context())).find((i) => i.field === field);
      expect(issue).toBeDefined();
      expect(issue!.message).toMatch(message);
    });
  }
});

describe('ACLED adapter never throws', () => {
  it('on arbitrary rows (fast-check, seed 21)', () => {
    assertNeverThrows(acledAdapter, Object.keys(byId('PAK1001')), ['Pakistan', '1', '2', 'Battles', 'Armed clash', 'Protests', '2023-01-31', '31 January 2023', '30.18', '67.0', 'Quetta'], 21);
  });
  it('on fixture rows with one cell replaced', () => assertMutationsNeverThrow(acledAdapter, byId('PAK1004'), 22));
});
