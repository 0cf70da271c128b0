/**
 * Worked example for docs/methods/allocation.md on real data: where to post K = 10 units with a
 * 25 km reach in Balochistan, planned on UCDP events 2015-2019 and scored on 2020-2021 (held out).
 *
 * Demand: UCDP GED events with adm_1 "Balochistan province", where_prec 1-2, weight 1 + best
 * (deaths). Candidate sites: the 111 Balochistan places of the gazetteer (ucdp_places_pakistan.csv,
 * with their district). Plans: greedy maximal covering, exact branch and bound (node budget),
 * units proportional to 2015-2019 event counts per district, uniform across districts, and a
 * randomised schedule with π ∝ harm within reach (capped).
 *
 * Run: npx tsx bench/allocation/ucdp-balochistan-allocation.ts  (writes bench/allocation/ucdp-balochistan-allocation.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SeededRng } from '../../packages/engine/src/random/index.js';
import {
  buildCoverageMatrix,
  coveredWeight,
  exactMaximalCoverage,
  greedyMaximalCoverage,
  blendProbabilities,
  inclusionProbabilities,
  planProbabilities,
  proportionalPlan,
  standaloneWeights,
  summariseSchedule,
  uniformPlan,
  type CandidateSite,
  type DemandPoint,
} from '../../packages/engine/src/risk/index.js';

const K = 10;
const RADIUS_KM = 25;
const root = new URL('../../', import.meta.url);
const rows = parse(readFileSync(new URL('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', root)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const events = rows
  .filter((r) => r.adm_1 === 'Balochistan province' && (r.where_prec === '1' || r.where_prec === '2'))
  .map((r) => ({ year: Number(r.year), district: r.adm_2 ?? '', lat: Number(r.latitude), lon: Number(r.longitude), weight: 1 + Number(r.best) }));
const train = events.filter((e) => e.year >= 2015 && e.year <= 2019);
const test = events.filter((e) => e.year >= 2020 && e.year <= 2021);
const demand = (es: typeof events): DemandPoint[] => es.map((e) => ({ lat: e.lat, lon: e.lon, weight: e.weight }));

const places = parse(readFileSync(new URL('data/reference/gazetteer/ucdp_places_pakistan.csv', root)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const sites: CandidateSite[] = places
  .filter((p) => p.adm1 === 'Balochistan province')
  .map((p) => {
    const s: CandidateSite = { id: p.adm2 ? `${p.place_name} (${p.adm2})` : `${p.place_name}`, lat: Number(p.lat_median), lon: Number(p.lon_median) };
    // Places on roads between districts carry no adm2: they stay candidates for the optimiser only.
    if (p.adm2) s.district = p.adm2;
    return s;
  });

const trainMatrix = buildCoverageMatrix(sites, demand(train), RADIUS_KM);
const testMatrix = buildCoverageMatrix(sites, demand(test), RADIUS_KM);
const pastCounts: Record<string, number> = {};
for (const e of train) pastCounts[e.district] = (pastCounts[e.district] ?? 0) + 1;

const problem = { matrix: trainMatrix, sites, units: K };
const greedy = greedyMaximalCoverage(problem);
const exact = exactMaximalCoverage(problem, { maxNodes: 2_000_000 });
const proportional = proportionalPlan(problem, pastCounts);
const uniform = uniformPlan(problem, pastCounts);
const { probabilities, caveats: piCaveats } = inclusionProbabilities(standaloneWeights(trainMatrix), K);
const scheduleTrain = summariseSchedule(trainMatrix, probabilities, greedy.sites, 20_000, new SeededRng('allocation-example'));
const scheduleTest = summariseSchedule(testMatrix, probabilities, greedy.sites, 20_000, new SeededRng('allocation-example'));

const row = (name: string, plan: readonly number[]) => {
  const tr = coveredWeight(trainMatrix, plan), te = coveredWeight(testMatrix, plan);
  return { plan: name, sites: plan.length, trainCovered: tr, trainShare: tr / trainMatrix.totalWeight, testCovered: te, testShare: te / testMatrix.totalWeight };
};
const table = [row('greedy', greedy.sites), row('exact', exact.sites), row('proportional', proportional.sites), row('uniform', uniform.sites)];
const g = table[0]!, p = table[2]!, u = table[3]!;
const result = {
  command: 'npx tsx bench/allocation/ucdp-balochistan-allocation.ts',
  units: K,
  radiusKm: RADIUS_KM,
  events: { train: train.length, test: test.length, trainHarm: trainMatrix.totalWeight, testHarm: testMatrix.totalWeight },
  candidateSites: sites.length,
  districtsWithSites: Object.keys(uniform.unitsByDistrict).length,
  exact: { provenOptimal: exact.provenOptimal, nodes: exact.nodes, gapGreedyVsExactTrain: 1 - greedy.coveredWeight / exact.coveredWeight },
  table,
  ratios: {
    trainGreedyOverProportional: g.trainCovered / p.trainCovered,
    trainGreedyOverUniform: g.trainCovered / u.trainCovered,
    testGreedyOverProportional: g.testCovered / p.testCovered,
    testGreedyOverUniform: g.testCovered / u.testCovered,
  },
  greedySteps: greedy.steps.map((s) => ({ site: s.siteId, marginalGain: s.marginalGain })),
  proportionalUnits: Object.fromEntries(Object.entries(proportional.unitsByDistrict).filter(([, v]) => v > 0)),
  uniformUnits: Object.fromEntries(Object.entries(uniform.unitsByDistrict).filter(([, v]) => v > 0)),
  schedule: {
    draws: scheduleTrain.draws,
    capped: [...probabilities].filter((x) => x >= 1).length,
    positive: [...probabilities].filter((x) => x > 0).length,
    topProbabilities: [...probabilities].map((pi, i) => ({ site: sites[i]!.id, pi })).sort((a, b) => b.pi - a.pi).slice(0, 15),
    maxFrequencyError: Math.max(...[...probabilities].map((pi, i) => Math.abs(scheduleTrain.frequencies[i]! - pi))),
    // Largest |frequency − π| in binomial standard errors, over sites with 0 < π < 1.
    maxFrequencyZ: Math.max(...[...probabilities].map((pi, i) => (pi > 0 && pi < 1 ? Math.abs(scheduleTrain.frequencies[i]! - pi) / Math.sqrt((pi * (1 - pi)) / scheduleTrain.draws) : 0))),
    quettaSitesAbove08: [...probabilities].filter((pi, i) => pi > 0.8 && pi < 1 && sites[i]!.district === 'Quetta district').length,
    largestEventWeight: Math.max(...train.map((e) => e.weight)),
    train: { expected: scheduleTrain.expectedCoveredWeight, se: scheduleTrain.standardError, upperBound: scheduleTrain.upperBound, greedy: scheduleTrain.pureCoveredWeight, price: scheduleTrain.priceOfUnpredictability },
    test: { expected: scheduleTest.expectedCoveredWeight, se: scheduleTest.standardError, upperBound: scheduleTest.upperBound, greedy: scheduleTest.pureCoveredWeight, price: scheduleTest.priceOfUnpredictability },
    caveats: [...piCaveats, ...scheduleTrain.caveats],
  },
  caveats: [...greedy.caveats, ...exact.caveats, ...proportional.caveats, ...uniform.caveats],
};
// Sensitivity: every event weighs 1 (counts, not harm), so a few mass-casualty attacks do not dominate.
const ones = (es: typeof events): DemandPoint[] => es.map((e) => ({ lat: e.lat, lon: e.lon, weight: 1 }));
const cTrain = buildCoverageMatrix(sites, ones(train), RADIUS_KM);
const cTest = buildCoverageMatrix(sites, ones(test), RADIUS_KM);
const cProblem = { matrix: cTrain, sites, units: K };
const cPlans = { greedy: greedyMaximalCoverage(cProblem).sites, proportional: proportionalPlan(cProblem, pastCounts).sites, uniform: uniformPlan(cProblem, pastCounts).sites };
(result as Record<string, unknown>).countWeighted = Object.fromEntries(Object.entries(cPlans).map(([k, plan]) => [k, { train: coveredWeight(cTrain, plan), test: coveredWeight(cTest, plan), testShare: coveredWeight(cTest, plan) / cTest.totalWeight }]));
// The unpredictability dial: greedy plan (alpha 0) blended with the risk-proportional vector (alpha 1).
const pure = planProbabilities(greedy.sites, sites.length);
(result as Record<string, unknown>).dial = [0, 0.25, 0.5, 0.75, 1].map((alpha) => {
  const pi = blendProbabilities(pure, probabilities, alpha);
  const tr = summariseSchedule(trainMatrix, pi, greedy.sites, 20_000, new SeededRng(`dial:${alpha}`));
  const te = summariseSchedule(testMatrix, pi, greedy.sites, 20_000, new SeededRng(`dial:${alpha}`));
  return { alpha, maxPi: Math.max(...pi), sitesUsed: [...pi].filter((x) => x > 0).length, trainExpected: tr.expectedCoveredWeight, trainSe: tr.standardError, trainPrice: tr.priceOfUnpredictability, testExpected: te.expectedCoveredWeight, testSe: te.standardError, testPrice: te.priceOfUnpredictability };
});
writeFileSync(new URL('bench/allocation/ucdp-balochistan-allocation.json', root), JSON.stringify(result, null, 1) + '\n');
console.table(table.map((r) => ({ ...r, trainShare: r.trainShare.toFixed(3), testShare: r.testShare.toFixed(3) })));
console.table((result as Record<string, unknown>).dial);
console.log(JSON.stringify({ countWeighted: (result as Record<string, unknown>).countWeighted, events: result.events, exact: result.exact, ratios: result.ratios, schedule: { ...result.schedule, topProbabilities: undefined } }, null, 1));

// Figure: covered share of harm per plan (plan years vs held-out years), and the unpredictability dial.
function figure(): string {
  const W = 720, H = 300, pad = 40;
  const bars = table.map((r) => [r.plan, r.trainShare, r.testShare] as const);
  const dial = (result as unknown as { dial: { alpha: number; trainExpected: number; testExpected: number }[] }).dial;
  const bw = 28, x0 = pad + 10, y = (v: number) => H - pad - v * (H - 2 * pad);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`;
  svg += `<text x="${pad}" y="14" font-size="12">Share of harm within 25 km: plan years 2015-19 (dark) vs held-out 2020-21 (light)</text>`;
  svg += `<line x1="${pad}" y1="${y(0)}" x2="${pad + 330}" y2="${y(0)}" stroke="#333"/>`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) svg += `<text x="${pad - 30}" y="${y(t) + 4}">${t.toFixed(2)}</text><line x1="${pad}" x2="${pad + 330}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`;
  bars.forEach(([name, tr, te], k) => {
    const x = x0 + k * 80;
    svg += `<rect x="${x}" y="${y(tr)}" width="${bw}" height="${y(0) - y(tr)}" fill="#1f4e79"/><rect x="${x + bw}" y="${y(te)}" width="${bw}" height="${y(0) - y(te)}" fill="#9dc3e6"/>`;
    svg += `<text x="${x}" y="${y(0) + 14}">${name}</text><text x="${x}" y="${y(tr) - 3}">${tr.toFixed(2)}</text><text x="${x + bw}" y="${y(te) - 3}">${te.toFixed(2)}</text>`;
  });
  const dx = (a: number) => 430 + a * 250;
  svg += `<text x="430" y="30" font-size="12">Dial: expected covered harm / greedy plan</text>`;
  svg += `<line x1="${dx(0)}" y1="${y(0)}" x2="${dx(1)}" y2="${y(0)}" stroke="#333"/>`;
  for (const [key, colour] of [['trainExpected', '#1f4e79'], ['testExpected', '#9dc3e6']] as const) {
    const base = dial[0]![key];
    const pts = dial.map((d) => `${dx(d.alpha)},${y(d[key] / base)}`).join(' ');
    svg += `<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2"/>`;
    dial.forEach((d) => { svg += `<circle cx="${dx(d.alpha)}" cy="${y(d[key] / base)}" r="3" fill="${colour}"/>`; });
  }
  for (const a of [0, 0.5, 1]) svg += `<text x="${dx(a) - 8}" y="${y(0) + 14}">α=${a}</text>`;
  svg += `<text x="430" y="${H - 6}">α = 0: greedy plan every day; α = 1: π ∝ harm within reach</text></svg>\n`;
  return svg;
}
writeFileSync(new URL('bench/allocation/ucdp-balochistan-allocation.svg', root), figure());
