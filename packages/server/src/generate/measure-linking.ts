/**
 * Measures linking on the synthetic feed: pairwise precision / recall for several seeds and sizes,
 * the trade-off of the distance and time windows, and the CPU cost of generating and linking.
 * Prints Markdown tables for docs/methods/linking.md.
 *
 * Run: TZ=UTC npx tsx packages/server/src/generate/measure-linking.ts [--quick]
 * CPU time (process.cpuUsage) is reported rather than wall time: the development machine is shared.
 */
import type { LinkOptions } from '@baseerat/engine/link/index';
import { clustersFromPlan, linkBatch, scoreLinking } from '@baseerat/engine/link/index';
import type { ProvinceFeed } from '@baseerat/engine/synth/index';
import { generateProvinceFeed } from '@baseerat/engine/synth/index';
import { shippedGeometry, shippedPlaces } from './write-feed.js';

const quick = process.argv.includes('--quick');
const fallbackOnly = process.argv.includes('--fallback');
const geometry = shippedGeometry();
const places = shippedPlaces(geometry);

function cpuMs<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const v = f();
  const c = process.cpuUsage(c0);
  return [v, (c.user + c.system) / 1000];
}

function feedFor(seed: number, months: number, perDay: number): [ProvinceFeed, number] {
  const start = Date.UTC(2024, 0, 1), end = Date.UTC(2024, months, 1);
  return cpuMs(() => generateProvinceFeed({
    seed, start: new Date(start).toISOString(), end: new Date(end).toISOString(),
    incidents: Math.round((perDay * (end - start)) / 86_400_000), geometry, places,
  }));
}

function score(feed: ProvinceFeed, rules?: LinkOptions) {
  const [plan, ms] = cpuMs(() => linkBatch(feed.reports, [], rules));
  const truth = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t.incidentId]));
  return { s: scoreLinking(clustersFromPlan(plan), truth), ms, plan };
}

const f3 = (x: number) => x.toFixed(3);

if (fallbackOnly) {
  console.log('## The district-unique-group fallback on and off (12 months, 30 incidents/day)\n');
  console.log('| seed | fallback | precision | recall | F1 | district-unique-group links right / all |');
  console.log('|---|---|---|---|---|---|');
  for (const seed of [1, 2, 3]) {
    const [feed] = feedFor(seed, 12, 30);
    const truth = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t.incidentId]));
    for (const on of [true, false]) {
      const { s, plan } = score(feed, { maxDistanceKm: 2, maxHours: 6, districtGroupFallback: on });
      let right = 0, all = 0;
      for (const i of plan.newIncidents) for (const l of i.links) if (l.rule === 'district-unique-group') { all++; if (truth.get(l.a) === truth.get(l.b)) right++; }
      console.log(`| ${seed} | ${on ? 'on' : 'off'} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} | ${right} / ${all} |`);
    }
  }
  process.exit(0);
}
console.log('## Precision and recall by seed and size (default rules: 2 km, 6 h)\n');
console.log('| seed | months | incidents/day | true incidents | reports | true pairs | precision | recall | F1 | generate CPU ms | link CPU ms | reports/s linked |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
const sizes: [number, number][] = quick ? [[3, 30]] : [[3, 30], [12, 30], [12, 100]];
for (const [months, perDay] of sizes) {
  for (const seed of quick ? [1, 2] : [1, 2, 3]) {
    const [feed, genMs] = feedFor(seed, months, perDay);
    score(feed); // warm up the JIT so the timing is of steady state
    const { s, ms } = score(feed);
    console.log(`| ${seed} | ${months} | ${perDay} | ${feed.truth.incidents.length} | ${feed.reports.length} | ${s.truePairs} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} | ${genMs.toFixed(0)} | ${ms.toFixed(0)} | ${Math.round(feed.reports.length / (ms / 1000))} |`);
  }
}

console.log('\n## Window trade-off (seed 1, 12 months, 30 incidents/day)\n');
const [feed] = feedFor(1, quick ? 3 : 12, 30);
console.log('| maxDistanceKm | maxHours | precision | recall | F1 |');
console.log('|---|---|---|---|---|');
for (const maxDistanceKm of [0.5, 1, 2, 3, 5]) {
  for (const maxHours of [1, 3, 6, 12, 24]) {
    const { s } = score(feed, { maxDistanceKm, maxHours });
    console.log(`| ${maxDistanceKm} | ${maxHours} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} |`);
  }
}

console.log('\n## Links by rule (seed 1, default rules)\n');
const { plan } = score(feed);
const byRule = new Map<string, number>();
for (const i of plan.newIncidents) for (const l of i.links) byRule.set(l.rule, (byRule.get(l.rule) ?? 0) + 1);
console.log('| rule | links |');
console.log('|---|---|');
for (const [r, n] of [...byRule].sort((a, b) => b[1] - a[1])) console.log(`| ${r} | ${n} |`);
console.log('\ncaveats:', plan.caveats.map((c) => `${c.code} ${c.count ?? ''}`).join('; '));
