import { describe, expect, it } from 'vitest';
import { gtdAdapter } from '../../../src/ingest/adapters/gtd.js';
import type { Row } from '../../../src/ingest/adapter.js';
import { assertMutationsNeverThrow, assertNeverThrows, context, expectIssues, expectOk, fixturePath, readCsv } from './helpers.js';

// hand-written rows in the GTD codebook's layout (no GTD file is available to the project)
const rows = readCsv(fixturePath('gtd-sample.csv'));
const byId = (id: string): Record<string, string> => rows.find((r) => r.eventid === id)!;
const report = (id: string) => expectOk(gtdAdapter.toReport(byId(id), '', 2, context('gtd')));

describe('GTD adapter: field mapping', () => {
  it('bombing of a police checkpoint in Quetta (specificity 1) -> TI.BOMB, near, LeJ, counts', () => {
    const r = report('201501100001');
    expect(r.category).toBe('TI.BOMB');
    expect(r.targetType).toBe('Police');
    expect(r.perpetrator).toBe('Lashkar-e-Jhangvi (LeJ)');
    expect(r.severity).toEqual({ killed: 3, injured: 7, abducted: 0 }); // nhostkid -99 = unknown
    expect(r.occurredAt).toBe('2015-01-09T19:00:00.000Z');
    expect(r.timePrecision).toBe('day');
    expect(r.location).toMatchObject({ lat: 30.183, lon: 67.001, precision: 'near', district: 'Quetta', province: 'Balochistan', placeName: 'Quetta' });
    expect(r.location.h3).toMatch(/^[0-9a-f]{15}$/);
    expect(r.source).toMatchObject({ agency: 'gtd', sourceId: '201501100001', format: 'gtd' });
    expect(r.narrative).toContain('police checkpoint in Quetta');
  });
  it('suicide = 1 -> TI.SUICIDE; "12.0" deaths read as 12; the Khorasan chapter is the Islamic State', () => {
    const r = report('201602180002');
    expect(r).toMatchObject({ category: 'TI.SUICIDE', perpetrator: 'Islamic State (IS)', targetType: 'Religious Figures/Institutions' });
    expect(r.severity.killed).toBe(12);
  });
  it('Utilities + Gas at specificity 2 -> TI.INFRA.GAS at district precision without a point', () => {
    const r = report('201403050003');
    expect(r.category).toBe('TI.INFRA.GAS');
    expect(r.location).toEqual({ precision: 'district', district: 'Dera Bugti', province: 'Balochistan', placeName: 'Dera Bugti district' });
    expect(r.perpetrator).toBe('Baloch Republican Army (BRA)');
  });
  it('Utilities + Electricity -> TI.INFRA.POWER; Train/Train Tracks/ Trolley -> TI.INFRA.RAIL; Telecommunication -> TI.INFRA.TELECOM', () => {
    expect(report('201707210004').category).toBe('TI.INFRA.POWER');
    const rail = report('201811020005');
    expect(rail.category).toBe('TI.INFRA.RAIL');
    expect(rail.perpetrator).toBeUndefined(); // gname Unknown = unclaimed
    expect(report('201909140006').category).toBe('TI.INFRA.TELECOM');
  });
  it('projectile -> TI.INDIRECT; iday 0 -> month precision at the first of the month, approxdate in the narrative', () => {
    const r = report('201603000007');
    expect(r.category).toBe('TI.INDIRECT');
    expect(r.timePrecision).toBe('month');
    expect(r.occurredAt).toBe('2016-02-29T19:00:00.000Z');
    expect(r.narrative).toContain('Approximate date: March 2016.');
  });
  it('assassination -> TI.TARGETED (Karachi, TTP)', () => {
    expect(report('201205060008')).toMatchObject({ category: 'TI.TARGETED', perpetrator: 'Tehrik-i-Taliban Pakistan (TTP)' });
  });
  it('kidnapping at specificity 3 -> TI.KIDNAP, abducted = nhostkid, district resolved from the city name', () => {
    const r = report('201310110009');
    expect(r.category).toBe('TI.KIDNAP');
    expect(r.severity.abducted).toBe(4);
    expect(r.location).toEqual({ precision: 'district', district: 'Kech', province: 'Balochistan', placeName: 'Turbat' });
  });
  it('Unknown attack with firearms at specificity 4 -> TI.ASSAULT at province precision; unknown deaths said in the narrative', () => {
    const r = report('201204000012');
    expect(r.category).toBe('TI.ASSAULT');
    expect(r.location).toEqual({ precision: 'province', province: 'Balochistan' });
    expect(r.severity.killed).toBe(0);
    expect(r.narrative).toContain('Deaths unknown');
  });
  it('specificity 5 -> unknown place, even with a province written', () => {
    const r = expectOk(gtdAdapter.toReport({ ...byId('201204000012'), specificity: '5' }, '', 2, context()));
    expect(r.location).toEqual({ precision: 'unknown' });
  });
  it('imonth 0 -> year precision at 1 January', () => {
    const r = expectOk(gtdAdapter.toReport({ ...byId('201501100001'), imonth: '0', iday: '0' }, '', 2, context()));
    expect(r).toMatchObject({ timePrecision: 'year', occurredAt: '2014-12-31T19:00:00.000Z' });
  });
  it('10 of the 12 fixture rows are ingested; the other 2 are quarantined with the reasons below', () => {
    const results = rows.map((r) => gtdAdapter.toReport(r, '', 2, context()));
    expect(results.filter((r) => r.ok).length).toBe(10);
  });
});

