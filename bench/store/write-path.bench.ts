/**
 * bench/store/write-path: where the DuckDB store's per-row write cost goes. N one-report
 * incidents shaped like the police bench file's (bench/ingest/row-encoding.bench.ts), written in
 * batches of 10,000 through `writeBatch` (schema version 4: appender, one transaction a batch,
 * key checks, seq numbers), encrypted as every command opens the store (`openEmbedded`) and in
 * plaintext (`openStore`); and, in the same run, its parts:
 *  - rows only: the `incidents` and `reports` rows built (rows.ts, with the same codec), not appended;
 *  - appender floor: those prebuilt rows appended to unindexed tables of the same columns, one
 *    transaction a batch, with typed appender calls, one per value (the store's path before
 *    2026-11-27 14:00 UTC), and a data chunk at a time (store/duckdb/chunk-appender.ts, the
 *    store's path since), each twice, alternately, into tables of their own;
 *  - DuckDB's own floor: the same rows copied inside DuckDB (INSERT ... SELECT of 10,000 rows a
 *    transaction from the appended tables): what storing them costs DuckDB without any JS call.
 * A warm-up builds every row once first; the plaintext store is written twice (before and after
 * the encrypted one), so that the order's effect is seen.
 * CPU is process.cpuUsage (all threads, DuckDB's included); the machine is shared, so compare
 * CPU, not wall.
 *
 *   TZ=UTC npx tsx bench/store/write-path.bench.ts [--rows 200000] [--memory-limit 128MB]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { incidentIdFor, sourceKey, type NewIncident } from '@baseerat/engine';
import { DuckDBInstance, DuckDBTypeId, type DuckDBAppender, type DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { openStore, type FieldCodec } from '../../packages/server/src/store/index.js';
import { ChunkAppender } from '../../packages/server/src/store/duckdb/chunk-appender.js';
import { IDENTITY_CODEC, RECORD_LAYOUT, canonicalReport, lastTsValue, reportRow, singleReportIncidentRow } from '../../packages/server/src/store/duckdb/rows.js';
import { FieldCipher, KeyRing } from '../../packages/server/src/security/field-cipher.js';
import type { WrappedDataKey } from '../../packages/server/src/security/security-repo.js';
import { policeBenchReport } from '../ingest/police-report.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const n = Number(arg('rows', '200000'));
const memoryLimit = arg('memory-limit', '128MB');
const BATCH = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-write-bench-'));

function incident(i: number): NewIncident {
  const r = policeBenchReport(i);
  return { id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] };
}
const batches: NewIncident[][] = [];
for (let off = 0; off < n; off += BATCH) batches.push(Array.from({ length: Math.min(BATCH, n - off) }, (_, k) => incident(off + k)));

const cpuOf = async (fn: () => Promise<void>) => {
  const c0 = process.cpuUsage(), w0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - w0) / 1000 };
};

/** The rows writeBatch would append for batch b (seq numbers from `seq`), built with `codec`. */
function rowsOf(b: NewIncident[], codec: FieldCodec, seq: number): { inc: DuckDBValue[][]; rep: DuckDBValue[][] } {
  const ts = lastTsValue();
  const inc: DuckDBValue[][] = [], rep: DuckDBValue[][] = [];
  for (let k = 0; k < b.length; k++) {
    const r = canonicalReport(b[k]!.reports[0]!);
    const row = singleReportIncidentRow(b[k]!.id, r, codec, true);
    row.push(BigInt(seq + k), BigInt(seq + k), BigInt(seq + k));
    inc.push(row);
    rep.push(reportRow(seq + k, b[k]!.id, r, codec, ts, RECORD_LAYOUT));
  }
  return { inc, rep };
}

function writer(a: DuckDBAppender, i: number): (v: DuckDBValue) => void {
  const t = a.columnType(i);
  switch (t.typeId) {
    case DuckDBTypeId.VARCHAR: return (v) => a.appendVarchar(v as string);
    case DuckDBTypeId.DOUBLE: return (v) => a.appendDouble(v as number);
    case DuckDBTypeId.INTEGER: return (v) => a.appendInteger(v as number);
    case DuckDBTypeId.TINYINT: return (v) => a.appendTinyInt(v as number);
    case DuckDBTypeId.BIGINT: return (v) => a.appendBigInt(v as bigint);
    case DuckDBTypeId.TIMESTAMP: return (v) => a.appendTimestamp(v as DuckDBTimestampValue);
    default: return (v) => a.appendValue(v, t);
  }
}

