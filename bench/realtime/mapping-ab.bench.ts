/**
 * bench/realtime/mapping-ab: the mapping adapter (`toReport`: mapping, dates, geocoding, H3, the
 * report check) of this tree against another tree's, in one process, on the same records (the live
 * benches' feed through bench-mapping.json), batch by batch alternately, the order swapped every
 * batch. On this shared 2-core machine separate runs of ingest-path.bench differ by 2x from one
 * minute to the next; batches a few milliseconds apart see the same machine, so their ratio
 * resolves a change of a microsecond. Both adapters share one heap: the garbage of one is partly
 * collected during the other's batches (ingest-path.bench --alloc-profile gives the bytes).
 *
 *   npx tsx bench/realtime/mapping-ab.bench.ts --base /work/wt-base [--events 30000] [--rounds 6] [--batch 1000]
 *
 * `--base`: a checkout of the other tree whose node_modules resolve @baseerat/* to its own packages
 * (/work/tools/mkwt.sh makes one). Prints the median CPU us per event (process.cpuUsage) of each
 * and the median per-batch ratio this/base; the first round is a warm-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Report } from '@baseerat/engine';
import { benchFeed } from './bench-feed.js';
import type { Row } from '../../packages/server/src/ingest/adapter.js';
import { loadMappingFile, type MappingAdapter } from '../../packages/server/src/ingest/mapping.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const base = arg('base', '');
if (base === '') throw new Error('--base <checkout of the other tree> is required');
const events = Number(arg('events', '30000')), rounds = Number(arg('rounds', '6')), batch = Number(arg('batch', '1000'));
const mappingFile = fileURLToPath(new URL('./bench-mapping.json', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'baseerat-mappingab-'));
const record = benchFeed(join(dir, 'feed'));
rmSync(dir, { recursive: true, force: true });
const rows = Array.from({ length: events }, (_, i) => { const row = record(i); return { row: row as Row, raw: JSON.stringify(row) }; });
const other = (await import(pathToFileURL(resolve(base, 'packages/server/src/ingest/mapping.ts')).href)) as { loadMappingFile: typeof loadMappingFile };
const adapters: Record<'base' | 'this', MappingAdapter> = { base: await other.loadMappingFile(mappingFile), this: await loadMappingFile(mappingFile) };
const ctx = { geocoder: loadGeography(), agency: 'bench', receivedAt: '2026-11-27T00:00:00.000Z', classification: 'RESTRICTED' as const, reportingMode: 'unknown' as const };

const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
let failed = 0;
const out: Report[] = [];
/** CPU us per event of one adapter over records [i, i + batch). */
function run(which: 'base' | 'this', i: number): number {
  const a = adapters[which];
  out.length = 0;
  const c0 = cpu();
  for (let j = i; j < i + batch; j++) {
    const r = a.toReport(rows[j]!.row, rows[j]!.raw, j + 1, ctx);
    if (r.ok) out.push(r.value); else failed++;
  }
  return (cpu() - c0) / batch;
}
const t: Record<'base' | 'this', number[]> = { base: [], this: [] };
const load0 = loadavg()[0];
for (let k = 0; k < rounds; k++) {
  for (let i = 0; i + batch <= events; i += batch) {
    const order: Array<'base' | 'this'> = (i / batch + k) % 2 === 0 ? ['base', 'this'] : ['this', 'base'];
    for (const w of order) { const us = run(w, i); if (k > 0) t[w].push(us); }
  }
}
const median = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s[s.length >> 1]!; };
console.log(JSON.stringify({
  events, rounds, batch, batches: t.base.length, failed, loadAverage1m: { before: load0, after: loadavg()[0] },
  medianUsPerEvent: { base: +median(t.base).toFixed(2), this: +median(t.this).toFixed(2) },
  medianRatioThisToBase: +median(t.this.map((x, i) => x / t.base[i]!)).toFixed(3),
}));
