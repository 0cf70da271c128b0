/** `baseerat publish`: replays a feed directory (from `baseerat generate`) onto the agency subjects at a chosen rate. */
import type { Command } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { connect } from '@nats-io/transport-node';
import { readFeedDirectory } from '../../stream/feed-records.js';
import { publishRecords } from '../../stream/publisher.js';
import { printJson } from '../output.js';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Publish a feed directory to NATS JetStream (one record per message on baseerat.ingest.<agency>) at a steady rate')
    .argument('<feed-dir>', 'directory with <agency>.csv / <agency>.ndjson (as written by `baseerat generate`)')
    .option('--rate <n>', 'records per second (0: as fast as the server acknowledges)', '100')
    .option('--agencies <list>', 'only these agencies (comma-separated)')
    .option('--limit <n>', 'stop after this many records')
    .option('--nats <url>', 'NATS server', '127.0.0.1:4222')
    .option('--stream <name>', 'JetStream stream (default BASEERAT_INGEST)')
    .option('--prefix <subject>', 'subject prefix (default baseerat.ingest)')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, o: { rate: string; agencies?: string; limit?: string; nats: string; stream?: string; prefix?: string; json?: boolean }) => {
      const rate = Number(o.rate);
      if (!Number.isFinite(rate) || rate < 0) throw new BaseeratError('VALIDATION', `--rate ${JSON.stringify(o.rate)} is not a rate (records per second, >= 0)`, { field: 'rate' });
      const limit = o.limit === undefined ? undefined : Number(o.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new BaseeratError('VALIDATION', `--limit ${JSON.stringify(o.limit)} is not a whole number`, { field: 'limit' });
      const feed = await readFeedDirectory(dir, o.agencies?.split(',').map((a) => a.trim()));
      const nc = await connect({ servers: o.nats, name: 'baseerat-publish' });
      try {
        const s = await publishRecords({
          nats: nc, records: feed.records, rate, ...(limit === undefined ? {} : { limit }),
          ...(o.stream === undefined ? {} : { stream: o.stream }), ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
          ...(o.json === true ? {} : { onProgress: (p: { published: number; seconds: number }) => console.error(`published ${p.published} in ${p.seconds.toFixed(1)} s`) }),
        });
        if (o.json === true) return printJson(s);
        console.log(`published ${s.published} records in ${s.seconds.toFixed(2)} s (${s.ratePerSecond.toFixed(0)}/s): ${Object.entries(s.byAgency).map(([a, n]) => `${a} ${n}`).join(', ')}`);
      } finally {
        await nc.close();
      }
    });
}