{
  // warm-up: the row code compiled before anything is timed
  let seq = 1;
  for (const b of batches) { rowsOf(b, IDENTITY_CODEC, seq); seq += b.length; }
}
console.log(`rows ${n.toLocaleString('en-US')} in batches of ${BATCH.toLocaleString('en-US')}, memory_limit ${memoryLimit}; load average before ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const results: [string, { cpu: number; wall: number }][] = [];
for (const [k, mode] of (['plaintext', 'encrypted', 'plaintext'] as const).entries()) {
  const file = join(dir, `${mode}${k}.duckdb`);
  const embedded = mode === 'encrypted' ? await openEmbedded(file, randomBytes(32), new Date(), { duckdb: { memory_limit: memoryLimit } }) : undefined;
  const store = embedded?.store ?? await openStore(file, { duckdb: { memory_limit: memoryLimit } });
  results.push([`writeBatch, ${mode}${k === 2 ? ' (again)' : ''}`, await cpuOf(async () => {
    for (const b of batches) await store.writeBatch({ newIncidents: b, attachments: [], quarantine: [] });
  })]);
  await (embedded === undefined ? store.close() : embedded.close());
}

// The parts, with a cipher like the store's (AES-256-GCM, a fresh data key) and without.
const keys: WrappedDataKey[] = [];
const ring = await KeyRing.open({ listDataKeys: async () => keys, insertDataKey: async (k) => { keys.push(k); }, rewrapDataKeys: async () => undefined }, randomBytes(32));
await ring.ensureDataset('incidents', new Date());
const cipher = new FieldCipher(ring, 'incidents');
for (const [mode, codec] of [['plaintext', IDENTITY_CODEC], ['encrypted', cipher]] as const) {
  let sink = 0;
  results.push([`rows only, ${mode}`, await cpuOf(async () => {
    let seq = 1;
    for (const b of batches) { const { inc, rep } = rowsOf(b, codec, seq); seq += b.length; sink += inc.length + rep.length; }
  })]);
  if (sink !== 2 * n) throw new Error('rows lost');
}
{
  const inst = await DuckDBInstance.create(join(dir, 'floor.duckdb'), { memory_limit: memoryLimit });
  const conn = await inst.connect();
  // the store's tables (schema version 4), taken from the plaintext store's file, without the store
  const src = await DuckDBInstance.create(join(dir, 'plaintext0.duckdb'), { memory_limit: memoryLimit });
  const sc = await src.connect();
  const ddl = (await sc.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE table_name IN ('incidents', 'reports') ORDER BY table_name`)).getRows().map((r) => String(r[0]));
  sc.closeSync();
  src.closeSync();
  for (const s of ddl) await conn.run(s);
  const prebuilt = batches.map((b, k) => rowsOf(b, IDENTITY_CODEC, 1 + k * BATCH));
  for (const suffix of ['_chunk', '_again', '_chunk_again']) for (const t of ['incidents', 'reports']) await conn.run(`CREATE TABLE ${t}${suffix} AS SELECT * FROM ${t} LIMIT 0`);
  const appendAll = (suffix: string, chunked: boolean) => async () => {
    for (const { inc, rep } of prebuilt) {
      await conn.run('BEGIN TRANSACTION');
      for (const [table, rows] of [['incidents', inc], ['reports', rep]] as const) {
        const a = await conn.createAppender(`${table}${suffix}`);
        const c = chunked ? ChunkAppender.for(a) : undefined;
        if (chunked && c === undefined) throw new Error(`${table}: a column type the chunk appender does not handle`);
        if (c !== undefined) {
          for (const row of rows) c.append(row);
          c.finish();
        } else {
          const w = Array.from({ length: a.columnCount }, (_, i) => writer(a, i));
          for (const row of rows) {
            for (let i = 0; i < w.length; i++) {
              const v = row[i];
              if (v === null || v === undefined) a.appendNull();
              else w[i]!(v);
            }
            a.endRow();
          }
        }
        a.flushSync();
        a.closeSync();
      }
      await conn.run('COMMIT');
    }
  };
  results.push(['appender floor, per value (prebuilt plaintext rows)', await cpuOf(appendAll('', false))]);
  results.push(['appender floor, chunks (the same rows)', await cpuOf(appendAll('_chunk', true))]);
  results.push(['appender floor, per value (again)', await cpuOf(appendAll('_again', false))]);
  results.push(['appender floor, chunks (again)', await cpuOf(appendAll('_chunk_again', true))]);
  for (const t of ['incidents', 'reports']) {
    const diff = await conn.runAndReadAll(`SELECT (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT ALL SELECT * FROM ${t}_chunk)) + (SELECT count(*) FROM (SELECT * FROM ${t}_chunk EXCEPT ALL SELECT * FROM ${t}))`);
    if (Number(diff.getRows()[0]![0]) !== 0) throw new Error(`${t}: the chunk appender stored other rows than the per-value appender`);
  }
  for (const t of ['incidents', 'reports']) await conn.run(`CREATE TABLE ${t}_copy AS SELECT * FROM ${t} LIMIT 0`);
  results.push(["DuckDB's own floor (INSERT ... SELECT of the same rows)", await cpuOf(async () => {
    for (let off = 0; off < n; off += BATCH) {
      await conn.run('BEGIN TRANSACTION');
      for (const t of ['incidents', 'reports']) await conn.run(`INSERT INTO ${t}_copy SELECT * FROM ${t} WHERE seq BETWEEN ${off + 1} AND ${off + BATCH}`);
      await conn.run('COMMIT');
    }
  })]);
  conn.closeSync();
  inst.closeSync();
}
for (const [label, r] of results) {
  console.log(`${label.padEnd(56)} CPU ${r.cpu.toFixed(2)} s = ${(r.cpu / n * 1e6).toFixed(1)} us/row (${Math.round(n / r.cpu).toLocaleString('en-US')} rows per CPU-second); wall ${r.wall.toFixed(2)} s`);
}
console.log(`load average after ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
