/**
 * bench/store/migration-v4: the cost of upgrading a schema-3 file to schema version 4 (incidents
 * rebuilt with seq, rep_lo, rep_hi). Takes a store file (e.g. one kept by point-lookup.bench.ts
 * --file), copies it, turns the copy back into the schema-3 layout (drops the three columns,
 * forgets version 4), then opens it as every command does (`openStore`, which migrates) and
 * prints wall and CPU time of the open and the process's peak RSS, and checks the result.
 *
 *   TZ=UTC npx tsx bench/store/migration-v4.bench.ts --file PATH [--memory-limit 128MB]
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore } from '../../packages/server/src/store/index.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const source = arg('file', '');
const memoryLimit = arg('memory-limit', '128MB');
if (source === '' || !existsSync(source)) throw new Error('--file PATH of a store file is required');
const dir = mkdtempSync(join(tmpdir(), 'baseerat-migration-bench-'));
const file = join(dir, 'v3.duckdb');
copyFileSync(source, file);
if (existsSync(`${source}.wal`)) copyFileSync(`${source}.wal`, `${file}.wal`);

{
  const inst = await DuckDBInstance.create(file, { memory_limit: memoryLimit });
  const conn = await inst.connect();
  await conn.run('BEGIN TRANSACTION');
  await conn.run(`CREATE TABLE incidents_v3 AS SELECT * EXCLUDE (seq, rep_lo, rep_hi) FROM incidents ORDER BY rowid`);
  await conn.run('DROP TABLE incidents');
  await conn.run('ALTER TABLE incidents_v3 RENAME TO incidents');
  await conn.run('DELETE FROM schema_migrations WHERE version = 4');
  await conn.run('COMMIT');
  await conn.run('CHECKPOINT');
  const n = Number((await conn.runAndReadAll('SELECT count(*)::DOUBLE FROM incidents')).getRows()[0]![0]);
  console.log(`schema-3 copy: ${n.toLocaleString('en-US')} incidents; memory_limit ${memoryLimit}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  conn.closeSync();
  inst.closeSync();
}

const rss0 = process.memoryUsage().rss;
const w0 = performance.now(), c0 = process.cpuUsage();
const store = await openStore(file, { duckdb: { memory_limit: memoryLimit } });
const c = process.cpuUsage(c0);
console.log(`openStore with migration 4: ${((performance.now() - w0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU; RSS before ${(rss0 / 1e6).toFixed(0)} MB, peak of the process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
const conn = await (store as unknown as { instance: DuckDBInstance }).instance.connect();
const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
console.log(`check: ${JSON.stringify(await q(`SELECT count(*)::DOUBLE, count(DISTINCT seq)::DOUBLE, min(seq)::DOUBLE, max(seq)::DOUBLE FROM incidents`))} (count, distinct seq, min, max); `
  + `seq out of physical order: ${String((await q('SELECT count(*)::DOUBLE FROM (SELECT seq, lag(seq) OVER (ORDER BY rowid) AS prev FROM incidents) WHERE prev >= seq'))[0]![0])}`);
conn.closeSync();
await store.close();
console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
