/**
 * Simulation study of the evaluation estimators (issue 10 acceptance): seeded panels with a known
 * effect, for each estimator the bias of the log rate ratio, the mean estimated change, RMSE, 95%
 * interval coverage, mean interval width and rejection rate (power, or size when there is no effect).
 *
 * Scenarios (design in packages/engine/src/evaluate/simulate-evaluation-panel.ts):
 *   effect-20      20 areas (4 treated, 2 buffer, 14 comparison), 48 + 12 months, mean 12 incidents per
 *                  area-month, common monthly shocks (sd 0.1), AR(1) area noise (rho 0.5, sd 0.15),
 *                  true rate ratio 0.8 in the treated areas
 *   no-effect      the same with rate ratio 1 (interval coverage = 1 - size)
 *   one-treated    the same as effect-20 with a single treated area (the usual police case)
 * Replication r of scenario s uses SeededRng(`evaluate-study:<seed>:<r>`), seed fixed per scenario.
 *
 * Run: npx tsx bench/evaluate/simulation-study.ts [replications=200]
 * Writes bench/evaluate/simulation-study-result.json and prints the markdown table used in
 * docs/methods/evaluation.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulationStudy, type SimulationDesign, type SimulationStudyResult } from '../../packages/engine/src/evaluate/index.js';

const reps = Number(process.argv[2] ?? 200);
const scenarios: { name: string; seed: number; design: SimulationDesign }[] = [
  { name: 'effect-20', seed: 1, design: { effect: 0.8 } },
  { name: 'no-effect', seed: 2, design: { effect: 1 } },
  { name: 'one-treated', seed: 3, design: { effect: 0.8, treatedAreas: 1 } },
];
const results: (SimulationStudyResult & { name: string; seconds: number })[] = [];
for (const s of scenarios) {
  const t0 = performance.now();
  const r = simulationStudy(s.seed, reps, s.design, undefined, (i) => { if ((i + 1) % 50 === 0) process.stderr.write(`${s.name}: ${i + 1}/${reps}\n`); });
  results.push({ name: s.name, seconds: (performance.now() - t0) / 1000, ...r });
}
const f = (v: number, d = 3) => v.toFixed(d);
const lines = ['| scenario | method | runs | true change | mean estimated change | bias (log RR) | RMSE (log RR) | 95% coverage | mean CI width (log) | rejects no change |', '|---|---|---|---|---|---|---|---|---|---|'];
for (const r of results) for (const e of r.estimators) {
  lines.push(`| ${r.name} | ${e.method} | ${e.runs} | ${f(100 * (e.trueRateRatio - 1), 0)}% | ${f(e.meanPercentChange, 1)}% | ${f(e.biasLogRateRatio)} | ${f(e.rmseLogRateRatio)} | ${f(e.coverage, 3)} | ${f(e.meanIntervalWidthLog)} | ${f(e.rejectionRate, 3)} |`);
}
console.log(lines.join('\n'));
for (const r of results) console.log(`${r.name}: ${reps} replications in ${r.seconds.toFixed(0)} s`);
writeFileSync(fileURLToPath(new URL('./simulation-study-result.json', import.meta.url)), `${JSON.stringify({ replications: reps, command: `npx tsx bench/evaluate/simulation-study.ts ${reps}`, results }, null, 1)}\n`);
