/**
 * Integration: the UCDP adapter over the whole shipped file with the real 2023-census geography
 * (server/src/reference/geography.ts). Expected counts of precision come from the file's own
 * columns (where_prec, adm_1), counted independently of the adapter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '@baseerat/engine';
import { ucdpAdapter } from '../../../src/ingest/adapters/ucdp.js';
import { loadGeography } from '../../../src/reference/geography.js';
import { context, readCsv, repoPath } from './helpers.js';

let rows: Record<string, string>[] = [];
let reports: (Report | undefined)[] = [];
let quarantined = 0;

beforeAll(() => {
  rows = readCsv(repoPath('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), { skipRowsAfterHeader: 1 });
  const ctx = context('ucdp', undefined);
  ctx.geocoder = loadGeography();
  reports = rows.map((r, i) => {
    const x = ucdpAdapter.toReport(r, '', i + 3, ctx);
    if (!x.ok) quarantined++;
    return x.ok ? x.value : undefined;
  });
});

const count = (f: (r: Record<string, string>) => boolean) => rows.filter(f).length;

describe('UCDP GED with the real geography', () => {
  it('all 6,416 events become Reports, none quarantined', () => {
    expect(rows.length).toBe(6416);
    expect(quarantined).toBe(0);
  });
  it('precision follows where_prec, except points that contradict their own adm_2 by more than 25 km', () => {
    const by = (p: string) => reports.filter((r) => r?.location.precision === p).length;
    // counted from the file: the named district resolved, and the point more than 25 km outside it
    const geo = loadGeography();
    const contradicts = (r: Record<string, string>) => {
      if (!['1', '2'].includes(r.where_prec ?? '')) return false;
      const lat = Number(r.latitude), lon = Number(r.longitude);
      const located = geo.locate(lat, lon);
      const named = r.adm_2 === '' || r.adm_2 === undefined ? undefined : geo.resolveDistrict(r.adm_2, r.adm_1 === '' ? undefined : r.adm_1);
      if (located === undefined || named === undefined || located.district === named.district) return false;
      return (geo.distanceToDistrictKm(lat, lon, named.district) ?? 0) > 25;
    };
    const moved1 = count((r) => r.where_prec === '1' && contradicts(r));
    const moved2 = count((r) => r.where_prec === '2' && contradicts(r));
    expect(moved1 + moved2).toBeGreaterThan(0);
    expect(by('exact')).toBe(count((r) => r.where_prec === '1') - moved1);
    expect(by('near')).toBe(count((r) => r.where_prec === '2') - moved2);
    expect(by('district')).toBe(count((r) => r.where_prec === '3') + moved1 + moved2);
    expect(by('province')).toBe(count((r) => ['4', '5'].includes(r.where_prec ?? '') && r.adm_1 !== ''));
    expect(by('unknown')).toBe(count((r) => ['5', '6'].includes(r.where_prec ?? '') && r.adm_1 === ''));
    const noteCount = reports.filter((r) => r?.narrative?.includes('outside the district it names') === true).length;
    expect(noteCount).toBe(moved1 + moved2);
    const noDistrict = rows.filter((row, i) => ['1', '2', '3'].includes(row.where_prec!) && reports[i]!.location.district === undefined).map((r) => r.id);
    const falsePoint = rows.filter((row, i) => reports[i]!.location.precision === 'district' && (reports[i]!.location.lat !== undefined || reports[i]!.location.h3 !== undefined)).map((r) => r.id);
    expect(noDistrict).toEqual([]);
    expect(falsePoint).toEqual([]);
  });
  it('the 692 events UCDP places in Balochistan are all in Balochistan', () => {
    const bal = rows.map((r, i) => ({ r, rep: reports[i]! })).filter(({ rep }) => rep.location.province === 'Balochistan');
    expect(count((r) => r.adm_1 === 'Balochistan province')).toBe(692);
    expect(bal.filter(({ r }) => r.adm_1 === 'Balochistan province').length).toBe(692);
    // regression value (this adapter with the shipped geography): where_prec 2 points, i.e. within
    // 25 km, that UCDP codes to a neighbouring province and the 2023 boundaries place in Balochistan
    const extra = bal.filter(({ r }) => r.adm_1 !== 'Balochistan province');
    expect(extra.every(({ r }) => r.where_prec === '2')).toBe(true);
    expect(extra.length).toBeLessThanOrEqual(4);
  });
});
