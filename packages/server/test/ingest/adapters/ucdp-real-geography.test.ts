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
  it('precision follows where_prec: every point event and every district event gets a 2023 district', () => {
    const by = (p: string) => reports.filter((r) => r?.location.precision === p).length;
    expect(by('exact')).toBe(count((r) => r.where_prec === '1'));
    expect(by('near')).toBe(count((r) => r.where_prec === '2'));
    expect(by('district')).toBe(count((r) => r.where_prec === '3'));
    expect(by('province')).toBe(count((r) => ['4', '5'].includes(r.where_prec ?? '') && r.adm_1 !== ''));
    expect(by('unknown')).toBe(count((r) => ['5', '6'].includes(r.where_prec ?? '') && r.adm_1 === ''));
    const noDistrict = rows.filter((row, i) => ['1', '2', '3'].includes(row.where_prec!) && reports[i]!.location.district === undefined).map((r) => r.id);
    const falsePoint = rows.filter((row, i) => row.where_prec === '3' && (reports[i]!.location.lat !== undefined || reports[i]!.location.h3 !== undefined)).map((r) => r.id);
    expect(noDistrict).toEqual([]);
    expect(falsePoint).toEqual([]);
  });
  it('the 692 events UCDP places in Balochistan are all in Balochistan; 4 more fall inside it by their coordinates', () => {
    const bal = rows.map((r, i) => ({ r, rep: reports[i]! })).filter(({ rep }) => rep.location.province === 'Balochistan');
    expect(count((r) => r.adm_1 === 'Balochistan province')).toBe(692);
    expect(bal.filter(({ r }) => r.adm_1 === 'Balochistan province').length).toBe(692);
    // regression values (this adapter with the shipped geography): where_prec 2 points, i.e. within 25 km,
    // that UCDP codes to South/North Waziristan or Dera Ghazi Khan and the 2023 boundaries place in Balochistan
    const extra = bal.filter(({ r }) => r.adm_1 !== 'Balochistan province');
    expect(extra.map(({ r }) => r.where_prec)).toEqual(['2', '2', '2', '2']);
    expect(bal.length).toBe(696);
  });
});
