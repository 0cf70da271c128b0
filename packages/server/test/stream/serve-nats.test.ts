/**
 * `baseerat serve --nats --live-journal` as an operator runs it (the CLI in a child process, the real NATS
 * JetStream on 127.0.0.1:4222 with a stream and subject prefix of its own): the serving process
 * consumes the agency subjects through the live write-behind (journal first, DuckDB behind it,
 * monitor/write-behind.ts). After the feed is acknowledged and the server is stopped, every
 * published record is in the store exactly once and the journal holds nothing left to apply. The same
 * with `--ack-behind` (no journal; JetStream keeps each message until its batch is in DuckDB).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/api/embedded.js';
import { writeSyntheticFeed } from '../../src/generate/write-feed.js';
import { duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { readFeedDirectory } from '../../src/stream/feed-records.js';
import { publishRecords } from '../../src/stream/publisher.js';
import { durableName } from '../../src/stream/subjects.js';
import { natsTestBed } from './nats-test-bed.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const tag = `s${process.pid}${Math.floor(performance.now())}`;
const STREAM = `TEST_SERVE_${tag}`;
const PREFIX = `${tag}.ingest`;
const AGENCIES = ['police', 'levies'] as const;
const MASTER = randomBytes(32);

const bed = natsTestBed('baseerat-serve-nats-', STREAM);
async function outstanding(stream = STREAM): Promise<number> {
  let n = 0;
  for (const a of AGENCIES) {
    try {
      const i = await bed.jsm.consumers.info(stream, durableName(a));
      n += i.num_pending + i.num_ack_pending;
    } catch { return Infinity; /* not created yet */ }
  }
  return n;
}

/** `serve --nats` in a child process on a new store `db-<name>`, consuming `stream`/`prefix` with the mappings of feed `name`. */
function spawnServe(name: string, stream: string, prefix: string, extra: string[]) {
  const db = join(bed.dir, `db-${name}`, 'store.duckdb');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--no-web', '--db', db, '--port', '0',
    '--nats', '127.0.0.1:4222', ...extra, '--nats-agencies', AGENCIES.join(','), '--nats-stream', stream, '--nats-prefix', prefix,
    '--mappings', join(bed.dir, name, 'mappings')], { cwd: ROOT, env: { ...process.env, BASEERAT_MASTER_KEY: MASTER.toString('base64') }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { db, child };
}

/**
 * Publishes a synthetic feed on `stream`, runs `serve --nats <mode>` on a new store until every
 * message is acknowledged, stops it (SIGTERM) and checks that it exited 0. Returns the store, what
 * was published per agency and the server's stdout.
 */
async function serveUntilConsumed(name: string, seed: number, mode: '--live-journal' | '--ack-behind', stream: string, prefix: string) {
  writeSyntheticFeed(join(bed.dir, name), { seed, start: '2024-01-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z', incidents: 500, malformedShare: 0, agencies: AGENCIES });
  const feed = await readFeedDirectory(join(bed.dir, name));
  const pub = await publishRecords({ nats: bed.nc, records: feed.records, rate: 0, stream, prefix });
  expect(pub.published).toBe(feed.records.length);
  const { db, child } = spawnServe(name, stream, prefix, [mode]);
  let out = '', err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  try {
    const t0 = Date.now();
    while (await outstanding(stream) > 0) {
      // a liveness guard, not a timing check
      if (Date.now() - t0 > 150_000 || child.exitCode !== null) throw new Error(`feed not consumed: ${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  expect(await exited, err).toBe(0);
  return { db, byAgency: pub.byAgency, out };
}

/** With the process stopped: every published record is in the store, once. */
async function expectStoredOnce(db: string, byAgency: Record<string, number>): Promise<void> {
  const e = await openEmbedded(db, MASTER, new Date());
  try {
    const conn = await duckdbInstanceOf(e.store).connect();
    const rows = (await conn.runAndReadAll('SELECT agency, count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports GROUP BY agency ORDER BY agency')).getRowObjectsJS();
    expect(Object.fromEntries(rows.map((r) => [String(r['agency']), Number(r['n'])]))).toEqual(byAgency);
    for (const r of rows) expect(r['n']).toBe(r['d']);
    conn.closeSync();
  } finally {
    await e.close();
  }
}

describe('serve --nats --live-journal', () => {
  it('consumes the feed through the write-behind: every record stored once, the journal applied on stop', async () => {
    const { db, byAgency, out } = await serveUntilConsumed('feed', 21, '--live-journal', STREAM, PREFIX);
    expect(out).toContain('Live path: durable in the journal');
    expect(existsSync(`${db}.live-journal`)).toBe(true);
    // nothing left to apply: the journal's files hold no entry not yet in the store
    const left = readdirSync(`${db}.live-journal`).map((f) => statSync(join(`${db}.live-journal`, f)).size).reduce((s, n) => s + n, 0);
    expect(left).toBe(0);
    await expectStoredOnce(db, byAgency);
  }, 240_000);
});

describe('serve --nats --ack-behind', () => {
  it('two agencies\' consumers share the applier (their groups take turns): every record stored once, no journal, acknowledged only once stored', async () => {
    const stream = `${STREAM}_AB`, prefix = `${tag}ab.ingest`;
    try {
      const { db, byAgency, out } = await serveUntilConsumed('feed-ab', 22, '--ack-behind', stream, prefix);
      expect(out).toContain('Live path: alerts at once, DuckDB written behind');
      expect(existsSync(`${db}.live-journal`)).toBe(false);
      // every message acknowledged means every record in the store: checked with the process stopped
      await expectStoredOnce(db, byAgency);
    } finally {
      await bed.jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 240_000);
});

describe('serve --nats, stopped while it starts', () => {
  it('a SIGTERM after the consumers start and before the server listens still closes it cleanly: exit 0, the store reopens', async () => {
    const stream = `${STREAM}_ST`, prefix = `${tag}st.ingest`;
    writeSyntheticFeed(join(bed.dir, 'feed-st'), { seed: 23, start: '2024-01-01T00:00:00.000Z', end: '2024-02-01T00:00:00.000Z', incidents: 50, malformedShare: 0, agencies: AGENCIES });
    const { db, child } = spawnServe('feed-st', stream, prefix, []);
    let out = '', err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      // "Consuming ..." is printed once the consumers run, before the dashboard's warm-up and the listen
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('Consuming ')) resolve(); });
        child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
        child.on('exit', () => { reject(new Error(`serve exited before its consumers started: ${out}\n${err}`)); });
      });
      expect(out).not.toContain('listening on');
      child.kill('SIGTERM');
      expect(await exited, `${out}\n${err}`).toBe(0);
      // closed, not killed: the file opens again in this process
      const e = await openEmbedded(db, MASTER, new Date());
      await e.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await bed.jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 240_000);
});
