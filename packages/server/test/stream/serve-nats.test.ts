/**
 * `baseerat serve --nats --live-journal` as an operator runs it (the CLI in a child process, the real NATS
 * JetStream on 127.0.0.1:4222 with a stream and subject prefix of its own): the serving process
 * consumes the agency subjects through the live write-behind (journal first, DuckDB behind it,
 * monitor/write-behind.ts). After the feed is acknowledged and the server is stopped, every
 * published record is in the store exactly once and the journal holds nothing left to apply.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/api/embedded.js';
import { writeSyntheticFeed } from '../../src/generate/write-feed.js';
import { duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { readFeedDirectory } from '../../src/stream/feed-records.js';
import { publishRecords } from '../../src/stream/publisher.js';
import { durableName } from '../../src/stream/subjects.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const tag = `s${process.pid}${Math.floor(performance.now())}`;
const STREAM = `TEST_SERVE_${tag}`;
const PREFIX = `${tag}.ingest`;
const AGENCIES = ['police', 'levies'] as const;
const MASTER = randomBytes(32);

let dir: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baseerat-serve-nats-'));
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await nc.close();
  rmSync(dir, { recursive: true, force: true });
});

async function outstanding(stream = STREAM): Promise<number> {
  let n = 0;
  for (const a of AGENCIES) {
    try {
      const i = await jsm.consumers.info(stream, durableName(a));
      n += i.num_pending + i.num_ack_pending;
    } catch { return Infinity; /* not created yet */ }
  }
  return n;
}

describe('serve --nats --live-journal', () => {
  it('consumes the feed through the write-behind: every record stored once, the journal applied on stop', async () => {
    writeSyntheticFeed(join(dir, 'feed'), { seed: 21, start: '2024-01-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z', incidents: 500, malformedShare: 0, agencies: AGENCIES });
    const feed = await readFeedDirectory(join(dir, 'feed'));
    const pub = await publishRecords({ nats: nc, records: feed.records, rate: 0, stream: STREAM, prefix: PREFIX });
    expect(pub.published).toBe(feed.records.length);
    const db = join(dir, 'db', 'store.duckdb');

    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--no-web', '--db', db, '--port', '0',
      '--nats', '127.0.0.1:4222', '--live-journal', '--nats-agencies', AGENCIES.join(','), '--nats-stream', STREAM, '--nats-prefix', PREFIX,
      '--mappings', join(dir, 'feed', 'mappings')], { cwd: ROOT, env: { ...process.env, BASEERAT_MASTER_KEY: MASTER.toString('base64') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      const t0 = Date.now();
      while (await outstanding() > 0) {
        // a liveness guard, not a timing check
        if (Date.now() - t0 > 150_000 || child.exitCode !== null) throw new Error(`feed not consumed: ${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain('Live path: durable in the journal');
      expect(existsSync(`${db}.live-journal`)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
    // nothing left to apply: the journal's files hold no entry not yet in the store
    const left = readdirSync(`${db}.live-journal`).map((f) => statSync(join(`${db}.live-journal`, f)).size).reduce((s, n) => s + n, 0);
    expect(left).toBe(0);

    const e = await openEmbedded(db, MASTER, new Date());
    try {
      const conn = await duckdbInstanceOf(e.store).connect();
      const rows = (await conn.runAndReadAll('SELECT agency, count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports GROUP BY agency ORDER BY agency')).getRowObjectsJS();
      expect(Object.fromEntries(rows.map((r) => [String(r['agency']), Number(r['n'])]))).toEqual(pub.byAgency);
      for (const r of rows) expect(r['n']).toBe(r['d']);
      conn.closeSync();
    } finally {
      await e.close();
    }
  }, 240_000);
});

describe('serve --nats --ack-behind', () => {
  it('two agencies\' consumers share the applier (their groups take turns): every record stored once, no journal, acknowledged only once stored', async () => {
    const stream = `${STREAM}_AB`, prefix = `${tag}ab.ingest`;
    writeSyntheticFeed(join(dir, 'feed-ab'), { seed: 22, start: '2024-01-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z', incidents: 500, malformedShare: 0, agencies: AGENCIES });
    const feed = await readFeedDirectory(join(dir, 'feed-ab'));
    const pub = await publishRecords({ nats: nc, records: feed.records, rate: 0, stream, prefix });
    expect(pub.published).toBe(feed.records.length);
    const db = join(dir, 'db-ab', 'store.duckdb');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--no-web', '--db', db, '--port', '0',
      '--nats', '127.0.0.1:4222', '--ack-behind', '--nats-agencies', AGENCIES.join(','), '--nats-stream', stream, '--nats-prefix', prefix,
      '--mappings', join(dir, 'feed-ab', 'mappings')], { cwd: ROOT, env: { ...process.env, BASEERAT_MASTER_KEY: MASTER.toString('base64') }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      expect(out).toContain('Live path: alerts at once, DuckDB written behind');
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
    expect(existsSync(`${db}.live-journal`)).toBe(false);
    // every message acknowledged means every record in the store: checked with the process stopped
    const e = await openEmbedded(db, MASTER, new Date());
    try {
      const conn = await duckdbInstanceOf(e.store).connect();
      const rows = (await conn.runAndReadAll('SELECT agency, count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports GROUP BY agency ORDER BY agency')).getRowObjectsJS();
      expect(Object.fromEntries(rows.map((r) => [String(r['agency']), Number(r['n'])]))).toEqual(pub.byAgency);
      for (const r of rows) expect(r['n']).toBe(r['d']);
      conn.closeSync();
    } finally {
      await e.close();
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 240_000);
});
