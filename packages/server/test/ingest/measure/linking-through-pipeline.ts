/**
 * Cross-agency linking through the pipeline: generate the synthetic feed for a seed, ingest each
 * agency file into a fresh store (as the demo does: `ingestOne`'s settings), score the stored
 * incidents against the truth.
 *   npx tsx packages/server/test/ingest/measure/linking-through-pipeline.ts <seed> [--no-revise] [--files]
 * `--no-revise` turns off the re-decision of weak links (IngestOptions.reviseWeakLinks), i.e. the
 * pipeline as it was before; `--no-detach` / `--no-coarse` turn off only detachWeakLinks / reviseCoarseLinks;
 * `--files` prints each file's summary (agency, inserted, attached, relinked).
 */
import { join } from 'node:path';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DEFAULT_LINK_RULES, linkBatch, scoreLinking } from '@baseerat/engine';
import { writeSyntheticFeed } from '../../../src/generate/index.js';
import { openStore } from '../../../src/store/index.js';
import { ingestFile, resolveAdapter } from '../../../src/ingest/index.js';
import { loadGeography } from '../../../src/reference/geography.js';
import { storedClusters, truthClusters } from '../../../src/cli/commands/demo.js';

const args = process.argv.slice(2);
const seed = Number(args.find((a) => !a.startsWith('--')) ?? 7);
const revise = !args.includes('--no-revise');
const dir = mkdtempSync(join(tmpdir(), 'bls-'));
const feed = writeSyntheticFeed(join(dir, 'feed'), { seed, start: '2024-01-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' });
const store = await openStore(join(dir, 'db.duckdb'));
const geocoder = loadGeography();
let relinked = 0;
for (const f of feed.feed.feeds) {
  const file = join(dir, 'feed', f.fileName);
  if (!existsSync(file)) continue;
  const adapter = await resolveAdapter(f.mapping.reader, join(dir, 'feed', 'mappings', `${f.agency}.json`));
  const s = await ingestFile(file, {
    adapter, store, geocoder, link: linkBatch, linkRules: DEFAULT_LINK_RULES,
    receivedAt: '2025-01-01T00:00:00.000Z', reviseWeakLinks: revise, detachWeakLinks: !args.includes("--no-detach"), reviseCoarseLinks: !args.includes("--no-coarse"),
  });
  relinked += s.relinked;
  if (args.includes('--files')) console.error(JSON.stringify({ agency: s.agency, stored: s.stored, inserted: s.inserted, attached: s.attached, relinked: s.relinked, seconds: +s.seconds.toFixed(1) }));
}
const s = scoreLinking(await storedClusters(store, feed.feed.feeds.map((f) => f.agency)), truthClusters(feed.feed.truth));
console.log(JSON.stringify({ seed, revise, detach: !args.includes("--no-detach"), coarse: !args.includes("--no-coarse"), reports: feed.reports, precision: +s.precision.toFixed(4), recall: +s.recall.toFixed(4), truePairs: s.truePairs, correct: s.correctPairs, predicted: s.predictedPairs, relinked }));
await store.close();
