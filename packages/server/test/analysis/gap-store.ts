/**
 * The store of the feed-coverage tests (trends-coverage, uncovered-periods): a 2021 feed (agency
 * `archive`, one Rescue 1122 call in Quetta every 3 days) and a 2024 feed (`rescue1122`, one every
 * 12 hours), each ingested through the pipeline so that each run records its range; nothing for
 * 2022-2023.
 */
import { DEFAULT_LINK_RULES, linkBatch } from '@baseerat/engine';
import { ingestRecords } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import type { AnalysisContext } from '../../src/analysis/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';

export const geography = loadGeography();
const examples = new URL('../../../../data/mappings/examples', import.meta.url).pathname;

/** Rescue 1122 calls (NDJSON mapping) in Quetta: every `step` hours from `from` (Pakistan time) to `to`. */
export function calls(prefix: string, from: string, to: string, stepHours: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let t = Date.parse(`${from}T00:00:00+05:00`), i = 0; t < Date.parse(`${to}T00:00:00+05:00`); t += stepHours * 3600e3, i++) {
    out.push({ call_id: `${prefix}${i}`, received: new Date(t + 3600e3).toISOString(), location: { lat: 30.18 + (i % 7) * 0.01, lon: 67.01 + (i % 5) * 0.01, district: 'Quetta' }, nature: 'blast' });
  }
  return out;
}

/** A DuckDB store (in memory, or the file `path`) holding the two feeds and the gap between them. */
export async function openGapStore(path = ':memory:'): Promise<{ store: Store; ctx: AnalysisContext }> {
  const store = await openStore(path, { duckdb: { threads: '1' } });
  const adapter = await loadMappingFile(`${examples}/rescue-1122.json`);
  const base = { adapter, store, geocoder: geography, link: linkBatch, linkRules: DEFAULT_LINK_RULES };
  await ingestRecords(calls('old', '2021-01-01', '2022-01-01', 72), { ...base, agency: 'archive', receivedAt: '2022-02-01T00:00:00.000Z' });
  await ingestRecords(calls('new', '2024-01-01', '2025-01-01', 12), { ...base, receivedAt: '2025-01-02T00:00:00.000Z' });
  return { store, ctx: { store, geography } };
}
