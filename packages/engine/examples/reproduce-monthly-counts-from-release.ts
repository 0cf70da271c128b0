/**
 * Example for researchers: reproduce a Baseerat figure from a research release, with the engine
 * alone, and measure how close the release gets.
 *
 * The figure: monthly counts of UCDP GED conflict events in Balochistan, 2008-2021, by district and
 * for the province, with the trend of the provincial series (Mann-Kendall test and Sen's slope, the
 * project's trend methods). The release in ./data/ucdp-balochistan-monthly-eps1/ was made by the
 * release service at ε = 1 (0.5 for the province level, 0.5 for districts) with operating-system
 * randomness; ./data/ucdp-balochistan-exact-monthly.csv holds the exact counts, which can be shipped
 * only because UCDP is public. With a real partner release you would not have them.
 *
 * Run from the repository root: npx tsx packages/engine/examples/reproduce-monthly-counts-from-release.ts
 * (the engine is used as a standalone package: only @baseerat/engine imports).
 */
import { readFileSync } from 'node:fs';
import { mannKendall } from '@baseerat/engine/stats/mann-kendall';
import { sensSlope } from '@baseerat/engine/stats/sens-slope';

const here = new URL('./data/', import.meta.url);
const releaseDir = new URL('ucdp-balochistan-monthly-eps1/', here);

/** Plain CSV (this release quotes nothing: no commas in its values). */
function readCsv(url: URL): Record<string, string>[] {
  const [head, ...lines] = readFileSync(url, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => { const v = l.split(','); return Object.fromEntries(cols.map((c, i) => [c, v[i] ?? ''])); });
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', releaseDir), 'utf8')) as {
  releaseId: string; privacy: { epsilon: number; levels: { level: string; epsilon: number; expectedAbsoluteErrorBeforePostProcessing: number; noiseVariance: number }[] };
};
const released = readCsv(new URL('data.csv', releaseDir));
const exactRows = readCsv(new URL('ucdp-balochistan-exact-monthly.csv', here));
const exact = new Map(exactRows.map((r) => [`${r['district']}|${r['month']}`, Number(r['count'])]));

const months = [...new Set(released.map((r) => r['period']!))].sort();
const province = released.filter((r) => r['level'] === 'province');
const districts = released.filter((r) => r['level'] === 'district');
const exactProvince = new Map<string, number>();
for (const r of exactRows) exactProvince.set(r['month']!, (exactProvince.get(r['month']!) ?? 0) + Number(r['count']));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const dErr = districts.map((r) => Math.abs(Number(r['count']) - (exact.get(`${r['district']}|${r['period']}`) ?? 0)));
const dErrNonZero = districts.filter((r) => exact.has(`${r['district']}|${r['period']}`)).map((r) => Math.abs(Number(r['count']) - exact.get(`${r['district']}|${r['period']}`)!));
// How many of the true events sit in a released cell of the right district and month.
const overlap = districts.reduce((a, r) => a + Math.min(Number(r['count']), exact.get(`${r['district']}|${r['period']}`) ?? 0), 0);
const trueTotal = exactRows.reduce((a, r) => a + Number(r['count']), 0);
const pErr = province.map((r) => Math.abs(Number(r['count']) - (exactProvince.get(r['period']!) ?? 0)));

// Yearly provincial totals two ways: summing released counts (consistent, non-negative, biased up
// where the truth is small) and summing noisy counts (unbiased; variance = 12 x the level's variance).
const years = [...new Set(months.map((m) => m.slice(0, 4)))];
const yearly = years.map((y) => {
  const rows = province.filter((r) => r['period']!.startsWith(y));
  return {
    year: y,
    exact: months.filter((m) => m.startsWith(y)).reduce((a, m) => a + (exactProvince.get(m) ?? 0), 0),
    released: rows.reduce((a, r) => a + Number(r['count']), 0),
    noisy: rows.reduce((a, r) => a + Number(r['noisy_count']), 0),
  };
});
const provinceNoise = manifest.privacy.levels.find((l) => l.level === 'province')!;

