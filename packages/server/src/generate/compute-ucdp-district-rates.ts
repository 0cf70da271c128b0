/**
 * One-off: the per-district base rates of the synthetic feed, from the real UCDP GED history.
 * Reads `data/reference/ucdp-ged-pakistan/*.csv`, keeps adm_1 = "Balochistan province" events with
 * coordinates (where_prec 1-4), places each in a 2023 district by point in polygon, and prints
 * events per year per district (1989-2021: 33 years). Its output is committed as
 * `packages/engine/src/synth/ucdp-balochistan-district-rates.ts`.
 *
 * Run: npx tsx packages/server/src/generate/compute-ucdp-district-rates.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { districtGeometry, loadDistrictShapes } from './district-polygons.js';

const csvPath = fileURLToPath(new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url));
const rows = parse(readFileSync(csvPath, 'utf8'), { columns: true, from_line: 1, relax_quotes: true }) as Record<string, string>[];
const shapes = loadDistrictShapes('Balochistan');
const geo = districtGeometry(shapes);
const counts = new Map<string, number>(shapes.map((s) => [s.name, 0]));
let kept = 0, outside = 0;
for (const r of rows) {
  if (r['adm_1'] !== 'Balochistan province') continue;
  const prec = Number(r['where_prec']);
  if (!(prec >= 1 && prec <= 4)) continue;
  const d = geo.locate(Number(r['latitude']), Number(r['longitude']));
  if (d === undefined) { outside++; continue; }
  kept++;
  counts.set(d, (counts.get(d) ?? 0) + 1);
}
const years = 33;
console.log(`// ${kept} events placed, ${outside} outside the 2023 Balochistan polygons`);
for (const [name, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`  { district: ${JSON.stringify(name)}, ucdpEvents: ${n}, eventsPerYear: ${(n / years).toFixed(3)} },`);
}
