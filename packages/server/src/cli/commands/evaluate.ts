/** `baseerat evaluate`: did a measure work? Reads a measure declaration (JSON) and runs the estimators. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { EVALUATION_METHODS, type EvaluationMethod } from '@baseerat/engine/evaluate/index';
import { evaluateMeasureService, type EvaluateEnvelope } from '../../evaluate/index.js';
import { loadGeography } from '../../reference/geography.js';
import { formatTable, printJson } from '../output.js';
import { withStore } from '../services.js';

export function readMeasureFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BaseeratError('NOT_FOUND', `measure file ${file} cannot be read: ${(e as Error).message}`, { field: 'measure' });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BaseeratError('PARSE', `measure file ${file} is not JSON: ${(e as Error).message}`, { field: 'measure' });
  }
}

export function parseMethods(m: string | undefined): EvaluationMethod[] {
  if (m === undefined || m === 'all') return [...EVALUATION_METHODS];
  return m.split(',').map((s) => {
    const k = s.trim().toLowerCase();
    if (!(EVALUATION_METHODS as readonly string[]).includes(k)) throw new BaseeratError('VALIDATION', `method ${JSON.stringify(s)} is not one of ${EVALUATION_METHODS.join(', ')}, all`, { field: 'method' });
    return k as EvaluationMethod;
  });
}

const fmt = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? '-' : v.toFixed(d));

export function printEvaluation(e: EvaluateEnvelope): void {
  const a = e.annotations;
  console.log(`${a.measure.name} (${a.measure.type}, from ${a.measure.start}${a.measure.end === null ? '' : ` to ${a.measure.end}`})${a.measure.illustrative ? '  [ILLUSTRATIVE: not a real intervention]' : ''}`);
  console.log(`window ${a.window.firstMonth} .. ${a.window.lastMonth}: ${a.window.preMonths} months before, ${a.window.postMonths} after; classification ${e.classification}\n`);
  console.log(formatTable(['area', 'role', 'before', 'after'], e.result.areas.map((r) => [r.name, r.role, r.preTotal ?? 0, r.postTotal ?? 0])));
  console.log('');
  const rows: (string | number)[][] = [];
  for (const m of EVALUATION_METHODS) {
    const o = e.result[m];
    if (o === undefined) continue;
    if (!o.ok) { rows.push([m, '-', '-', '-', '-', o.reason]); continue; }
    const eff = o.result.effect;
    rows.push([m, fmt(eff?.rateRatio, 3), eff === null || eff === undefined ? '-' : `${fmt(eff.lower, 3)} - ${fmt(eff.upper, 3)}`, fmt(eff?.percentChange, 1), fmt(eff?.pValue, 3), eff?.inference ?? '']);
  }
  console.log(formatTable(['method', 'rate ratio', '95% CI', 'change %', 'p', 'inference / reason'], rows));
  console.log('');
  for (const c of a.conclusions) console.log(`- ${c}`);
  if (e.caveats.length > 0) {
    console.log('\nCaveats:');
    for (const c of e.caveats) console.log(`  ${c.code}: ${c.message}`);
  }
  for (const m of EVALUATION_METHODS) {
    const o = e.result[m];
    if (o !== undefined && o.ok && o.result.caveats.length > 0) for (const c of o.result.caveats) console.log(`  [${m}] ${c.code}: ${c.message}`);
  }
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('Did a measure work? Interrupted time series, difference in differences, synthetic control, weighted displacement difference')
    .requiredOption('--measure <file>', 'measure declaration (JSON, see docs/methods/evaluation.md)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--method <name>', 'its | did | synth | wdd | all, or a comma list', 'all')
    .option('--json', 'print the full result as JSON')
    .action(async (o: { measure: string; db?: string; method?: string; json?: boolean }) => {
      const measure = readMeasureFile(o.measure);
      const methods = parseMethods(o.method);
      const geography = loadGeography();
      const e = await withStore(o.db, (store) => evaluateMeasureService({ store, geography }, measure, { methods }));
      if (o.json === true) printJson(e);
      else printEvaluation(e);
    });
}