// Trend of the provincial monthly series, from the release and from the truth.
const seriesReleased = months.map((m) => Number(province.find((r) => r['period'] === m)!['count']));
const seriesExact = months.map((m) => exactProvince.get(m) ?? 0);
const trend = (s: number[]) => { const mk = mannKendall(s); const ss = sensSlope(s); return { tau: mk.tau, z: mk.z, p: mk.p, slopePerYear: ss.slope * 12 }; };
const tr = trend(seriesReleased), te = trend(seriesExact);

// Ranking of districts by total events: does the release keep the top five?
const totals = (get: (d: string) => number) => [...new Set(districts.map((r) => r['district']!))].map((d) => ({ d, n: get(d) })).sort((a, b) => b.n - a.n);
const relTop = totals((d) => districts.filter((r) => r['district'] === d).reduce((a, r) => a + Number(r['count']), 0)).slice(0, 5).map((x) => x.d);
const noisyTop = totals((d) => districts.filter((r) => r['district'] === d).reduce((a, r) => a + Number(r['noisy_count']), 0)).slice(0, 5).map((x) => x.d);
const exTop = totals((d) => exactRows.filter((r) => r['district'] === d).reduce((a, r) => a + Number(r['count']), 0)).slice(0, 5).map((x) => x.d);

const f = (x: number, d = 2) => x.toFixed(d);
console.log(`Release ${manifest.releaseId}: epsilon ${manifest.privacy.epsilon}, ${months.length} months, ${districts.length / months.length} district cells per month`);
console.log('');
console.log('Monthly counts, mean absolute error of the released count');
console.log(`  district x month (${districts.length} cells):           ${f(mean(dErr), 3)}   (mechanism before post-processing: ${f(manifest.privacy.levels.find((l) => l.level === 'district')!.expectedAbsoluteErrorBeforePostProcessing, 3)})`);
console.log(`  district x month, cells with events (${dErrNonZero.length}):  ${f(mean(dErrNonZero), 3)}`);
console.log(`  events matched by a released count in the right district and month: ${overlap} of ${trueTotal}`);
console.log(`  province x month (${province.length} cells):             ${f(mean(pErr), 3)}   (mechanism before post-processing: ${f(provinceNoise.expectedAbsoluteErrorBeforePostProcessing, 3)})`);
console.log('');
console.log('Yearly Balochistan totals: exact, from released counts, from noisy counts');
for (const y of yearly) console.log(`  ${y.year}  ${String(y.exact).padStart(4)}  ${String(y.released).padStart(4)}  ${String(y.noisy).padStart(4)}`);
console.log(`  mean |error|: released ${f(mean(yearly.map((y) => Math.abs(y.released - y.exact))))}, noisy ${f(mean(yearly.map((y) => Math.abs(y.noisy - y.exact))))} (noisy sd in theory ${f(Math.sqrt(12 * provinceNoise.noiseVariance))})`);
console.log('');
console.log('Trend of the monthly provincial series (Mann-Kendall tau, z, p; Sen slope per year)');
console.log(`  exact:    tau ${f(te.tau, 3)}  z ${f(te.z)}  p ${te.p.toExponential(2)}  slope ${f(te.slopePerYear)} events/month per year`);
console.log(`  release:  tau ${f(tr.tau, 3)}  z ${f(tr.z)}  p ${tr.p.toExponential(2)}  slope ${f(tr.slopePerYear)} events/month per year`);
console.log('');
console.log(`Top five districts by events, exact:   ${exTop.join(', ')}`);
console.log(`Top five from released counts:         ${relTop.join(', ')}  (${relTop.filter((d) => exTop.includes(d)).length} of 5 in common)`);
console.log(`Top five from noisy counts:            ${noisyTop.join(', ')}  (${noisyTop.filter((d) => exTop.includes(d)).length} of 5 in common)`);
