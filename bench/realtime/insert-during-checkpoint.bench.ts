/**
 * bench/realtime/insert-during-checkpoint: do writes on one connection proceed while another
 * connection checkpoints, in the DuckDB we ship (@duckdb/node-api 1.5.6)? DuckDB PR #20052 (Dec 2025)
 * lets commits that only insert into index-free tables run during a checkpoint; issue #6 needs that
 * for the live writer. A scratch file, automatic checkpoints off; ~115 MB of WAL appended to table
 * `t` (1,000-row transactions of ~1 KB random text); then `CHECKPOINT` (or an automatic one, set off
 * by a commit on the checkpointing connection) starts, and the other connection runs small writes
 * (50 rows) or a read in a loop until it ends, each timed.
 *
 *   npx tsx bench/realtime/insert-during-checkpoint.bench.ts
 *
 * Prints one line per case: checkpoint wall time, operations done during it, the slowest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

type Target = 't (the table being checkpointed)' | 'u (no change in the WAL)' | 'k (PRIMARY KEY)';
type Op = 'appender in BEGIN/COMMIT' | 'INSERT in BEGIN/COMMIT' | 'INSERT, autocommit' | 'SELECT count(*)';
const cases: { target: Target; op: Op; how: 'CHECKPOINT' | 'automatic' }[] = [
  { target: 't (the table being checkpointed)', op: 'appender in BEGIN/COMMIT', how: 'CHECKPOINT' },
  { target: 'u (no change in the WAL)', op: 'appender in BEGIN/COMMIT', how: 'CHECKPOINT' },
  { target: 'u (no change in the WAL)', op: 'INSERT in BEGIN/COMMIT', how: 'CHECKPOINT' },
  { target: 'u (no change in the WAL)', op: 'INSERT, autocommit', how: 'CHECKPOINT' },
  { target: 'u (no change in the WAL)', op: 'INSERT in BEGIN/COMMIT', how: 'automatic' },
  { target: 'k (PRIMARY KEY)', op: 'INSERT, autocommit', how: 'CHECKPOINT' },
  { target: 'u (no change in the WAL)', op: 'SELECT count(*)', how: 'CHECKPOINT' },
];

async function one(c: (typeof cases)[number]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-ckpt-probe-'));
  const file = join(dir, 'p.duckdb');
  const inst = await DuckDBInstance.create(file, { checkpoint_threshold: '100GB' });
  const a = await inst.connect(), b = await inst.connect();
  await a.run('CREATE TABLE t (seq BIGINT, doc VARCHAR)');
  await a.run('CREATE TABLE u (seq BIGINT, doc VARCHAR)');
  await a.run('CREATE TABLE k (id VARCHAR PRIMARY KEY, doc VARCHAR)');
  await a.run('CHECKPOINT');
  let seq = 0;
  for (let i = 0; i < 120; i++) {
    await a.run('BEGIN');
    const ap = await a.createAppender('t');
    for (let r = 0; r < 1000; r++) { ap.appendBigInt(BigInt(seq++)); ap.appendVarchar(randomBytes(700).toString('base64')); ap.endRow(); }
    ap.flushSync(); ap.closeSync();
    await a.run('COMMIT');
  }
  const walMB = Math.round(statSync(`${file}.wal`).size / 1e6);
  const table = c.target[0]!;
  const write = async (conn: DuckDBConnection) => {
    const key = table === 'k' ? `'id' || (range + ${seq})` : `range + ${seq}`;
    if (c.op === 'SELECT count(*)') { await conn.run(`SELECT count(*) FROM ${table}`); return; }
    if (c.op === 'INSERT, autocommit') { await conn.run(`INSERT INTO ${table} SELECT ${key}, md5(random()::VARCHAR) FROM range(50)`); seq += 50; return; }
    await conn.run('BEGIN');
    if (c.op === 'INSERT in BEGIN/COMMIT') { await conn.run(`INSERT INTO ${table} SELECT ${key}, md5(random()::VARCHAR) FROM range(50)`); seq += 50; } else {
      const ap = await conn.createAppender(table);
      for (let r = 0; r < 50; r++) { if (table === 'k') ap.appendVarchar(`id${seq++}`); else ap.appendBigInt(BigInt(seq++)); ap.appendVarchar(randomBytes(700).toString('base64')); ap.endRow(); }
      ap.flushSync(); ap.closeSync();
    }
    await conn.run('COMMIT');
  };
  if (c.how === 'automatic') await b.run(`SET checkpoint_threshold = '50MB'`);
  let done = false;
  const t0 = performance.now();
  const checkpoint = (c.how === 'automatic' ? b.run(`INSERT INTO t VALUES (-1, 'sets off the automatic checkpoint')`) : b.run('CHECKPOINT'))
    .then(() => { done = true; return performance.now() - t0; });
  const ops: number[] = [];
  while (!done) {
    const s = performance.now();
    await write(a);
    ops.push(performance.now() - s);
    await new Promise((r) => setTimeout(r, 5));
  }
  const checkpointMs = await checkpoint;
  a.closeSync(); b.closeSync(); inst.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return { ...c, walMB, checkpointMs: Math.round(checkpointMs), opsDuringCheckpoint: ops.length, slowestOpMs: Math.round(Math.max(...ops)) };
}

console.log(JSON.stringify({ duckdb: '1.5.6', started: new Date().toISOString(), loadAverage1m: loadavg()[0] }));
for (const c of cases) console.log(JSON.stringify(await one(c)));
console.log(JSON.stringify({ loadAverage1m: loadavg()[0] }));
