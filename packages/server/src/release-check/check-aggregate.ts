/**
 * Independent check of an aggregate (differentially private counts) release file: counts are
 * non-negative integers (noisy counts integers); within every (period, category) a province equals the sum of its districts
 * and the total the sum of the provinces; and the file covers a full rectangle of places × periods
 * × categories (a missing cell would tell a reader which cells the generator thought empty).
 * Re-derived from the CSV alone; imports nothing from engine/src/privacy.
 */
import { readCsvText } from './csv-reader.js';

export const AGGREGATE_COLUMNS = ['level', 'province', 'district', 'period', 'category', 'count', 'noisy_count'] as const;

export interface AggregateCheckResult {
  ok: boolean;
  problems: string[];
  rows: number;
  cells: { places: number; periods: number; categories: number };
}

export function checkAggregateCsv(text: string): AggregateCheckResult {
  const t = readCsvText(text);
  const problems = [...t.problems];
  const empty = { places: 0, periods: 0, categories: 0 };
  if (t.header.join(',') !== AGGREGATE_COLUMNS.join(',')) {
    problems.push(`header must be ${AGGREGATE_COLUMNS.join(',')}, got ${t.header.join(',')}`);
    return { ok: false, problems, rows: t.rows.length, cells: empty };
  }
  const groups = new Map<string, Map<string, number>>(); // period|category -> place key -> count
  const periods = new Set<string>(), categories = new Set<string>();
  t.rows.forEach((r, i) => {
    const [level = '', province = '', district = '', period = '', category = '', count = '', noisy = ''] = r;
    if (!/^-?(0|[1-9]\d*)$/.test(noisy)) { problems.push(`row ${i + 1}: noisy_count ${JSON.stringify(noisy)} is not an integer`); return; }
    if (!['total', 'province', 'district'].includes(level)) { problems.push(`row ${i + 1}: level ${JSON.stringify(level)}`); return; }
    if (!/^(0|[1-9]\d*)$/.test(count)) { problems.push(`row ${i + 1}: count ${JSON.stringify(count)} is not a non-negative integer`); return; }
    if ((level === 'total') !== (province === '') || (level === 'district') !== (district !== '')) {
      problems.push(`row ${i + 1}: level ${level} with province ${JSON.stringify(province)} and district ${JSON.stringify(district)}`);
      return;
    }
    periods.add(period); categories.add(category);
    const g = `${period}\u0000${category}`;
    let m = groups.get(g);
    if (m === undefined) { m = new Map(); groups.set(g, m); }
    const place = `${level}\u0000${province}\u0000${district}`;
    if (m.has(place)) problems.push(`row ${i + 1}: ${level} ${province} ${district} ${period} ${category} appears twice`);
    m.set(place, Number(count));
  });
  let places: Set<string> | undefined;
  for (const [g, m] of groups) {
    const keys = new Set(m.keys());
    if (places === undefined) places = keys;
    else if (keys.size !== places.size || [...keys].some((k) => !places!.has(k))) problems.push(`${g.replace('\u0000', ' ')}: the places differ from the other periods and categories`);
    const byProvince = new Map<string, number>();
    let hasDistricts = false, hasProvinces = false, total: number | undefined;
    let provinceSum = 0, districtSum = 0;
    for (const [k, v] of m) {
      const [level, province] = k.split('\u0000') as [string, string, string];
      if (level === 'district') { hasDistricts = true; byProvince.set(province, (byProvince.get(province) ?? 0) + v); districtSum += v; }
      else if (level === 'province') { hasProvinces = true; provinceSum += v; }
      else total = v;
    }
    if (hasProvinces && hasDistricts) {
      for (const [k, v] of m) {
        const [level, province] = k.split('\u0000') as [string, string, string];
        if (level === 'province' && (byProvince.get(province) ?? 0) !== v) problems.push(`${g.replace('\u0000', ' ')}: province ${province} is ${v} but its districts add up to ${byProvince.get(province) ?? 0}`);
      }
    }
    if (total !== undefined) {
      const below = hasProvinces ? provinceSum : hasDistricts ? districtSum : total;
      if (below !== total) problems.push(`${g.replace('\u0000', ' ')}: total is ${total} but the level below adds up to ${below}`);
    }
  }
  if (groups.size !== periods.size * categories.size) problems.push(`${groups.size} (period, category) groups for ${periods.size} periods × ${categories.size} categories: cells are missing`);
  return { ok: problems.length === 0, problems, rows: t.rows.length, cells: { places: places?.size ?? 0, periods: periods.size, categories: categories.size } };
}
