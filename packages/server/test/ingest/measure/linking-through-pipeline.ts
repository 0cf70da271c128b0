/**
 * Cross-agency linking through the pipeline: generate the synthetic feed for a seed, ingest each
 * agency file into a fresh store (as the demo does), score the stored incidents against the truth.
 *   npx tsx packages/server/test/ingest/measure/linking-through-pipeline.ts <seed>
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { scoreLinking } from '@baseerat/engine';
import { writeSyntheticFeed } from '../../../src/generate/index.js';
import { openStore } from '../../../src/store/index.js';
import { ingestOne } from '../../../src/cli/services.js';
import { storedClusters, truthClusters } from '../../../src/cli/commands/demo.js';
const seed = Number(process.argv[2] ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'bls-'));
const feed = writeSyntheticFeed(join(dir, 'feed'), { seed, start: '2024-01-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' });
const store = await openStore(join(dir, 'db.duckdb'));
for (const f of feed.feed.feeds) {
  const file = join(dir, 'feed', f.fileName);
  if (!existsSync(file)) continue;
  await ingestOne(store, file, { format: f.mapping.reader, mapping: join(dir, 'feed', 'mappings', `${f.agency}.json`), quiet: true, receivedAt: '2025-01-01T00:00:00.000Z' });
}
const s = scoreLinking(await storedClusters(store, feed.feed.feeds.map((f) => f.agency)), truthClusters(feed.feed.truth));
console.log(JSON.stringify({ seed, reports: feed.reports, precision: +s.precision.toFixed(4), recall: +s.recall.toFixed(4), truePairs: s.truePairs, correct: s.correctPairs, predicted: s.predictedPairs }));
await store.close();
