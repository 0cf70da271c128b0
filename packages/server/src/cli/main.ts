#!/usr/bin/env node
/**
 * The `baseerat` command line: thin commands over the same services that the API uses.
 * Errors with a code (BaseeratError) are printed as `error CODE: message` with exit status 1;
 * anything else is a bug and prints its stack.
 */
// first: DuckDB's allocator reads its options when its library loads (memory-defaults.ts says why)
import './memory-defaults.js';
import { Command, CommanderError } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { registerAdmin } from './commands/admin.js';
import { registerAllocate } from './commands/allocate.js';
import { registerRisk } from './commands/risk.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerConsume } from './commands/consume.js';
import { registerDemo } from './commands/demo.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerForecast } from './commands/forecast.js';
import { registerGenerate } from './commands/generate.js';
import { registerIngest } from './commands/ingest.js';
import { registerMonitor } from './commands/monitor.js';
import { registerPublish } from './commands/publish.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerRelease } from './commands/release.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerStats } from './commands/stats.js';
import { registerWorker } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('baseerat')
    .description('Baseerat: security analytics for a provincial Home Department\'s AI cell')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerDemo(program);
  registerIngest(program);
  registerGenerate(program);
  registerStats(program);
  registerQuarantine(program);
  registerAnalyze(program);
  registerEvaluate(program);
  registerForecast(program);
  registerRisk(program);
  registerAllocate(program);
  registerRelease(program);
  registerReport(program);
  registerServe(program);
  registerAdmin(program);
  registerPublish(program);
  registerConsume(program);
  registerMonitor(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof BaseeratError) {
      console.error(`error ${e.code}${e.field === undefined ? '' : ` (${e.field})`}: ${e.message}`);
      return 1;
    }
    console.error(e);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/main.ts') === true) {
  process.exitCode = await main(process.argv.slice(2));
}
