/** `baseerat quarantine`: the rows that were not stored, with the line and the reasons. */
import type { Command } from 'commander';
import { formatTable, printJson } from '../output.js';
import { withStore } from '../services.js';

export function registerQuarantine(program: Command): void {
  program
    .command('quarantine')
    .description('List quarantined rows with their origin, line and reasons')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--run <id>', 'only rows of this ingest run')
    .option('--limit <n>', 'rows to show', '20')
    .option('--offset <n>', 'rows to skip', '0')
    .option('--json', 'print as JSON')
    .action(async (o: { db?: string; run?: string; limit: string; offset: string; json?: boolean }) => {
      const page = await withStore(o.db, (store) =>
        store.listQuarantine({ offset: Number(o.offset), limit: Number(o.limit) }, o.run));
      if (o.json === true) return printJson(page);
      console.log(`${page.total.toLocaleString('en-US')} quarantined rows${o.run === undefined ? '' : ` in run ${o.run}`}; showing ${page.items.length} from ${page.offset}`);
      console.log(formatTable(['origin', 'line', 'reasons'], page.items.map((q) => [
        q.origin.split('/').pop() ?? q.origin, q.line, q.reasons.map((r) => `${r.field}: ${r.message}`).join('; '),
      ])));
    });
}
