/**
 * `baseerat consume`: the NATS JetStream ingest consumer in embedded mode, one durable consumer
 * per agency (`baseerat.ingest.<agency>`), writing to the DuckDB store and running the live
 * monitor on every new incident. While `serve` runs it owns the store file: then run the consumer
 * inside `serve` (`serve --nats ...`) instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BaseeratError, linkBatch } from '@baseerat/engine';
import { connect } from '@nats-io/transport-node';
import type { Adapter } from '../../ingest/adapter.js';
import { loadMappingFile } from '../../ingest/mapping.js';
import { resolveAdapter } from '../../ingest/registry.js';
import type { IngestSummary } from '../../ingest/pipeline.js';
import { ackBehindConsumerOptions, liveWriteBehindOption, openEmbeddedMonitor } from '../../monitor/embedded-monitor.js';
import { stopSignal } from '../stop-signal.js';
import { rowEncoderCodec } from '../../store/duckdb/row-encoder.js';
import { STORE_DATASET } from '../../security/store-keys.js';
import { loadGeography } from '../../reference/geography.js';
import { startIngestConsumer, type IngestConsumer } from '../../stream/ingest-consumer.js';
import { checkAgency, ingestSubject } from '../../stream/subjects.js';
import { dbPath } from '../config.js';
import { formatTable, printJson } from '../output.js';
import { withEmbedded } from './serve.js';

export interface ConsumeOptions {
  agencies: string; mappings?: string; format?: string; nats: string; stream?: string; prefix?: string; db?: string;
  rules?: string; zones?: string; webhooks?: string; monitor: boolean; liveJournal?: boolean; ackBehind?: boolean; rowWorker?: boolean; batch: string; ackWait: string; idleExit?: string; json?: boolean;
}

/** The adapter of an agency: `<mappings>/<agency>.json` when present, else the built-in `--format`. */
export async function agencyAdapter(agency: string, mappings: string | undefined, format: string | undefined): Promise<Adapter> {
  const file = mappings === undefined ? undefined : join(mappings, `${agency}.json`);
  if (file !== undefined && existsSync(file)) return loadMappingFile(file);
  if (format !== undefined) return resolveAdapter(format);
  throw new BaseeratError('VALIDATION', `agency ${agency}: no mapping ${file ?? '(no --mappings)'} and no --format`, { field: 'mappings' });
}

