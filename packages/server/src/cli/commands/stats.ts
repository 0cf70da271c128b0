/** `baseerat stats`: what the store holds, by province, district, category, month and agency. */
import type { Command } from 'commander';
import { category, isCategoryCode } from '@baseerat/engine';
import { formatTable, printJson, topCounts } from '../output.js';
import { withStore } from '../services.js';
import type { IncidentFilter, StoreStats } from '../../store/index.js';

export function printStats(s: StoreStats, top = 15): void {
  console.log(`${s.total.toLocaleString('en-US')} incidents from ${s.reports.toLocaleString('en-US')} source records; ${s.quarantined.toLocaleString('en-US')} rows in quarantine\n`);
  const section = (title: string, counts: Record<string, number>, label: (k: string) => string = (k) => k, n = top) => {
    const rows = topCounts(counts, n);
    const rest = Object.keys(counts).length - rows.length;
    console.log(`${title}${rest > 0 ? ` (top ${rows.length} of ${Object.keys(counts).length})` : ''}`);
    console.log(formatTable([title.toLowerCase(), 'incidents'], rows.map(([k, v]) => [label(k), v])));
    console.log('');
  };
  section('By province', s.byProvince);
  section('By district', s.byDistrict);
  section('By category', s.byCategory, (k) => (isCategoryCode(k) ? `${k}  ${category(k).label}` : k));
  section('By agency', s.byAgency);
  const months = Object.keys(s.byMonth).sort();
  if (months.length > 0) {
    console.log(`By month: ${months.length} months from ${months[0]} to ${months[months.length - 1]}; last 12:`);
    console.log(formatTable(['month', 'incidents'], months.slice(-12).map((m) => [m, s.byMonth[m]!])));
  }
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('Totals and counts by province, district, category, month and agency')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--province <name>', 'only this province')
    .option('--from <date>', 'occurred on or after (ISO date)')
    .option('--to <date>', 'occurred before (ISO date)')
    .option('--json', 'print as JSON')
    .action(async (o: { db?: string; province?: string; from?: string; to?: string; json?: boolean }) => {
      const filter: IncidentFilter = {
        ...(o.province === undefined ? {} : { provinces: [o.province] }),
        ...(o.from === undefined ? {} : { from: new Date(o.from).toISOString() }),
        ...(o.to === undefined ? {} : { to: new Date(o.to).toISOString() }),
      };
      const s = await withStore(o.db, (store) => store.stats(filter));
      if (o.json === true) printJson(s);
      else printStats(s);
    });
}
