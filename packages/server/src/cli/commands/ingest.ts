/** `baseerat ingest <file>`: one feed into the store, with progress and a summary. */
import type { Command } from 'commander';
import { printJson, formatTable } from '../output.js';
import { ingestOne, withStore } from '../services.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Ingest a feed into the store: validate, normalise, link across agencies; bad rows go to quarantine with reasons')
    .argument('<file>', 'the feed file (CSV, NDJSON or GeoJSON)')
    .requiredOption('-f, --format <format>', 'ucdp | gtd | acled | portland-nij | csv | ndjson | geojson (the last three need --mapping)')
    .option('-m, --mapping <file>', 'agency mapping file (JSON), see data/mappings/README.md')
    .option('-a, --agency <name>', 'agency that supplied the file (default: the mapping\'s or the adapter\'s)')
    .option('--received-at <iso>', 'time the feed was received (ISO 8601; default now)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--json', 'print the summary as JSON')
    .option('-q, --quiet', 'no progress display')
    .action(async (file: string, o: { format: string; mapping?: string; agency?: string; receivedAt?: string; db?: string; json?: boolean; quiet?: boolean }) => {
      const summary = await withStore(o.db, (store) => ingestOne(store, file, {
        format: o.format,
        ...(o.mapping === undefined ? {} : { mapping: o.mapping }),
        ...(o.agency === undefined ? {} : { agency: o.agency }),
        ...(o.receivedAt === undefined ? {} : { receivedAt: o.receivedAt }),
        quiet: o.quiet === true || o.json === true,
      }));
      if (o.json === true) return printJson(summary);
      console.log(formatTable(['rows read', 'new incidents', 'linked to existing', 'duplicates', 'quarantined', 'seconds'], [[
        summary.rowsRead, summary.inserted, summary.attached, summary.duplicates, summary.quarantined, Number(summary.seconds.toFixed(2)),
      ]]));
      if (summary.quarantined > 0) console.log(`\n${summary.quarantined} rows were quarantined: see \`baseerat quarantine --run ${summary.runId}\``);
    });
}
