/**
 * The Portland NIJ backtest (docs/methods/forecast.md): selection by temporal cross-validation on
 * 2013 origins, then rolling test origins 2014-03 to 2016-12, burglary and theft of auto, five
 * horizons. Writes the tables, the full JSON and the NIJ mode's defaults.
 *   npx tsx bench/forecast/portland-backtest.ts            (full run)
 *   npx tsx bench/forecast/portland-backtest.ts --quick    (3 test origins, 400 ft cells: a smoke run)
 */
import { runBacktest, monthlyOrigins } from '../../packages/server/src/forecast/backtest-runner.js';

const quick = process.argv.includes('--quick');
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = runBacktest({
  ...(quick ? { testOrigins: monthlyOrigins('2014-03-01', '2014-05-01'), cellSizes: [400], tuneOrigins: ['2013-05-01', '2013-09-01'] } : {}),
  outJson: quick ? '/tmp/forecast-backtest-quick.json' : 'bench/forecast/portland-backtest-result.json',
  outMarkdown: quick ? '/tmp/forecast-backtest-quick.md' : 'bench/forecast/portland-backtest-result.md',
  ...(quick ? {} : { outDefaults: 'packages/server/src/forecast/place-forecast-defaults.json' }),
  log: (l) => console.error(`${((performance.now() - t0) / 1000).toFixed(1)}s ${l}`),
});
const cpu = process.cpuUsage(c0);
console.log(r.markdown);
console.log(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
