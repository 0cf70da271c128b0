/**
 * Heap cost of the incident list's parsed side-file payloads at their bound (issue #7;
 * store/duckdb/detail-file.ts readParsed, PARSED_MAX = 16,384): that many incident frames of a
 * store's side file, parsed with `parseDetail` as the list does and kept in a Map by seq, measured
 * as the heap after a full GC against the heap before. Reads the side file only (frames after the
 * first SKIP, so not only the oldest incidents); the store may be open meanwhile (the file is
 * append-only).
 * Run: node --expose-gc --import tsx bench/list/parsed-cache-memory.ts [SIDE_FILE] [N]
 * (default /tmp/baseerat-bench-api/api.duckdb.detail, 16384).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseDetail } from '../../packages/server/src/store/duckdb/detail-record.js';

const file = process.argv[2] ?? '/tmp/baseerat-bench-api/api.duckdb.detail';
const N = Number(process.argv[3] ?? 16_384);
const SKIP = 5_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const fd = openSync(file, 'r');
const buf = Buffer.alloc(64 << 20);
const n = readSync(fd, buf, 0, buf.length, 0);
closeSync(fd);
const frames: [number, Buffer][] = [];
// file header 24 bytes, then frames: u32 kind, u32 length, f64 seq, f64 supersedes, u32 CRC, payload
for (let at = 24; at + 28 <= n && frames.length < SKIP + N;) {
  const kind = buf.readUInt32LE(at), len = buf.readUInt32LE(at + 4);
  if (at + 28 + len > n) break;
  if (kind === 0x49_4e_43_31) frames.push([buf.readDoubleLE(at + 8), Buffer.from(buf.subarray(at + 28, at + 28 + len))]);
  at += 28 + len;
}
const kept = frames.slice(SKIP, SKIP + N);
const stored = kept.reduce((s, [, p]) => s + p.length, 0);
gc(); gc();
const h0 = process.memoryUsage().heapUsed;
const cache = new Map<number, unknown>();
for (const [seq, p] of kept) cache.set(seq, parseDetail(p));
gc(); gc();
const h1 = process.memoryUsage().heapUsed;
console.log(`${cache.size.toLocaleString('en-US')} parsed payloads (${(stored / cache.size).toFixed(0)} B each as stored): heap ${((h1 - h0) / 1e6).toFixed(1)} MB more, ${((h1 - h0) / cache.size).toFixed(0)} B each`);
