/**
 * Acceptance check of the district index and the aliases against an independent labelling: UCDP
 * GED gives each event coordinates and its own district name (`adm_2`). For events placed to the
 * exact place or within 25 km (`where_prec` 1 or 2), the 2023 district found from the coordinates
 * should be the district UCDP names, after alias normalisation.
 *
 * Disagreements are sorted into the reasons that explain them: UCDP names an older district that
 * was split since (the point is in one of its successors); the point lies near the named district
 * (within 2, 10 or 25 km of its boundary: UCDP's precision 2 is "within 25 km", and boundaries
 * moved); the point falls outside every district (at sea, abroad); the name cannot be resolved; or
 * the point is farther than 25 km from the named district.
 *
 * Run: npx tsx packages/server/src/reference/ucdp-district-agreement.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Geography } from '@baseerat/engine';
import { loadGeography, referenceDir } from './geography.js';

export interface UcdpEventLocation {
  id: string;
  adm1: string;
  adm2: string;
  wherePrec: number;
  lat: number;
  lon: number;
  year: number;
}

/** Event locations of the shipped UCDP GED extract (row 2 of the file is HXL hashtags and is skipped). */
export function readUcdpEventLocations(path = join(referenceDir(), 'ucdp-ged-pakistan', 'ucdp_ged_pakistan_1989-2021.csv')): UcdpEventLocation[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  return rows
    .filter((r) => !(r['id'] ?? '').startsWith('#') && (r['id'] ?? '') !== '')
    .map((r) => ({
      id: r['id'] ?? '',
      adm1: r['adm_1'] ?? '',
      adm2: r['adm_2'] ?? '',
      wherePrec: Number(r['where_prec']),
      lat: Number(r['latitude']),
      lon: Number(r['longitude']),
      year: Number(r['year']),
    }));
}

export type AgreementCategory =
  | 'agree'
  | 'agree-older-district'
  | 'near-boundary-2km'
  | 'near-boundary-10km'
  | 'near-boundary-25km'
  | 'outside-all-districts'
  | 'adm2-unresolved'
  | 'far';

export interface Disagreement {
  id: string;
  year: number;
  lat: number;
  lon: number;
  adm2: string;
  expected: string;
  located: string;
  category: AgreementCategory;
  distanceKm?: number;
}

export interface AgreementReport {
  /** Events considered: the filter matched, precision 1-2, adm_2 given. */
  events: number;
  /** Events the filter matched with precision 1-2 but no adm_2 (not counted). */
  withoutAdm2: number;
  counts: Record<AgreementCategory, number>;
  /** Located district equals UCDP's adm_2 resolved to a 2023 district. */
  strictAgreement: number;
  /** Also counting a point in a successor of the older district UCDP names. */
  agreementWithOlderDistricts: number;
  disagreements: Disagreement[];
}

export function ucdpDistrictAgreement(geo: Geography, events: readonly UcdpEventLocation[], adm1?: string): AgreementReport {
  const counts: Record<AgreementCategory, number> = {
    agree: 0,
    'agree-older-district': 0,
    'near-boundary-2km': 0,
    'near-boundary-10km': 0,
    'near-boundary-25km': 0,
    'outside-all-districts': 0,
    'adm2-unresolved': 0,
    far: 0,
  };
  const disagreements: Disagreement[] = [];
  let n = 0;
  let withoutAdm2 = 0;
  for (const e of events) {
    if (adm1 !== undefined && e.adm1 !== adm1) continue;
    if (e.wherePrec !== 1 && e.wherePrec !== 2) continue;
    if (e.adm2.trim() === '') {
      withoutAdm2++;
      continue;
    }
    n++;
    const d = geo.locateMany(Float64Array.of(e.lat), Float64Array.of(e.lon))[0]!;
    const located = d >= 0 ? geo.districts[d]!.name : '';
    const covered = geo.gazetteer.districtsCoveredBy(e.adm2, e.adm1);
    const resolved = geo.resolveDistrict(e.adm2, e.adm1);
    let category: AgreementCategory;
    let distanceKm: number | undefined;
    if (resolved !== undefined && resolved.district === located) category = 'agree';
    else if (covered.some((c) => c.district === located)) category = 'agree-older-district';
    else if (covered.length === 0) category = 'adm2-unresolved';
    else if (d < 0) category = 'outside-all-districts';
    else {
      distanceKm = Math.min(...covered.map((c) => geo.index.distanceToDistrictKm(geo.district(c.district)!.index, e.lat, e.lon)));
      category = distanceKm <= 2 ? 'near-boundary-2km' : distanceKm <= 10 ? 'near-boundary-10km' : distanceKm <= 25 ? 'near-boundary-25km' : 'far';
    }
    counts[category]++;
    if (category !== 'agree') {
      const row: Disagreement = {
        id: e.id,
        year: e.year,
        lat: e.lat,
        lon: e.lon,
        adm2: e.adm2,
        expected: covered.map((c) => c.district).join(' | '),
        located,
        category,
      };
      if (distanceKm !== undefined) row.distanceKm = Math.round(distanceKm * 10) / 10;
      disagreements.push(row);
    }
  }
  return {
    events: n,
    withoutAdm2,
    counts,
    strictAgreement: n === 0 ? 0 : counts.agree / n,
    agreementWithOlderDistricts: n === 0 ? 0 : (counts.agree + counts['agree-older-district']) / n,
    disagreements,
  };
}

function summary(label: string, r: AgreementReport): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${label}: ${r.events} events (where_prec 1-2 with adm_2; ${r.withoutAdm2} more without adm_2 not counted)`,
    `  strict agreement ${pct(r.strictAgreement)}; counting older districts' successors ${pct(r.agreementWithOlderDistricts)}`,
    ...Object.entries(r.counts).map(([k, v]) => `  ${k.padEnd(24)} ${String(v).padStart(5)}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const geo = loadGeography();
  const events = readUcdpEventLocations();
  const bal = ucdpDistrictAgreement(geo, events, 'Balochistan province');
  const all = ucdpDistrictAgreement(geo, events);
  console.log(summary('Balochistan', bal));
  console.log(summary('Pakistan', all));
  if (process.argv.includes('--list')) {
    for (const d of all.disagreements) console.log(JSON.stringify(d));
  }
}
