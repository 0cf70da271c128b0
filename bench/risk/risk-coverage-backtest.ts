/**
 * The area risk index across feed-coverage gaps, before and after training on covered time only
 * (docs/methods/risk-index.md, "Periods no feed covers").
 *
 * "Before" is the index as it was until 2026-11-27: every period counts, a period no feed covers
 * as zero incidents. It is the same code with the panel's exposure set to 1 everywhere (with every
 * period covered the factors, the design and the fit are exactly the calendar-time ones; the UCDP
 * rows without a gap below reproduce bench/risk/risk-backtest.json to the last digit). "After"
 * uses the coverage the ingest runs recorded: factors are rates per covered day, uncovered outcome
 * periods are not trained on, uncovered test periods are left out.
 *
 * Cases:
 * 1. UCDP GED Balochistan, as shipped (one ingest run, 1989-2021, no gap): districts and H3 res 5,
 *    half-years, 40 periods to 2022-01-01, test 2016 H1 .. 2021 H2 (the acceptance backtest).
 * 2. The same events ingested as two runs with the years 2014-2015 missing (no feed covers them;
 *    the test half-years follow the gap), with 2012 H2 - 2014 H1 missing (a gap in the training
 *    years, 18 months before the first test half-year), and with 2018 missing (a gap among the test
 *    half-years). The events of the gap are dropped: what a store whose feed went down holds.
 * 3. The demo store (`baseerat demo`: UCDP 1989-2021 and a synthetic 2024 feed; nothing covers
 *    2022-2023), districts, quarters, 40 periods to 2025-01-01, test the last 12 quarters
 *    (2022 Q1 .. 2024 Q4; the 8 of 2022-2023 have no coverage).
 *
 * Scored per test period: share of the period's incidents and deaths (harm) in the top 10 % of
 * areas by the index and by past counts (last 4 periods), and expected / observed incidents over the
 * covered test periods (the level the index predicts, times the period's covered share, against
 * what was recorded, over the scored areas).
 *
 * The level (since 2026-11-27, area-risk-index.ts "Level outside the training range"): "before" is
 * also scored with the model's extrapolated level, as it was; "after" with the default recalibrated
 * level, and the coverage panel is scored twice more to isolate the level fix: with the model's
 * extrapolated level and with the winsorised one. Per side: calibration in the large (observed /
 * expected incidents over the covered test periods, expected times the covered share), the mean
 * absolute error of the areas' counts, and how many test periods had their level recalibrated.
 *
 * Run: TZ=UTC npx tsx bench/risk/risk-coverage-backtest.ts [--demo /tmp/demo/baseerat.duckdb]
 * (writes bench/risk/risk-coverage-backtest.json). Build the demo store first with
 * `npm run baseerat -- demo --db /tmp/demo/baseerat.duckdb --feed-dir /tmp/demo/feed --no-serve -q`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { backtestAreaRisk, fitAreaRiskModel, scoreAreaRisk, type AreaRiskBacktest, type RiskPanel } from '../../packages/engine/src/index.js';
import { ingestOne } from '../../packages/server/src/cli/services.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { buildRiskInputs, type RiskServiceOptions } from '../../packages/server/src/risk/risk-service.js';
import { openStore, type Store } from '../../packages/server/src/store/index.js';

const root = new URL('../../', import.meta.url);
const path = (p: string) => new URL(p, root).pathname;
const t0 = Date.now();
const log = (s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}\n`);
const demoArg = process.argv.indexOf('--demo');
const DEMO_DB = demoArg >= 0 ? process.argv[demoArg + 1]! : '/tmp/demo/baseerat.duckdb';

const UCDP = path('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv');
const geography = loadGeography();

/** The UCDP file split into one CSV per kept stretch (events whose date_start is in [from, to)), each ingested as its own run. */
async function ucdpStore(keep: readonly [string, string][]): Promise<Store> {
  const store = await openStore(':memory:');
  if (keep.length === 1 && keep[0]![0] === '' && keep[0]![1] === '') {
    await ingestOne(store, UCDP, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
    return store;
  }
  const rows = parse(readFileSync(UCDP), { relax_column_count: true }) as string[][];
  const header = rows[0]!, hxl = rows[1]!, date = header.indexOf('date_start');
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const dir = mkdtempSync(join(tmpdir(), 'risk-coverage-'));
  for (const [k, [from, to]] of keep.entries()) {
    const file = join(dir, `part${k}.csv`);
    const kept = rows.slice(2).filter((r) => r[date]! >= from && r[date]! < to);
    writeFileSync(file, [header, hxl, ...kept].map((r) => r.map(q).join(',')).join('\n') + '\n');
    await ingestOne(store, file, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
  }
  return store;
}

interface Failed { failed: string }
interface Side { observedOverExpected: number; meanAbsoluteError: number; recalibrated: number; pooled: AreaRiskBacktest['pooled']; wtl: [number, number, number]; leftOut: number; scored: number; expectedOverObserved: number; medianExpectedOverObserved: number; lambda: number; coefficients: Record<string, number>; periods: { period: string; exposure: number; incidents: number; expected: number; index: number; past: number }[] }
interface Case { data: string; level: string; period: string; gap: string; uncoveredPeriods: number; partlyCovered: number; testPeriods: number; before: Side | Failed; after: Side | Failed; afterModelLevel: Side | Failed; afterWinsorised: Side | Failed }
const failed = (s: Side | Failed): s is Failed => 'failed' in s;
const cases: Case[] = [];

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

/** `coverage`: the recorded exposure of each period (the "before" panel has 1 everywhere); expected / observed is taken over covered test periods, expected times the covered share. */
function side(panel: RiskPanel, coverage: Float64Array, starts: number[], testOrigins: number[], level: 'recalibrated' | 'winsorised' | 'extrapolated'): Side | Failed {
  let bt: AreaRiskBacktest;
  try { bt = backtestAreaRisk(panel, { testOrigins, topFraction: 0.1, level }); } catch (e) { return { failed: (e as Error).message }; }
  const scored = bt.periods.filter((p) => coverage[p.origin]! > 0);
  const exp = scored.reduce((s, p) => s + p.expected * coverage[p.origin]!, 0), obs = scored.reduce((s, p) => s + p.incidents, 0);
  return {
    observedOverExpected: bt.observedOverExpected, meanAbsoluteError: bt.meanAbsoluteError, recalibrated: bt.periods.filter((p) => p.levelSource !== 'model').length,
    pooled: bt.pooled, wtl: bt.harmWinsTiesLosses, leftOut: bt.leftOut.length, scored: bt.periods.length,
    expectedOverObserved: obs > 0 ? exp / obs : NaN,
    medianExpectedOverObserved: median(scored.filter((p) => p.incidents > 0).map((p) => p.expected * coverage[p.origin]! / p.incidents)), lambda: bt.firstModel.lambda,
    coefficients: Object.fromEntries(bt.firstModel.factors.map((f) => [f.name, Number(f.coefficient.toFixed(3))])),
    periods: bt.periods.map((p) => ({ period: new Date(starts[p.origin]! + 5 * 3600e3).toISOString().slice(0, 10), exposure: Number(coverage[p.origin]!.toFixed(3)), incidents: p.incidents, expected: Number(p.expected.toFixed(2)), index: Number(p.index.incidentShare.toFixed(4)), past: Number(p.pastCounts.incidentShare.toFixed(4)) })),
  };
}

/** The period after the data (what the page shows), ranked before and after: top 10, Spearman correlation of the two rankings, uncertain ranks. */
interface Scored { top: { before: string[]; after: string[] }; spearman: number; uncertain: number; areas: number; unknownFactors: string[]; lowCoverageFactors: string[] }
let demoScored: Scored | undefined;
function scoredComparison(before: RiskPanel, after: RiskPanel): Scored {
  const b = scoreAreaRisk(fitAreaRiskModel(before), before, before.nPeriods), a = scoreAreaRisk(fitAreaRiskModel(after), after, after.nPeriods);
  const rankB = new Map(b.map((x) => [x.id, x.rank])), n = a.length;
  const d2 = a.reduce((sum, x) => sum + (x.rank - rankB.get(x.id)!) ** 2, 0);
  return {
    top: { before: b.slice(0, 10).map((x) => x.id), after: a.slice(0, 10).map((x) => x.id) },
    spearman: 1 - (6 * d2) / (n * (n * n - 1)), uncertain: a.filter((x) => x.uncertain).length, areas: n,
    unknownFactors: a[0]!.factors.filter((f) => !f.known).map((f) => f.name), lowCoverageFactors: a[0]!.factors.filter((f) => f.known && f.lowCoverage).map((f) => f.name),
  };
}

async function run(data: string, gap: string, store: Store, options: RiskServiceOptions, nTest: number): Promise<void> {
  const inp = await buildRiskInputs({ store, geography }, options);
  const nP = inp.panel.nPeriods;
  const testOrigins = Array.from({ length: nTest }, (_, i) => nP - nTest + i);
  const before: RiskPanel = { ...inp.panel, exposure: new Float64Array(nP).fill(1) };
  const c: Case = {
    data, level: options.level === 'h3' ? 'H3 res 5' : 'district', period: options.period ?? 'quarter', gap,
    uncoveredPeriods: inp.panel.exposure.filter((e) => e === 0).length, partlyCovered: inp.panel.exposure.filter((e) => e > 0 && e < 1).length,
    testPeriods: nTest, before: side(before, inp.panel.exposure, inp.starts, testOrigins, 'extrapolated'), after: side(inp.panel, inp.panel.exposure, inp.starts, testOrigins, 'recalibrated'),
    afterModelLevel: side(inp.panel, inp.panel.exposure, inp.starts, testOrigins, 'extrapolated'), afterWinsorised: side(inp.panel, inp.panel.exposure, inp.starts, testOrigins, 'winsorised'),
  };
  cases.push(c);
  if (data === 'demo store') demoScored = scoredComparison(before, inp.panel);
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  const say = (s: Side | Failed) => (failed(s) ? `fails: ${s.failed}` : `index ${pc(s.pooled.index.incidentShare)}/${pc(s.pooled.index.harmShare)} exp/obs ${s.expectedOverObserved.toFixed(2)}, ${s.leftOut} left out`);
  log(`${data} ${c.level} (${gap}): before ${say(c.before)}; after ${say(c.after)}; after, model level ${say(c.afterModelLevel)}`);
}

const UCDP_OPTS = { filter: { province: 'Balochistan', to: '2022-01-01' }, period: 'half-year', historyPeriods: 40 } as const;
for (const [gap, keep] of [
  ['none (as shipped)', [['', '']]],
  ['2014-2015 not covered', [['1989', '2014'], ['2016', '2022']]],
  ['2012 H2 - 2014 H1 not covered', [['1989', '2012-07-01'], ['2014-07-01', '2022']]],
  ['2018 not covered', [['1989', '2018'], ['2019', '2022']]],
] as [string, [string, string][]][]) {
  const store = await ucdpStore(keep);
  for (const level of ['district', 'h3'] as const) await run('UCDP Balochistan', gap, store, { ...UCDP_OPTS, level }, 12);
  await store.close();
}
if (existsSync(DEMO_DB)) {
  const store = await openStore(DEMO_DB);
  await run('demo store', '2022-2023 not covered', store, { filter: { province: 'Balochistan', to: '2025-01-01' }, level: 'district', period: 'quarter', historyPeriods: 40 }, 12);
  await store.close();
} else log(`no demo store at ${DEMO_DB}: demo case skipped`);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
let md = '| data | level, period | periods not covered (partly) | test periods scored before / after (left out) | index: incidents / harm, before → after | past counts: incidents / harm | expected / observed incidents: pooled (median of periods), before → after | index > = < past (harm), before → after |\n|---|---|---|---|---|---|---|---|\n';
for (const c of cases) {
  const b = c.before, a = c.after;
  const f = <T>(s: Side | Failed, g: (s: Side) => T): string => (failed(s) ? 'fails' : String(g(s)));
  const past = !failed(a) ? a : !failed(b) ? b : undefined;
  md += `| ${c.data}, ${c.gap} | ${c.level}, ${c.period} | ${c.uncoveredPeriods} (${c.partlyCovered}) | ${f(b, (s) => s.scored)} / ${f(a, (s) => `${s.scored} (${s.leftOut})`)} | ${f(b, (s) => `${pct(s.pooled.index.incidentShare)} / ${pct(s.pooled.index.harmShare)}`)} → ${f(a, (s) => `${pct(s.pooled.index.incidentShare)} / ${pct(s.pooled.index.harmShare)}`)} | ${past === undefined ? '-' : `${pct(past.pooled.pastCounts.incidentShare)} / ${pct(past.pooled.pastCounts.harmShare)}`} | ${f(b, (s) => `${s.expectedOverObserved.toFixed(2)} (${s.medianExpectedOverObserved.toFixed(2)})`)} → ${f(a, (s) => `${s.expectedOverObserved.toFixed(2)} (${s.medianExpectedOverObserved.toFixed(2)})`)} | ${f(b, (s) => s.wtl.join('/'))} → ${f(a, (s) => s.wtl.join('/'))} |\n`;
}
md += '\nThe level on the coverage panel ("after"): calibration in the large, observed / expected incidents over the covered test periods (1 = right on average), and the mean absolute error of the areas\' counts per period, with the model\'s extrapolated level (as before 2026-11-27), the winsorised level and the recalibrated level (the default); periods recalibrated = test periods where a factor lay outside its training range.\n\n| data | level, period | periods recalibrated | observed / expected: model → winsorised → recalibrated | MAE per area: model → winsorised → recalibrated | before (calendar time, model level): observed / expected, MAE |\n|---|---|---|---|---|---|\n';
for (const c of cases) {
  const f = <T>(s: Side | Failed, g: (s: Side) => T): string => (failed(s) ? 'fails' : String(g(s)));
  const num = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
  md += `| ${c.data}, ${c.gap} | ${c.level}, ${c.period} | ${f(c.after, (s) => s.recalibrated)} | ${f(c.afterModelLevel, (s) => num(s.observedOverExpected))} → ${f(c.afterWinsorised, (s) => num(s.observedOverExpected))} → ${f(c.after, (s) => num(s.observedOverExpected))} | ${f(c.afterModelLevel, (s) => num(s.meanAbsoluteError))} → ${f(c.afterWinsorised, (s) => num(s.meanAbsoluteError))} → ${f(c.after, (s) => num(s.meanAbsoluteError))} | ${f(c.before, (s) => `${num(s.observedOverExpected)}, ${num(s.meanAbsoluteError)}`)} |\n`;
}
if (demoScored !== undefined) {
  md += `\nDemo store, the period after the data (2025 Q1, what the risk page shows), ${demoScored.areas} districts: Spearman correlation of the rankings before and after ${demoScored.spearman.toFixed(3)}; top 10 before: ${demoScored.top.before.join(', ')}; after: ${demoScored.top.after.join(', ')}; uncertain ranks after: ${demoScored.uncertain}; factors not known: ${demoScored.unknownFactors.join(', ') || 'none'}; known on little covered time: ${demoScored.lowCoverageFactors.join(', ') || 'none'}.\n`;
}
console.log(md);
writeFileSync(new URL('risk-coverage-backtest.json', import.meta.url), JSON.stringify({
  command: 'TZ=UTC npx tsx bench/risk/risk-coverage-backtest.ts', seconds: (Date.now() - t0) / 1000, cases, demoScored, markdown: md,
}, null, 1) + '\n');
log('wrote bench/risk/risk-coverage-backtest.json');