describe('GTD quarantine reasons', () => {
  it('another country', () => {
    const issues = expectIssues(gtdAdapter.toReport(byId('201008150010'), '', 2, context()));
    expect(issues).toContainEqual({ field: 'country_txt', value: 'India', message: "country_txt 'India' is outside Baseerat's coverage (Pakistan)" });
  });
  it('an attack type the codebook does not have', () => {
    const issues = expectIssues(gtdAdapter.toReport(byId('201101010011'), '', 2, context()));
    expect(issues).toEqual([{ field: 'attacktype1_txt', value: 'Drive-by', message: "attacktype1_txt 'Drive-by' is not a GTD attack type" }]);
  });
  const valid = (): Row => ({ ...byId('201501100001') });
  const cases: [string, Row, string, RegExp][] = [
    ['missing eventid', { eventid: '' }, 'eventid', /eventid is missing/],
    ['bad eventid', { eventid: 'abc' }, 'eventid', /not a GTD event id/],
    ['bad year', { iyear: '15' }, 'iyear', /not a year/],
    ['bad month', { imonth: '13' }, 'imonth', /not 0-12/],
    ['bad day', { iday: 'x' }, 'iday', /not 0-31/],
    ['impossible date', { imonth: '2', iday: '30' }, 'iday', /not a valid date/],
    ['unknown weapon type', { weaptype1_txt: 'Laser' }, 'weaptype1_txt', /'Laser' is not a GTD weapon type/],
    ['unknown target type', { targtype1_txt: 'Aliens' }, 'targtype1_txt', /'Aliens' is not a GTD target type/],
    ['bad suicide flag', { suicide: '2' }, 'suicide', /not 0 or 1/],
    ['negative deaths', { nkill: '-3' }, 'nkill', /not a count/],
    ['non-number wounded', { nwound: 'many' }, 'nwound', /not a number/],
    ['bad specificity', { specificity: '9' }, 'specificity', /not 1-5/],
    ['specificity 1 without coordinates', { latitude: '' }, 'latitude', /latitude is missing/],
  ];
  for (const [name, patch, field, message] of cases) {
    it(name, () => {
      const issue = expectIssues(gtdAdapter.toReport({ ...valid(), ...patch }, '', 2, context())).find((i) => i.field === field);
      expect(issue).toBeDefined();
      expect(issue!.message).toMatch(message);
    });
  }
});

describe('GTD adapter never throws', () => {
  it('on arbitrary rows (fast-check, seed 11)', () => {
    assertNeverThrows(gtdAdapter, Object.keys(byId('201501100001')), ['Pakistan', '1', '0', 'Bombing/Explosion', 'Explosives', 'Utilities', 'Gas', '2015', '30.18', '67.0', 'Unknown'], 11);
  });
  it('on fixture rows with one cell replaced', () => assertMutationsNeverThrow(gtdAdapter, byId('201403050003'), 12));
});
