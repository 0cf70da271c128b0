/**
 * Stores for the report tests: the shipped UCDP GED Pakistan file (real data), and the demo's
 * synthetic multi-agency feed (the `baseerat demo` generator and seed) over a window, each in a
 * throw-away in-memory DuckDB store.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LINK_RULES, linkBatch } from '@baseerat/engine';
import { referencePath } from '../../src/cli/config.js';
import { DEMO_FEED } from '../../src/cli/commands/demo.js';
import { writeSyntheticFeed } from '../../src/generate/index.js';
import { ingestFile, resolveAdapter } from '../../src/ingest/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';

export const geography = loadGeography();

export async function ucdpStore(): Promise<Store> {
  const store = await openStore(':memory:');
  await ingestFile(referencePath('ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), {
    adapter: await resolveAdapter('ucdp'), store, geocoder: geography, link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: '2022-06-01T00:00:00.000Z',
  });
  return store;
}

/** The demo feed (seed 2024) between `start` and `end` (ISO), ingested as `baseerat demo` does. */
export async function demoStore(start: string = DEMO_FEED.start, end: string = DEMO_FEED.end, store?: Store): Promise<Store> {
  const s = store ?? await openStore(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-report-feed-'));
  try {
    const feed = writeSyntheticFeed(dir, { seed: DEMO_FEED.seed, start, end });
    for (const f of feed.feed.feeds) {
      const file = join(dir, f.fileName);
      if (!existsSync(file)) continue;
      await ingestFile(file, {
        adapter: await resolveAdapter(f.mapping.reader, join(dir, 'mappings', `${f.agency}.json`)), store: s, geocoder: geography,
        link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: end,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return s;
}

/** Number tokens of a text (1,234 / 0.035 / 86% / -3), commas kept as they are shown. */
export function numberTokens(text: string): string[] {
  return [...text.matchAll(/(?<![\p{L}\d.])\d[\d,]*(?:\.\d+)?/gu)].map((m) => m[0].replace(/,$/, ''));
}
