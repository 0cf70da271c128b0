/**
 * Parsing in a worker thread (`parseInWorker`): the same summary, stored reports (key order
 * included), quarantine (lines, raw text, reasons) and links as parsing on the main thread, for a
 * mapping file's CSV with malformed rows, every agency of the synthetic feed (CSV, NDJSON, GeoJSON)
 * and a built-in adapter (UCDP); errors that stop a file stop it the same way; and the worker loads
 * both under vitest (here) and under the CLI as `npm start` and `bin/baseerat.mjs` run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LINK_RULES, linkBatch, scoreLinking, sourceKey, type Report } from '@baseerat/engine';
import { ingestFile, type IngestOptions, type IngestProgress, type IngestSummary } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { resolveAdapter } from '../../src/ingest/registry.js';
import { runAdapter } from '../../src/ingest/read-items.js';
import { ChunkEncoder, decodeReport } from '../../src/ingest/converted-chunk.js';
import { PARSE_WORKER_MIN_BYTES, parseWorkerPlan } from '../../src/ingest/parse-worker-host.js';
import type { ParseWorkerData, ParseWorkerMessage } from '../../src/ingest/parse-worker.js';
import { builtinAdapters } from '../../src/ingest/adapters/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import { writeSyntheticFeed } from '../../src/generate/index.js';
import { openStore } from '../../src/store/index.js';
import { storedClusters, truthClusters } from '../../src/cli/commands/demo.js';
import { generateMalformedFile } from './malformed-file.js';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const levies = `${root}data/mappings/examples/levies.json`;
const geocoder = loadGeography();
const receivedAt = '2025-01-01T00:00:00.000Z';
const fixedNow = () => new Date('2025-01-02T00:00:00.000Z');
let dir: string;
beforeAll(async () => { dir = await mkdtemp('/tmp/baseerat-parse-worker-'); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** The summary without its wall time. */
const same = (s: IngestSummary) => ({ ...s, seconds: 0 });

async function both(path: string, opts: Omit<IngestOptions, 'store'>, makeStore: () => FakeStore = () => new FakeStore()) {
  const main = makeStore(), worker = makeStore();
  const progress: IngestProgress[] = [];
  const a = await ingestFile(path, { ...opts, store: main, parseInWorker: false, runId: 'run', now: fixedNow });
  const b = await ingestFile(path, { ...opts, store: worker, parseInWorker: true, runId: 'run', now: fixedNow, onProgress: (p) => progress.push(p) });
  return { a, b, main, worker, progress };
}

