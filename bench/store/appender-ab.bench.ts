/**
 * bench/store/appender-ab: this tree's chunk appender (store/duckdb/chunk-appender.ts) against another
 * tree's, in one process, on the same prebuilt rows: the `incidents` and `reports` rows of the live
 * path's events (the path bench's feed through the live ingestor into an encrypted store, rows made
 * with the store's cipher), appended 1,000 rows an appender (as writeBatch does per batch) into
 * in-memory tables of the store's column types, the two appenders alternately, round after round.
 * Separate runs of the path benches differ by 1.5x on this shared machine; rounds a few hundred
 * milliseconds apart see the same machine. Prints, per event, the CPU (process.cpuUsage) of append +
 * finish and of DuckDB's flushSync, as min / first quartile / median over the rounds (the minimum is
 * the least disturbed by other processes).
 *
 *   npx tsx bench/store/appender-ab.bench.ts --base /work/wt-base [--events 10000] [--rounds 24]
 *
 * `--base`: a checkout of the other tree (/work/tools/mkwt.sh makes one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NewIncident } from '@baseerat/engine';
import { DuckDBInstance, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { benchFeed } from '../realtime/bench-feed.js';
import { captureLiveBatches } from './live-batches.js';
import { STORE_DATASET } from '../../packages/server/src/security/store-keys.js';
import { ChunkAppender } from '../../packages/server/src/store/duckdb/chunk-appender.js';
import { RECORD_LAYOUT, canonicalReport, lastTsValue, reportRow, singleReportIncidentRow } from '../../packages/server/src/store/duckdb/rows.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const base = arg('base', '');
if (base === '') throw new Error('--base <checkout of the other tree> is required');
const events = Number(arg('events', '10000')), rounds = Number(arg('rounds', '24'));
interface Appending { append(row: readonly DuckDBValue[]): void; finish(): void }
const Base = (await import(pathToFileURL(resolve(base, 'packages/server/src/store/duckdb/chunk-appender.ts')).href) as { ChunkAppender: { for(a: DuckDBAppender): Appending | undefined } }).ChunkAppender;

const dir = mkdtempSync(join(tmpdir(), 'appender-ab-'));
const record = benchFeed(join(dir, 'feed'));
const { batches, embedded: e } = await captureLiveBatches(join(dir, 'capture.duckdb'), events, record);
// the rows as writeBatch makes them for one-report incidents (seq columns set to 1)
const codec = await e.security.cipherFor(STORE_DATASET, new Date());
const ts = lastTsValue();
const incidentRows: DuckDBValue[][] = [], reportRows: DuckDBValue[][] = [];
for (const n of batches.flatMap((b) => b.newIncidents) as NewIncident[]) {
  const r = canonicalReport(n.reports[0]!);
  const inc = singleReportIncidentRow(n.id, r, codec, true);
  inc.push(1n, 1n, 1n);
  incidentRows.push(inc);
  reportRows.push(reportRow(1, n.id, r, codec, ts, RECORD_LAYOUT));
}
await e.close();

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
// the store's column types, from its file
await conn.run(`ATTACH '${join(dir, 'capture.duckdb')}' AS capture (READ_ONLY)`);
const columnsOf = async (table: string) => (await conn.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'capture' AND table_name = '${table}' ORDER BY column_index`)).getRows()
  .map((c) => `"${String(c[0])}" ${String(c[1])}`).join(', ');
const tables = { i: await columnsOf('incidents'), r: await columnsOf('reports') };
await conn.run('DETACH capture');
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const res = { base: { append: [] as number[], flush: [] as number[] }, this: { append: [] as number[], flush: [] as number[] } };
const n = incidentRows.length;
for (let round = 0; round < rounds; round++) {
  for (const [name, make] of (round % 2 === 0 ? [['base', Base.for], ['this', ChunkAppender.for]] : [['this', ChunkAppender.for], ['base', Base.for]]) as ['base' | 'this', (a: DuckDBAppender) => Appending | undefined][]) {
    await conn.run(`CREATE OR REPLACE TABLE i (${tables.i})`);
    await conn.run(`CREATE OR REPLACE TABLE r (${tables.r})`);
    let append = 0, flush = 0;
    for (const [table, rows] of [['i', incidentRows], ['r', reportRows]] as const) {
      for (let at = 0; at < rows.length; at += 1000) {
        const a = await conn.createAppender(table);
        const c0 = cpu();
        const c = make(a)!;
        for (let k = at; k < Math.min(at + 1000, rows.length); k++) c.append(rows[k]!);
        c.finish();
        const c1 = cpu();
        a.flushSync();
        flush += cpu() - c1;
        append += c1 - c0;
        a.closeSync();
      }
    }
    res[name].append.push(append / n);
    res[name].flush.push(flush / n);
  }
}
const stats = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { min: +s[0]!.toFixed(2), q1: +s[s.length >> 2]!.toFixed(2), median: +s[s.length >> 1]!.toFixed(2) }; };
console.log(JSON.stringify({
  events: n, rounds, base, load1mAfter: loadavg()[0],
  appendAndFinishUsPerEvent: { base: stats(res.base.append), this: stats(res.this.append) },
  flushSyncUsPerEvent: { base: stats(res.base.flush), this: stats(res.this.flush) },
}));
conn.closeSync();
db.closeSync();
rmSync(dir, { recursive: true, force: true });
