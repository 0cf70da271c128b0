/**
 * Real-data figures for docs/methods (seasonality.md, trends.md, actors.md): the temporal analyses
 * run on the shipped UCDP GED Pakistan extract, Balochistan events 2012-2021. Not a reference
 * (the values are this code's own output, reproducible from the shipped file): a worked example.
 * Run: npx tsx scripts/reference/temporal-ucdp-demo.ts
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { actorProfiles } from '../../packages/engine/src/analysis/actors.js';
import type { TemporalColumns } from '../../packages/engine/src/analysis/aggregate.js';
import { seasonality } from '../../packages/engine/src/analysis/seasonality.js';
import { compareWindows, countSeries, trendTest } from '../../packages/engine/src/analysis/trends.js';
import { CATEGORY_CODES } from '../../packages/engine/src/domain/taxonomy.js';

const rows = (parse(readFileSync(new URL('../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url)), { columns: true, from_line: 1 }) as Record<string, string>[])
  .filter((r) => r.id !== '' && /baluchistan|balochistan/i.test(r.adm_1 ?? ''));
const H5 = 5 * 3600e3;
const local = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - H5;
const districts: string[] = [], actors: string[] = [];
const idx = (list: string[], v: string) => { let i = list.indexOf(v); if (i < 0) { list.push(v); i = list.length - 1; } return i; };
// UCDP: type 1 state-based (side_b is the armed group), 2 non-state (side_a), 3 one-sided (side_a).
const perp = (r: Record<string, string>) => (r.type_of_violence === '1' ? r.side_b! : r.side_a!);
const cat = { '1': CATEGORY_CODES.indexOf('TI.CLASH'), '2': CATEGORY_CODES.indexOf('TI.NONSTATE'), '3': CATEGORY_CODES.indexOf('TI.CIVILIANS') } as Record<string, number>;
const n = rows.length;
const cols: TemporalColumns = {
  length: n,
  // Day-precise dates are stored at the start of the local day.
  time: Float64Array.from(rows, (r) => Date.parse(`${r.date_start!.slice(0, 10)}T00:00:00Z`) - H5),
  timePrecision: Uint8Array.from(rows, (r) => (r.date_prec === '1' ? 1 : r.date_prec === '4' || r.date_prec === '5' ? 3 : 2)),
  lat: Float64Array.from(rows, (r) => Number(r.latitude)),
  lon: Float64Array.from(rows, (r) => Number(r.longitude)),
  locationPrecision: Uint8Array.from(rows, (r) => (r.where_prec === '1' ? 0 : r.where_prec === '2' ? 1 : 2)),
  district: Int32Array.from(rows, (r) => (r.adm_2 ? idx(districts, r.adm_2) : -1)),
  districtNames: districts,
  category: Uint16Array.from(rows, (r) => cat[r.type_of_violence!] ?? 0),
  killed: Uint32Array.from(rows, (r) => Number(r.best)),
  injured: new Uint32Array(n),
  abducted: new Uint32Array(n),
  perpetrator: Int32Array.from(rows, (r) => idx(actors, perp(r))),
  perpetratorNames: actors,
};

console.log(`UCDP GED Balochistan: ${n} events`);
const s = seasonality(cols, { from: local(2012, 1, 1), to: local(2022, 1, 1) });
for (const k of ['weekday', 'month', 'hijriMonth'] as const) {
  const p = s[k];
  console.log(`\n${k}: ${p.events} events, chi-square ${p.test?.statistic.toFixed(1)} on ${p.test?.df} df, p ${p.test?.pValue.toPrecision(2)}, BH ${p.test?.pAdjusted.toPrecision(2)}`);
  console.log(p.labels.map((l, i) => `${l} ${p.observed[i]}/${p.expected[i]!.toFixed(1)}=${p.ratio[i]?.toFixed(2)}`).join('; '));
  for (const c of p.caveats) console.log(`  caveat ${c.code}: ${c.message}`);
}
const yearly = countSeries(cols, { from: local(2008, 1, 1), to: local(2022, 1, 1), period: 'month' });
const years = Array.from({ length: 14 }, (_, y) => yearly.counts.slice(y * 12, y * 12 + 12).reduce((a, b) => a + b, 0));
console.log(`\nevents per year 2008-2021: ${years.join(', ')}`);
console.log(`trend of yearly counts 2008-2021: ${trendTest(years, { unit: 'year' }).summary}`);
const c = compareWindows(cols, { from: local(2021, 7, 1), to: local(2022, 1, 1) });
console.log(`\nJul-Dec 2021 vs Jan-Jun 2021: ${c.previous!.summary}`);
console.log(`Jul-Dec 2021 vs Jul-Dec 2020: ${c.lastYear!.summary}`);
for (const cv of [...c.previous!.caveats, ...c.caveats]) console.log(`  caveat ${cv.code}: ${cv.message}`);
const a = actorProfiles(cols, { from: local(2016, 1, 1), to: local(2022, 1, 1), previousFrom: local(2010, 1, 1) });
console.log('\nactors 2016-2021 vs 2010-2015:');
for (const p of a.actors.slice(0, 6)) {
  console.log(`${p.actor}${p.caveats.some((c) => c.code === 'LETHALITY_OVERDISPERSED') ? ' (lethality overdispersed)' : ''}: ${p.incidents} events (${(p.share * 100).toFixed(0)}%), killed ${p.killed}, per event ${p.lethality?.perIncident.toFixed(2)} [${p.lethality?.lower.toFixed(2)}, ${p.lethality?.upper.toFixed(2)}], top districts ${p.districts.slice(0, 2).map((d) => `${d.name} ${d.count}`).join(', ')}; change: ${p.change.summary}; BH ${p.change.pAdjusted.toPrecision(2)}`);
}
for (const cv of a.caveats) console.log(`  caveat ${cv.code}: ${cv.message}`);
