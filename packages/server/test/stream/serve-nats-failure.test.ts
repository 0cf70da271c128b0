/**
 * `serve --nats` when its NATS consumer fails at run time (here: every store write fails, as on a
 * full or lost disk): the server must not go on serving the API with no live ingest behind it. It
 * says which agency's consumer failed and why, stops, and leaves exit code 1 for a supervisor to
 * restart it; the message that could not be written is not acknowledged (JetStream delivers it again).
 * In-process (runServe) so that the store can be made to fail after it opens; the real NATS
 * JetStream on 127.0.0.1:4222 with a stream and subject prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runServe } from '../../src/cli/commands/serve.js';
import { writeSyntheticFeed } from '../../src/generate/write-feed.js';
import { readFeedDirectory } from '../../src/stream/feed-records.js';
import { publishRecords } from '../../src/stream/publisher.js';
import { durableName } from '../../src/stream/subjects.js';
import { natsTestBed } from './nats-test-bed.js';

const tag = `f${process.pid}${Math.floor(performance.now())}`;
const STREAM = `TEST_SERVE_FAIL_${tag}`;
const PREFIX = `${tag}.ingest`;

const bed = natsTestBed('baseerat-serve-fail-', STREAM);
describe('serve --nats with a consumer that fails', () => {
  it('names the agency and the error, stops serving and leaves exit code 1; nothing is acknowledged', async () => {
    writeSyntheticFeed(join(bed.dir, 'feed'), { seed: 7, start: '2024-01-01T00:00:00.000Z', end: '2024-01-15T00:00:00.000Z', incidents: 20, malformedShare: 0, agencies: ['police'] });
    const feed = await readFeedDirectory(join(bed.dir, 'feed'));
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { errors.push(a.map(String).join(' ')); });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const before = process.env['BASEERAT_MASTER_KEY'];
    process.env['BASEERAT_MASTER_KEY'] = randomBytes(32).toString('base64');
    let writes = 0;
    try {
      const served = runServe({
        db: join(bed.dir, 'store.duckdb'), port: '0', host: '127.0.0.1', web: false, monitor: false, alertBus: false,
        nats: '127.0.0.1:4222', natsAgencies: 'police', natsStream: STREAM, natsPrefix: PREFIX, mappings: join(bed.dir, 'feed', 'mappings'),
      }, {
        afterOpen: async (e) => {
          e.store.writeBatch = () => { writes++; return Promise.reject(new Error('disk I/O error: no space left on device')); };
        },
      });
      // the consumer exists once runServe has started it; then the feed arrives
      for (let t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
        const info = await bed.jsm.consumers.info(STREAM, durableName('police')).catch(() => undefined);
        if (info !== undefined) break;
        if (Date.now() - t0 > 60_000) throw new Error(`consumer never started: ${errors.join('\n')}`);
      }
      await publishRecords({ nats: bed.nc, records: feed.records, rate: 0, stream: STREAM, prefix: PREFIX });
      // runServe returns on its own (no signal is sent)
      await served;
      expect(process.exitCode).toBe(1);
      expect(writes).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(/NATS consumer of police failed: disk I\/O error: no space left on device; stopping the server \(exit 1\)/);
      const info = await bed.jsm.consumers.info(STREAM, durableName('police'));
      expect(info.ack_floor.stream_seq).toBe(0);
      expect(info.num_pending + info.num_ack_pending).toBe(feed.records.length);
    } finally {
      process.exitCode = 0;
      if (before === undefined) delete process.env['BASEERAT_MASTER_KEY']; else process.env['BASEERAT_MASTER_KEY'] = before;
      spy.mockRestore();
      log.mockRestore();
    }
  }, 120_000);
});