export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description('Consume agency feeds from NATS JetStream (durable, acked after the write) into the store, with live alerting')
    .requiredOption('--agencies <list>', 'comma-separated agencies; subjects baseerat.ingest.<agency>')
    .option('--mappings <dir>', 'agency mapping files <agency>.json (as written by `baseerat generate`)')
    .option('-f, --format <format>', 'built-in format for agencies without a mapping (ucdp, gtd, acled, portland-nij)')
    .option('--nats <url>', 'NATS server', '127.0.0.1:4222')
    .option('--stream <name>', 'JetStream stream (default BASEERAT_INGEST)')
    .option('--prefix <subject>', 'subject prefix (default baseerat.ingest)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--rules <file>', 'alert rules (JSON array; default the example Balochistan rules)')
    .option('--zones <file>', 'watch zones (GeoJSON; default the example zones)')
    .option('--webhooks <file>', 'webhooks (JSON, see docs/monitoring.md)')
    .option('--no-monitor', 'store only, no alerting')
    .option('--live-journal', 'with the monitor: acknowledge once a batch is in the live journal, DuckDB written behind (experimental, docs/monitoring.md)')
    .option('--ack-behind', 'with the monitor: alerts at once, DuckDB written behind, each message acknowledged once its batch is stored (JetStream is the journal; docs/monitoring.md)')
    .option('--row-worker', 'with --ack-behind or --live-journal: the rows of new incidents (field encryption included) made in a worker thread (experimental, docs/monitoring.md)')
    .option('--batch <n>', 'records per store write at most', '5000')
    .option('--ack-wait <seconds>', 'seconds before NATS redelivers a message this consumer took but did not acknowledge (set when the durable consumer is created)', '60')
    .option('--idle-exit <seconds>', 'stop after this many seconds without a message (default: run until SIGINT/SIGTERM)')
    .option('--json', 'print the summaries as JSON')
    .action(async (o: ConsumeOptions) => {
      const agencies = o.agencies.split(',').map((a) => checkAgency(a.trim())).filter((a) => a !== '');
      const batch = Number(o.batch);
      if (!Number.isInteger(batch) || batch < 1) throw new BaseeratError('VALIDATION', `--batch ${JSON.stringify(o.batch)} is not a positive whole number`, { field: 'batch' });
      const ackWait = Number(o.ackWait);
      if (!(ackWait > 0)) throw new BaseeratError('VALIDATION', `--ack-wait ${JSON.stringify(o.ackWait)} is not a positive number of seconds`, { field: 'ackWait' });
      const adapters = await Promise.all(agencies.map((a) => agencyAdapter(a, o.mappings, o.format)));
      const summaries = await withEmbedded(o.db, true, async (e) => {
        const nc = await connect({ servers: o.nats, name: 'baseerat-consume' });
        // --live-journal: the live path is durable in the journal and DuckDB is written behind it;
        // --ack-behind: DuckDB written behind, JetStream keeps each message until then (docs/monitoring.md)
        if (o.liveJournal === true && o.ackBehind === true) throw new BaseeratError('VALIDATION', '--live-journal and --ack-behind: choose one', { field: 'ackBehind' });
        const journal = o.monitor ? await liveWriteBehindOption(dbPath(o.db), o.liveJournal === true ? 'journal' : o.ackBehind === true ? 'ack' : 'off', () => e.security.cipherFor(STORE_DATASET, new Date()), (s) => console.error(`warning: ${s}`)) : undefined;
        // --row-worker: the rows of the live batches' new incidents made in a worker thread (store/duckdb/row-encoder.ts)
        if (o.rowWorker === true && journal === undefined) throw new BaseeratError('VALIDATION', '--row-worker needs the monitor with --ack-behind or --live-journal', { field: 'rowWorker' });
        const mon = o.monitor ? await openEmbeddedMonitor({
          store: e.store, rules: o.rules, zones: o.zones, webhooks: o.webhooks,
          ...(journal === undefined ? {} : { writeBehind: { ...journal, ...(o.rowWorker === true ? { rowEncoder: { codec: rowEncoderCodec(e.security.keys, STORE_DATASET) } } : {}) } }),
        }) : undefined;
        const geocoder = loadGeography();
        const consumers: IngestConsumer[] = [];
        // a stop asked for while the consumers start is kept (cli/stop-signal.ts)
        const stopAsked = stopSignal();
        try {
          let lastMessageAt = Date.now();
          for (const [i, agency] of agencies.entries()) {
            consumers.push(await startIngestConsumer({
              nats: nc, agency, adapter: adapters[i]!, store: mon?.writeBehind?.store ?? e.store, geocoder, link: linkBatch, maxBatch: batch, ackWaitSeconds: ackWait,
              // this process owns the store file, so it alone consumes the durable: one acknowledgement per batch
              ack: 'all',
              ...(mon === undefined ? {} : { monitor: mon.monitor, ...ackBehindConsumerOptions(mon.writeBehind) }),
              ...(o.stream === undefined ? {} : { stream: o.stream }), ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
              onBatch: () => { lastMessageAt = Date.now(); },
            }));
          }
          if (o.json !== true) console.error(`consuming ${agencies.map((a) => ingestSubject(a, o.prefix)).join(', ')} from ${o.nats}${mon === undefined ? '' : ` (monitor: ${mon.warm.incidents} incidents of history, ${mon.warm.alerts} recent alerts)`}`);
          await new Promise<void>((done) => {
            const stop = () => { clearInterval(idle); done(); };
            void stopAsked.requested.then(stop);
            const idleMs = o.idleExit === undefined ? Infinity : Number(o.idleExit) * 1000;
            const idle = setInterval(() => { if (Date.now() - lastMessageAt > idleMs) stop(); }, 200);
            for (const c of consumers) c.done.catch((err: unknown) => { console.error(err); stop(); });
          });
          const out: IngestSummary[] = [];
          for (const c of consumers) out.push(await c.stop());
          return { out, alerts: mon?.monitor.counters };
        } finally {
          stopAsked.dispose();
          await mon?.close();
          await nc.close();
        }
      });
      if (o.json === true) return printJson(summaries);
      console.log(formatTable(['agency', 'rows read', 'stored', 'duplicates', 'quarantined'], summaries.out.map((s) => [s.agency, s.rowsRead, s.stored, s.duplicates, s.quarantined])));
      if (summaries.alerts !== undefined) console.log(`alerts opened: ${summaries.alerts.opened}, re-triggered: ${summaries.alerts.retriggered}`);
    });
}
