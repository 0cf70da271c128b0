/**
 * From store columns to a k-anonymous, l-diverse microdata table: sensitive fields are never read
 * (the columns carry no narrative, names, raw records or source ids; perpetrator and incident ids
 * are not copied), time is generalised to ISO week, month, quarter or year, place to district or an
 * H3 cell of resolution 7 or coarser, casualties to bands; then whole rows of classes smaller than k
 * or with fewer than l distinct sensitive values are suppressed (engine k-anonymity-suppression).
 * Rows are sorted by their values, so the file's order says nothing about ids or time of entry.
 */
import { BaseeratError, CATEGORY_CODES } from '@baseerat/engine';
import {
  casualtyBand, generaliseH3, generaliseTime, suppressSmallClasses, timePrecisionAllows, MAX_RELEASE_H3_RESOLUTION,
  type KAnonymityResult, type TimeGeneralisation,
} from '@baseerat/engine/privacy/index';
import type { IncidentColumns } from '../store/port.js';
import { periodInstants, type ReleasePeriod } from './build-aggregate-release.js';

export interface MicrodataOptions {
  time?: TimeGeneralisation;
  /** district (default), an H3 cell, or province only (no finer place column). */
  place?: 'district' | 'h3' | 'province';
  /** For place h3: 0..7 (default 5, edge about 8.5 km). */
  h3Resolution?: number;
  /** The attribute whose values must be diverse within a class (default category). */
  sensitive?: 'category' | 'casualty_band';
}

export interface MicrodataBuild {
  columns: string[];
  quasiIdentifiers: string[];
  sensitive: string;
  rows: Record<string, string>[];
  suppression: Omit<KAnonymityResult<Record<string, string>>, 'kept'>;
  /** Incidents of the period not eligible before suppression, by reason (exact, internal). */
  excluded: { timeTooCoarse: number; noPlace: number; placeTooCoarse: number };
  time: TimeGeneralisation;
  place: 'district' | 'h3' | 'province';
  h3Resolution?: number;
}

// Index 0 exact, 1 near in LOCATION_PRECISIONS; near points are within 25 km, so only in cells with an edge >= ~25 km (resolution 4 or coarser).
const NEAR = 1;
const NEAR_MAX_RESOLUTION = 4;

export function buildMicrodataRelease(
  cols: IncidentColumns, provinces: readonly string[], period: ReleasePeriod, o: MicrodataOptions, k: number, l: number,
): MicrodataBuild {
  const time = o.time ?? 'month';
  const place = o.place ?? 'district';
  const res = o.h3Resolution ?? 5;
  if (place === 'h3' && !(Number.isInteger(res) && res >= 0 && res <= MAX_RELEASE_H3_RESOLUTION)) {
    throw new BaseeratError('VALIDATION', `microdata.h3Resolution must be an integer 0..${MAX_RELEASE_H3_RESOLUTION}, got ${res}`, { field: 'microdata.h3Resolution' });
  }
  const sensitive = o.sensitive ?? 'category';
  const placeColumn = place === 'h3' ? 'h3' : 'district';
  const placeColumns = place === 'province' ? [] : [placeColumn];
  const columns = ['period', 'province', ...placeColumns, 'casualty_band', 'category'];
  const quasiIdentifiers = ['period', 'province', ...placeColumns, sensitive === 'category' ? 'casualty_band' : 'category'];
  const { fromMs, toMs } = periodInstants(period);
  const allowed = new Set(provinces);
  const excluded = { timeTooCoarse: 0, noPlace: 0, placeTooCoarse: 0 };
  const rows: Record<string, string>[] = [];
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!(t >= fromMs && t < toMs)) continue;
    const pi = cols.province[i]!;
    const province = pi >= 0 ? cols.provinceNames[pi]! : '';
    if (!allowed.has(province)) continue;
    if (!timePrecisionAllows(cols.timePrecision[i]!, time)) { excluded.timeTooCoarse++; continue; }
    let placeValue = '';
    if (place === 'province') {
      // province only: nothing finer to read
    } else if (place === 'district') {
      const di = cols.district[i]!;
      if (di < 0) { excluded.noPlace++; continue; }
      placeValue = cols.districtNames[di]!;
    } else {
      const cell = cols.h3[i]!;
      if (cell === '') { excluded.noPlace++; continue; }
      if (cols.locationPrecision[i]! === NEAR && res > NEAR_MAX_RESOLUTION) { excluded.placeTooCoarse++; continue; }
      placeValue = generaliseH3(cell, res);
    }
    rows.push({
      period: generaliseTime(t, time),
      province,
      ...(place === 'province' ? {} : { [placeColumn]: placeValue }),
      casualty_band: casualtyBand(cols.killed[i]!, cols.injured[i]!),
      category: CATEGORY_CODES[cols.category[i]!]!,
    });
  }
  const s = suppressSmallClasses(rows, { quasiIdentifiers, sensitive, k, l });
  const kept = [...s.kept].sort((a, b) => {
    for (const c of columns) { const x = a[c]!, y = b[c]!; if (x !== y) return x < y ? -1 : 1; }
    return 0;
  });
  const { kept: _kept, ...suppression } = s;
  return { columns, quasiIdentifiers, sensitive, rows: kept, suppression, excluded, time, place, ...(place === 'h3' ? { h3Resolution: res } : {}) };
}
