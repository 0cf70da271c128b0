/**
 * Re-renders the Markdown tables and the NIJ mode's defaults file from a saved backtest result
 * (bench/forecast/portland-backtest-result.json), without re-running the backtest.
 *   npx tsx bench/forecast/render-backtest.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { backtestMarkdown, writeDefaultsFile, type BacktestResult } from '../../packages/server/src/forecast/backtest-runner.js';

const r = JSON.parse(readFileSync('bench/forecast/portland-backtest-result.json', 'utf8')) as BacktestResult;
const md = backtestMarkdown(r);
writeFileSync('bench/forecast/portland-backtest-result.md', md);
writeDefaultsFile(r, 'packages/server/src/forecast/place-forecast-defaults.json');
console.log(md);
