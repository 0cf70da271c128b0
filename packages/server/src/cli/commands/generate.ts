/** `baseerat generate`: a synthetic multi-agency province feed, its mapping files and its truth. */
import type { Command } from 'commander';
import { writeSyntheticFeed } from '../../generate/index.js';
import { formatTable, printJson } from '../output.js';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Write a seeded synthetic Balochistan feed: one file per agency in its own format, mapping files, and the truth (which reports are one incident, which rows are malformed)')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--seed <n>', 'random seed', '2024')
    .option('--start <date>', 'first day (ISO)', '2024-01-01')
    .option('--end <date>', 'day after the last (ISO)', '2025-01-01')
    .option('--incidents <n>', 'expected number of true incidents (default 30 a day)')
    .option('--malformed <share>', 'share of malformed rows per agency', '0.01')
    .option('--json', 'print the summary as JSON')
    .action((o: { out: string; seed: string; start: string; end: string; incidents?: string; malformed: string; json?: boolean }) => {
      const r = writeSyntheticFeed(o.out, {
        seed: Number.isFinite(Number(o.seed)) ? Number(o.seed) : o.seed,
        start: new Date(o.start).toISOString(),
        end: new Date(o.end).toISOString(),
        malformedShare: Number(o.malformed),
        ...(o.incidents === undefined ? {} : { incidents: Number(o.incidents) }),
      });
      const summary = { dir: o.out, files: r.files, rows: r.rows, reports: r.reports, incidents: r.incidents, malformed: r.malformed };
      if (o.json === true) return printJson(summary);
      console.log(formatTable(['true incidents', 'agency reports', 'rows written', 'malformed rows'], [[r.incidents, r.reports, r.rows, r.malformed]]));
      console.log(`\nwrote ${r.files.length} files to ${o.out}:\n  ${r.files.join('\n  ')}`);
    });
}
