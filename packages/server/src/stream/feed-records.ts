/**
 * Reads a feed directory written by `baseerat generate` (`<agency>.csv` / `<agency>.ndjson`, with
 * `mappings/<agency>.json`) into records to publish: an NDJSON line is published as its object, a
 * CSV row as an object of its columns (what the agency's mapping reads). A line that cannot be read
 * is published as its text, which the consumer quarantines, as a file ingest would. Agencies are
 * interleaved one record each in turn, each in its file's order, like several live feeds at once.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { newReaderStats, readCsv, readNdjson } from '../ingest/readers/index.js';
import type { FeedRecord } from './publisher.js';
import { checkAgency } from './subjects.js';

export async function readFeedDirectory(dir: string, agencies?: readonly string[]): Promise<{ records: FeedRecord[]; byAgency: Record<string, number> }> {
  const files = (await readdir(dir)).filter((f) => /\.(csv|ndjson)$/.test(f)).sort();
  const wanted = agencies === undefined ? undefined : new Set(agencies);
  const lists: FeedRecord[][] = [];
  const byAgency: Record<string, number> = {};
  for (const f of files) {
    const agency = f.replace(/\.(csv|ndjson)$/, '');
    if (wanted !== undefined && !wanted.has(agency)) continue;
    checkAgency(agency);
    const source = createReadStream(join(dir, f), { highWaterMark: 1 << 20 });
    const stats = newReaderStats();
    const items = f.endsWith('.csv') ? readCsv(source, stats) : readNdjson(source, stats);
    const list: FeedRecord[] = [];
    for await (const chunk of items) for (const it of chunk) list.push({ agency, record: it.ok ? it.row : it.raw });
    byAgency[agency] = list.length;
    lists.push(list);
  }
  if (lists.length === 0) throw new BaseeratError('NOT_FOUND', `no agency feed (*.csv, *.ndjson) in ${dir}${agencies === undefined ? '' : ` for ${agencies.join(', ')}`}`, { field: 'feed' });
  const records: FeedRecord[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) { const r = l[i]; if (r !== undefined) records.push(r); }
  return { records, byAgency };
}
