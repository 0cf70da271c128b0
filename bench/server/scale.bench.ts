/**
 * Server-mode scaling on one machine: the sustained ingest rate with 1 worker process and with 2,
 * each beside as many read-load processes (bench/server/reader.ts: a district officer's scoped
 * reads of the PostgreSQL store: a page of incidents, a count, the stats), whose p50/p95 latency is
 * reported. For each configuration: a fresh database and stream, M events published first (the
 * backlog), then the processes start; the ingest rate is measured from the first stored report to
 * the last (worker start-up excluded), the read latencies over the same time.
 *
 * The read processes stand in for API processes: `baseerat serve` does not run on PostgreSQL yet
 * (its security tables still live in DuckDB), so the API's own p95 cannot be measured in server
 * mode; the store reads are what the API's read routes spend most of their time in.
 *
 * Run: TZ=UTC npx tsx bench/server/scale.bench.ts [events=60000] [configs=1,2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { writeSyntheticFeed } from '../../packages/server/src/generate/index.js';
import { createTestDatabase } from '../../packages/server/test/store/pg-test-database.js';

const M = Number(process.argv[2] ?? 60_000);
const CONFIGS = (process.argv[3] ?? '1,2').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'baseerat-scale-'));
writeSyntheticFeed(join(dir, 'feed'), { seed: 1, start: '2024-01-01T00:00:00.000Z', end: '2024-01-02T00:00:00.000Z', malformedShare: 0 });
const mappings = join(dir, 'feed', 'mappings');
const PLACES: [number, number, string][] = [[30.19, 67.01, 'Quetta'], [26.0, 63.05, 'Kech'], [27.8, 66.6, 'Khuzdar'], [29.03, 66.59, 'Kalat'], [29.55, 67.88, 'Sibi'], [31.34, 69.45, 'Zhob']];
const TYPES = ['IED', 'PROTEST', 'IBO', 'APPREHENSION', 'RECOVERY', 'SMUGGLING POL', 'CP INCIDENT', 'EXCHANGE OF FIRE'];
const t0 = Date.UTC(2020, 0, 1);
const event = (i: number) => {
  const [lat, lon] = PLACES[i % PLACES.length]!;
  const t = t0 + i * 60_000; // in order, one a minute, as a live feed
  return {
    report_id: `FC-${i}`, time_utc: new Date(t).toISOString(), lat: +(lat + ((i * 37) % 100) / 2000 - 0.025).toFixed(5), lon: +(lon + ((i * 53) % 100) / 2000 - 0.025).toFixed(5),
    incident_type: TYPES[i % TYPES.length], killed: i % 3, wounded: i % 4, abducted: 0, classification: 'CONFIDENTIAL', target: 'civilians',
  };
};
const exited = (c: ChildProcess) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));

interface Result { processes: number; events: number; seconds: number; ratePerSecond: number; reads: number; readP50: number | null; readP95: number | null }
const results: Result[] = [];
const nc = await connect({ servers: '127.0.0.1:4222', name: 'scale-bench' });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
for (const n of CONFIGS) {
  const tag = randomBytes(3).toString('hex');
  const stream = `SCALE_${tag}`, prefix = `scale${tag}.ingest`;
  const db = await createTestDatabase('baseerat_scale');
  try {
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < M; i++) {
      while (pending.size >= 2000) await Promise.race(pending);
      const p = js.publish(`${prefix}.fc`, JSON.stringify(event(i)), { msgID: `fc:${i}` }).finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
    const config = join(dir, `worker-${tag}.json`);
    writeFileSync(config, JSON.stringify({ stream, prefix, maxConnections: 3 }));
    const env = { ...process.env, BASEERAT_DATABASE_URL: db.appUrl, BASEERAT_LOG_LEVEL: 'warn', TZ: 'UTC' };
    // readers first, and ready (store open), so that the ingest is measured under read load throughout
    const readers = Array.from({ length: n }, (_, k) => spawn(process.execPath, ['--import', 'tsx', 'bench/server/reader.ts', db.appUrl, PLACES[k % PLACES.length]![2]], { env, stdio: ['ignore', 'pipe', 'inherit'] }));
    const readerOut = readers.map((r) => new Promise<string>((resolve) => { let s = ''; r.stdout!.on('data', (d: Buffer) => { s += d.toString(); }); r.once('exit', () => resolve(s)); }));
    await Promise.all(readers.map((r) => new Promise<void>((resolve) => { const on = (d: Buffer) => { if (d.toString().includes('ready')) { r.stdout!.off('data', on); resolve(); } }; r.stdout!.on('data', on); })));
    const workers = Array.from({ length: n }, () => spawn(process.execPath, ['packages/server/bin/baseerat.mjs', 'worker', '--config', config, '--agencies', 'fc', '--mappings', mappings, '--ops-port', '0', '--batch', '2000'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    let firstAt: number | undefined, firstCount = 0, lastAt = 0, count = 0;
    while (count < M) {
      await new Promise((r) => setTimeout(r, 500));
      count = Number((await db.admin(`SELECT count(*)::int AS n FROM reports`)).rows[0].n);
      if (count > 0 && firstAt === undefined) { firstAt = Date.now(); firstCount = count; }
      lastAt = Date.now();
    }
    for (const r of readers) r.kill('SIGTERM');
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all([...workers, ...readers].map(exited));
    const reads = (await Promise.all(readerOut)).map((s) => JSON.parse(s.split('\n').find((l) => l.startsWith('{')) ?? '{"reads":0,"p50":null,"p95":null}') as { reads: number; p50: number | null; p95: number | null });
    const seconds = (lastAt - (firstAt ?? lastAt)) / 1000;
    // pooled percentiles are not available from per-process summaries: report the worst process's
    const worst = (k: 'p50' | 'p95') => reads.reduce<number | null>((m, r) => (r[k] === null ? m : m === null ? r[k] : Math.max(m, r[k]!)), null);
    results.push({ processes: n, events: M, seconds: +seconds.toFixed(1), ratePerSecond: Math.round((count - firstCount) / Math.max(seconds, 0.001)), reads: reads.reduce((a, r) => a + r.reads, 0), readP50: worst('p50'), readP95: worst('p95') });
    console.log(JSON.stringify(results[results.length - 1]));
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await db.drop();
  }
}
await nc.close();
rmSync(dir, { recursive: true, force: true });
if (results.length === 2) console.log(`ratio ${results[1]!.processes}+${results[1]!.processes} / ${results[0]!.processes}+${results[0]!.processes}: ingest rate ${(results[1]!.ratePerSecond / results[0]!.ratePerSecond).toFixed(2)}, read p95 ${((results[1]!.readP95 ?? NaN) / (results[0]!.readP95 ?? NaN)).toFixed(2)}`);
