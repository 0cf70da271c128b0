/**
 * The live path's batches as the live ingestor hands them to the store, for the benches that time
 * the store's write on them alone (live-write.bench.ts, appender-ab.bench.ts): `events` records
 * (`record(i)`) go through the bench mapping's adapter and linking, 1,000 a push, into an encrypted
 * store at `file` (`openEmbedded`, as `serve` opens it) while its writeBatch records each batch.
 * The store is returned open: the caller closes it.
 */
import { randomBytes } from 'node:crypto';
import { linkBatch } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import type { IngestBatch } from '../../packages/server/src/store/index.js';

export async function captureLiveBatches(file: string, events: number, record: (i: number) => unknown): Promise<{ batches: IngestBatch[]; embedded: Awaited<ReturnType<typeof openEmbedded>> }> {
  const batches: IngestBatch[] = [];
  const embedded = await openEmbedded(file, randomBytes(32), new Date());
  const write = embedded.store.writeBatch.bind(embedded.store);
  embedded.store.writeBatch = (b: IngestBatch) => { batches.push(b); return write(b); };
  const ingestor = createLiveIngestor({
    adapter: await loadMappingFile(new URL('../realtime/bench-mapping.json', import.meta.url).pathname), agency: 'bench', store: embedded.store,
    geocoder: loadGeography(), link: linkBatch, receivedAt: new Date().toISOString(), origin: 'nats:bench', batchSize: 1001, progressIntervalMs: 0,
  });
  for (let i = 0; i < events; i += 1000) await ingestor.push(Array.from({ length: Math.min(1000, events - i) }, (_, k) => record(i + k)));
  await ingestor.close();
  return { batches, embedded };
}