describe('parsing in a worker thread', () => {
  it('a CSV of 40,000 rows with 400 malformed ones: the same reports, quarantine and summary as on the main thread', async () => {
    const { text, bad } = generateMalformedFile(40_000, 100, 200, 20240301);
    const path = join(dir, 'levies-40k.csv');
    await writeFile(path, text);
    const adapter = await loadMappingFile(levies);
    const { a, b, main, worker, progress } = await both(path, { adapter, geocoder, link: linkBatch, receivedAt });
    expect(same(b)).toEqual(same(a));
    expect(b.rowsRead).toBe(40_000);
    expect(b.blankLines).toBe(200);
    expect(b.rowsRead).toBe(b.stored + b.duplicates + b.quarantined);
    // the real geography also quarantines the generated points that fall in the sea off Gwadar
    expect(b.quarantined).toBeGreaterThanOrEqual(400);
    // reports equal, key order included (JSON.stringify follows key order), stored in the same order
    expect(worker.reports.size).toBe(main.reports.size);
    expect(JSON.stringify([...worker.reports])).toBe(JSON.stringify([...main.reports]));
    expect(worker.quarantine).toEqual(main.quarantine);
    // every malformed row is quarantined, on its own line, with its raw text
    const lines = text.split('\n');
    const quarantinedRows = new Set<number>();
    for (const q of worker.quarantine) {
      expect(lines[q.line - 1]).toBe(q.raw);
      expect(q.reasons.length).toBeGreaterThan(0);
      quarantinedRows.add(Number(/^LV-(\d+),/.exec(q.raw)?.[1]));
    }
    for (const i of bad.keys()) expect(quarantinedRows.has(i)).toBe(true);
    // progress as before: bytes grow to the file size
    expect(progress.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesRead).toBeGreaterThanOrEqual(progress[i - 1]!.bytesRead);
    expect(progress.at(-1)).toMatchObject({ bytesRead: Buffer.byteLength(text), totalBytes: Buffer.byteLength(text), rowsRead: 40_000 });
  });

  it('every agency of the synthetic feed (CSV, NDJSON, GeoJSON) into DuckDB: the same incidents, links and quarantine; linking still scores >= 0.95', async () => {
    const feedDir = join(dir, 'feed');
    const feed = writeSyntheticFeed(feedDir, { seed: 2024, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z' });
    const stores = [await openStore(':memory:'), await openStore(':memory:')];
    try {
      const agencies = feed.feed.feeds.map((f) => f.agency);
      for (const f of feed.feed.feeds) {
        const file = join(feedDir, f.fileName);
        if (!existsSync(file)) continue;
        const adapter = await resolveAdapter(f.mapping.reader, join(feedDir, 'mappings', `${f.agency}.json`));
        const opts = { adapter, geocoder, link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt, runId: `run-${f.agency}`, now: fixedNow };
        const a = await ingestFile(file, { ...opts, store: stores[0]!, parseInWorker: false });
        const b = await ingestFile(file, { ...opts, store: stores[1]!, parseInWorker: true });
        expect(same(b), f.agency).toEqual(same(a));
      }
      const [ca, cb] = [await storedClusters(stores[0]!, agencies), await storedClusters(stores[1]!, agencies)];
      expect(cb.size).toBeGreaterThan(500);
      expect([...cb].sort()).toEqual([...ca].sort());
      const qa = await stores[0]!.listQuarantine({ offset: 0, limit: 10_000 });
      const qb = await stores[1]!.listQuarantine({ offset: 0, limit: 10_000 });
      expect(qb.total).toBeGreaterThan(0);
      expect(qb.items).toEqual(qa.items);
      const score = scoreLinking(cb, truthClusters(feed.feed.truth));
      expect(score.precision).toBeGreaterThanOrEqual(0.95);
      expect(score.recall).toBeGreaterThanOrEqual(0.95);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('a built-in adapter (the shipped UCDP sample): the same reports', async () => {
    const path = `${root}data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv`;
    const { a, b, main, worker } = await both(path, { adapter: builtinAdapters['ucdp']!, geocoder, link: trivialLinker, receivedAt });
    expect(same(b)).toEqual(same(a));
    expect(b.stored).toBe(6_416);
    expect(JSON.stringify([...worker.reports])).toBe(JSON.stringify([...main.reports]));
  });

  it('a header without a mapped column stops the file with the same error', async () => {
    const path = join(dir, 'no-type.csv');
    await writeFile(path, 'ref_no,date,time,lat,lon,place,district,killed,injured,abducted,target,claimed_by,details,class,reported\nLV-1,01/03/2024,10:15,30.18,67.01,,Quetta,0,0,0,,,x,R,\n');
    const adapter = await loadMappingFile(levies);
    const run = (parseInWorker: boolean) => ingestFile(path, { adapter, store: new FakeStore(), geocoder, link: trivialLinker, receivedAt, parseInWorker });
    const inProcess = await run(false).then(() => undefined, (e: unknown) => e as Error);
    const inWorker = await run(true).then(() => undefined, (e: unknown) => e as Error);
    expect(inProcess?.message).toMatch(/fields\.category\.column: column 'type' is not in the file's header/);
    expect(inWorker?.message).toBe(inProcess?.message);
    expect((inWorker as { code?: string }).code).toBe('VALIDATION');
  });

  it('is used by default for large files with a mapping or built-in adapter and the shipped geography, and only then', async () => {
    const adapter = await loadMappingFile(levies);
    const base = { adapter, store: new FakeStore(), geocoder, link: trivialLinker, receivedAt };
    expect(parseWorkerPlan(base, PARSE_WORKER_MIN_BYTES)).toEqual({ adapter: { kind: 'mapping', mapping: adapter.mapping }, h3Resolution: 7 });
    expect(parseWorkerPlan(base, PARSE_WORKER_MIN_BYTES - 1)).toBeUndefined();
    expect(parseWorkerPlan({ ...base, parseInWorker: false }, 1e9)).toBeUndefined();
    expect(parseWorkerPlan({ ...base, adapter: builtinAdapters['gtd']! }, 1e9)).toEqual({ adapter: { kind: 'builtin', format: 'gtd' }, h3Resolution: 7 });
    // a geocoder or adapter the worker cannot rebuild: in-process under 'auto', an error when required
    expect(parseWorkerPlan({ ...base, geocoder: new FakeGeocoder() }, 1e9)).toBeUndefined();
    expect(() => parseWorkerPlan({ ...base, geocoder: new FakeGeocoder(), parseInWorker: true }, 1)).toThrow(/not the shipped geography/);
    const custom = { ...adapter, name: 'custom', toReport: adapter.toReport } as typeof adapter;
    delete (custom as Partial<typeof adapter>).checkColumns;
    expect(() => parseWorkerPlan({ ...base, adapter: custom, parseInWorker: true }, 1)).toThrow(/neither a mapping file's nor a built-in one/);
  });

  it('the chunk codec gives back each adapter report unchanged, key order included', async () => {
    const adapter = await loadMappingFile(levies);
    const ctx = { geocoder, agency: 'levies', receivedAt, classification: 'RESTRICTED' as const, reportingMode: 'unknown' as const };
    // optional fields present and absent: a point, a place name, a district only, reported_at, narrative
    const rows = [
      { ref_no: 'A', date: '01/03/2024', time: '10:15', lat: '30.18', lon: '67.01', place: '', district: '', type: 'Blast', killed: '1', injured: '0', abducted: '0', target: 'Police', claimed_by: 'TTP', details: 'x', class: 'R', reported: '2024-03-02T09:00:00+05:00' },
      { ref_no: 'B', date: '01/03/2024', time: '', lat: '', lon: '', place: 'Turbat', district: '', type: 'Firing', killed: '', injured: '', abducted: '', target: '', claimed_by: '', details: '', class: '', reported: '' },
      { ref_no: 'C', date: '01/03/2024', time: '', lat: '', lon: '', place: '', district: 'Kech', type: 'Firing', killed: '0', injured: '2', abducted: '0', target: '', claimed_by: '', details: 'near "the" bazaar', class: 'R', reported: '' },
    ];
    const enc = new ChunkEncoder();
    const reports: Report[] = [];
    rows.forEach((row, i) => {
      const r = runAdapter(adapter, row, `raw ${i}`, i + 2, ctx);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      reports.push(r.value);
      enc.report(i + 2, r.value);
    });
    enc.fail(9, 'bad,row', [{ field: 'row', message: 'broken' }]);
    const chunk = structuredClone(enc.take());
    expect(chunk.n).toBe(4);
    expect(enc.size).toBe(0);
    expect(Array.from(chunk.failedAt)).toEqual([0, 0, 0, 1]);
    expect(chunk.failures).toEqual([{ raw: 'bad,row', issues: [{ field: 'row', message: 'broken' }] }]);
    for (let i = 0; i < reports.length; i++) {
      const d = decodeReport(chunk, i);
      expect(d).toStrictEqual(reports[i]);
      expect(JSON.stringify(d)).toBe(JSON.stringify(reports[i]));
      expect(sourceKey(d.source)).toBe(`levies:${rows[i]!.ref_no}`);
    }
    // the three rows do exercise the optional keys both ways
    expect(reports.map((r) => [r.location.precision, r.reportedAt !== undefined, r.location.placeName !== undefined, r.narrative !== undefined]))
      .toEqual([['exact', true, false, true], ['near', false, true, false], ['district', false, false, true]]);
  });
});

describe('the parse worker\'s flow control', () => {
  it('posts at most maxChunksInFlight chunks the main thread has not taken, then one more per ack', async () => {
    const { text } = generateMalformedFile(20_000, 10, 0, 11);
    const path = join(dir, 'levies-20k.csv');
    await writeFile(path, text);
    const adapter = await loadMappingFile(levies);
    const data: ParseWorkerData = {
      path, adapter: { kind: 'mapping', mapping: adapter.mapping }, h3Resolution: 7, rowsPerChunk: 1_000, maxChunksInFlight: 2,
      ctx: { agency: 'levies', receivedAt, classification: 'RESTRICTED', reportingMode: 'unknown' },
    };
    const worker = new Worker(new URL('../../src/ingest/parse-worker-entry.mjs', import.meta.url), { workerData: data });
    const got: ParseWorkerMessage[] = [];
    let notify: (() => void) | undefined;
    worker.on('message', (m: ParseWorkerMessage) => { got.push(m); notify?.(); });
    const until = async (n: number) => { while (got.length < n) await new Promise<void>((r) => { notify = r; }); };
    // what more the worker posts without an ack, given time: nothing, if it waits as it should
    const settle = () => new Promise((r) => setTimeout(r, 1_500));
    try {
      await until(2);
      await settle();
      expect(got.length).toBe(2);
      worker.postMessage({ type: 'ack' });
      await until(3);
      await settle();
      expect(got.length).toBe(3);
      // then take everything, acking each: 20 chunks of 1,000 items and the end, in file order
      for (let i = 0; i < 3; i++) worker.postMessage({ type: 'ack' });
      let acked = 4;
      while (got.at(-1)?.type !== 'done') {
        await until(acked + 1);
        if (got[acked]!.type === 'chunk') worker.postMessage({ type: 'ack' });
        acked++;
      }
      const chunks = got.filter((m): m is Extract<ParseWorkerMessage, { type: 'chunk' }> => m.type === 'chunk');
      expect(chunks.map((c) => c.chunk.n)).toEqual(Array.from({ length: 20 }, () => 1_000));
      const lines = chunks.flatMap((c) => Array.from(c.chunk.lines));
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
      expect(lines[0]).toBe(2);
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});

const run = promisify(execFile);

describe('the worker loads under the CLI', () => {
  // a file over PARSE_WORKER_MIN_BYTES, so that the CLI's ingest (parseInWorker 'auto') parses it in the worker
  let path: string;
  beforeAll(async () => {
    const { text } = generateMalformedFile(50_000, 25, 10, 7);
    expect(Buffer.byteLength(text)).toBeGreaterThan(PARSE_WORKER_MIN_BYTES);
    path = join(dir, 'levies-50k.csv');
    await writeFile(path, text);
  });
  // no BASEERAT_MASTER_KEY: the command creates master.key beside the database, as on first use
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['BASEERAT_MASTER_KEY'];
  const args = (db: string) => ['ingest', path, '--format', 'csv', '--mapping', levies, '--db', db, '--json', '--received-at', receivedAt];

  for (const [how, cmd] of [
    ['bin/baseerat.mjs (tsx register API)', [join(root, 'packages/server/bin/baseerat.mjs')]],
    ['the tsx CLI (as npm start and npm run baseerat run it)', [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'packages/server/src/cli/main.ts')]],
  ] as const) {
    it(how, async () => {
      const db = join(dir, `cli-${how.length}.duckdb`);
      const { stdout } = await run(process.execPath, [...cmd, ...args(db)], { env, cwd: root, maxBuffer: 1 << 24 });
      const s = JSON.parse(stdout) as IngestSummary;
      expect(s).toMatchObject({ rowsRead: 50_000, blankLines: 10 });
      expect(s.quarantined).toBeGreaterThanOrEqual(100);
      expect(s.rowsRead).toBe(s.stored + s.duplicates + s.quarantined);
    }, 180_000);
  }
});
