/**
 * The records of the live-path benches (realtime, path, ingest-path, alert-path, live-rules,
 * live-write, checkpoint-cost, live-tables-dump): the synthetic FC feed (seed 2026, January-March
 * 2024, real district polygons) repeated with fresh report ids. Copies follow one another in time
 * (the feed spans 91 days; each copy starts 92 days after the one before), so the stream runs
 * forward in time as a live feed does and copies do not link to each other. (Until 2026-11-27
 * copies were shifted by 3 days: the stream jumped back 90 days every 3,406 records, 30 copies
 * overlapped in time, and the linker's candidate window was reloaded from the store at every jump.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticFeed } from '../../packages/server/src/generate/write-feed.js';

export const COPY_SHIFT_MS = 92 * 86_400_000;

/** Writes the feed into `dir` and returns record i of the endless sequence of copies (a new object each call). */
export function benchFeed(dir: string, incidents = 12_000): (i: number) => Record<string, unknown> {
  writeSyntheticFeed(dir, { seed: 2026, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents, malformedShare: 0, agencies: ['fc'] });
  const base = readFileSync(join(dir, 'fc.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  return (i) => {
    const b = base[i % base.length]!;
    const copy = Math.floor(i / base.length);
    const shift = (t: unknown) => new Date(Date.parse(String(t)) + copy * COPY_SHIFT_MS).toISOString();
    return { ...b, report_id: `B-${copy}-${String(b['report_id'])}`, time_utc: shift(b['time_utc']), reported_utc: shift(b['reported_utc']) };
  };
}
