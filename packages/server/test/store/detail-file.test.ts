/**
 * The incident detail side file (store/duckdb/detail-file.ts, issue #7): getIncident answered from
 * it must equal getIncident from the DuckDB tables after any sequence of writes (new incidents,
 * attachments, unlinks, re-encryption under a new key), and a side file that is behind, ahead, from
 * another history, torn or missing must never answer: it is rebuilt and reads go to DuckDB meanwhile.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentIdFor, sourceKey, type Link, type Report } from '@baseerat/engine';
import { openStore, type DuckDBStore, type FieldCodec, type IngestBatch } from '../../src/store/index.js';
import { frame } from '../../src/store/duckdb/detail-file.js';
import { detailPayloadOf, detailPayloadParts, detailPayloadText, type StoredSource } from '../../src/store/duckdb/detail-record.js';
import { report } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-detail-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { duckdb: { threads: '1' } };
const SEED = 20261127;

/** A keyed codec like the field cipher's: `v1:<key>:` prefix, decodes only under keys still held (a retired key fails). */
class RotatingCodec implements FieldCodec {
  key = 'k.v1';
  held = new Set(['k.v1']);
  encode = (p: string, field: string, id: string) => `v1:${this.key}:${field}|${id}|${p}`;
  decode = (s: string, field: string, id: string) => {
    const m = /^v1:([a-z]\.v\d+):(.*)$/s.exec(s);
    if (m === null || !this.held.has(m[1]!)) throw new Error(`cannot decode ${field} ${id}: key ${m?.[1]} not held`);
    const head = `${field}|${id}|`;
    if (!m[2]!.startsWith(head)) throw new Error(`bound to another record: ${s}`);
    return m[2]!.slice(head.length);
  };
  currentPrefix = () => `v1:${this.key}:`;
}

const key = (r: Report) => sourceKey(r.source);
const fileOf = () => join(dir, `d${n++}`, 'store.duckdb');

async function open(file: string, codec: FieldCodec, detail: { compactShare?: number; compactMinBytes?: number } = {}): Promise<DuckDBStore> {
  const s = await openStore(file, { ...config, codec, detailFile: detail });
  await s.existingSourceKeys(['warm:up']); // loads the incident index (the side file is read through it)
  await s.detailFileSettled();
  return s;
}

/**
 * Every id read through the side file equals the DuckDB read; returns how many the side file
 * answered. Then the incident list's read of the same ids from the file (`listedIncidents`, whose
 * parsed payloads the file keeps between reads: DetailFile.readParsed) equals them too, raw records
 * included, whenever the file serves.
 */
async function compareAll(s: DuckDBStore, ids: readonly string[]): Promise<number> {
  const before = s.detailFileStats!.hits;
  const all = [];
  for (const id of ids) {
    const tables = await s.getIncidentFromTables(id);
    expect(tables, id).toBeDefined();
    expect(await s.getIncident(id), id).toEqual(tables);
    all.push(tables);
  }
  const answered = s.detailFileStats!.hits - before;
  const generation = s.committedGeneration();
  if (s.detailFileStats!.state === 'ready' && generation !== undefined) {
    for (let pass = 0; pass < 2; pass++) {
      const listed = s.listedIncidents(ids, generation);
      expect(listed).toBeDefined();
      expect(listed).toEqual(all);
      expect(listed!.map((i) => i.sources.map((x) => x.raw))).toEqual(all.map((i) => i!.sources.map((x) => x.raw)));
    }
  }
  return answered;
}

type Op =
  | { kind: 'new'; reports: number; narrative: boolean; link: boolean; minute: number }
  | { kind: 'attach'; pick: number; reports: number; minute: number }
  | { kind: 'unlink'; pick: number; which: number }
  | { kind: 'reencrypt'; limit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('new' as const), reports: fc.integer({ min: 1, max: 3 }), narrative: fc.boolean(), link: fc.boolean(), minute: fc.integer({ min: 0, max: 5000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('attach' as const), pick: fc.nat(), reports: fc.integer({ min: 1, max: 2 }), minute: fc.integer({ min: 0, max: 5000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unlink' as const), pick: fc.nat(), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reencrypt' as const), limit: fc.integer({ min: 1, max: 7 }) }) },
);

describe('incident detail side file', () => {
  it('a payload from the row\'s JSON text (detailPayloadOf) is the payload of the row (detailPayloadText) (fast-check, fixed seed)', () => {
    const value = fc.oneof(fc.string({ unit: 'grapheme' }), fc.double(), fc.integer(), fc.constant(null), fc.boolean());
    const source = fc.tuple(fc.string(), fc.string(), fc.double(), fc.string(), fc.string({ unit: 'grapheme' }), fc.option(fc.nat()), fc.option(fc.string())) as fc.Arbitrary<StoredSource>;
    fc.assert(fc.property(fc.array(value, { maxLength: 25 }), fc.array(source, { maxLength: 4 }), (row, sources) => {
      expect(detailPayloadOf(JSON.stringify(row), sources)).toBe(detailPayloadText(row, sources));
      expect(frame(1, 1, -1, detailPayloadParts(JSON.stringify(row), sources)).equals(frame(1, 1, -1, Buffer.from(detailPayloadText(row, sources), 'utf8')))).toBe(true);
    }), { seed: SEED, numRuns: 300 });
  });

  it('a frame of a text payload is byte for byte the frame of its UTF-8 bytes (fast-check, fixed seed)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.nat(), fc.integer({ min: -1, max: 2 ** 40 }), (text, seq, supersedes) => {
      expect(frame(1, seq, supersedes, text).equals(frame(1, seq, supersedes, Buffer.from(text, 'utf8')))).toBe(true);
    }), { seed: SEED, numRuns: 300 });
    // in parts (as writeBatch hands them): the frame of the joined text
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { maxLength: 6 }), fc.nat(), (parts, seq) => {
      expect(frame(1, seq, -1, parts).equals(frame(1, seq, -1, Buffer.from(parts.join(''), 'utf8')))).toBe(true);
    }), { seed: SEED, numRuns: 300 });
    // a lone surrogate becomes U+FFFD in both
    expect(frame(1, 2, -1, 'a\ud800b').equals(frame(1, 2, -1, Buffer.from('a\ud800b', 'utf8')))).toBe(true);
  });

  it('answers getIncident exactly as the DuckDB tables do after random writes, and again after a reopen', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
      const file = fileOf();
      const codec = new RotatingCodec();
      let s = await open(file, codec);
      const ids: string[] = [];
      const sourcesOf = new Map<string, string[]>();
      /** Per source key, when it was received and in which order it was written (the store orders an incident's reports so). */
      const order = new Map<string, [number, number]>();
      let next = 0;
      const mk = (minute: number, narrative: boolean): Report => report({
        agency: next % 3 === 0 ? 'levies' : 'police', sourceId: `r${run}-${next++}`, lat: 28 + (next % 17) / 10, lon: 66 + (next % 13) / 10,
        receivedAt: new Date(Date.UTC(2024, 2, 1) + minute * 60_000).toISOString(), ...(narrative ? { narrative: `story ${next}` } : {}),
      });
      try {
        for (const op of ops) {
          if (op.kind === 'new') {
            const reports = Array.from({ length: op.reports }, (_, i) => mk(op.minute + i * 7, op.narrative));
            const links: Link[] = op.link && reports.length > 1 ? [{ a: key(reports[0]!), b: key(reports[1]!), rule: 'test', distanceKm: 0.5, hoursApart: 1 }] : [];
            const id = incidentIdFor(key(reports[0]!));
            const b: IngestBatch = { newIncidents: [{ id, reports, links }], attachments: [], quarantine: [] };
            await s.writeBatch(b);
            ids.push(id);
            sourcesOf.set(id, reports.map(key));
            for (const r of reports) order.set(key(r), [Date.parse(r.source.receivedAt), order.size]);
          } else if (op.kind === 'attach' && ids.length > 0) {
            const id = ids[op.pick % ids.length]!;
            const reports = Array.from({ length: op.reports }, (_, i) => mk(op.minute + i, true));
            await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: id, reports, links: [] }], quarantine: [] });
            sourcesOf.get(id)!.push(...reports.map(key));
            for (const r of reports) order.set(key(r), [Date.parse(r.source.receivedAt), order.size]);
          } else if (op.kind === 'unlink') {
            const many = ids.filter((id) => sourcesOf.get(id)!.length > 1);
            if (many.length === 0) continue;
            const id = many[op.pick % many.length]!;
            const keys = sourcesOf.get(id)!;
            const k = keys[op.which % keys.length]!;
            const moved = await s.unlink(id, k);
            const rest = keys.filter((x) => x !== k).sort((x, y) => order.get(x)![0] - order.get(y)![0] || order.get(x)![1] - order.get(y)![1]);
            // the record that created the incident keeps its id; the rest take their first free own id
            const restId = moved === id ? rest.map((x) => incidentIdFor(x)).find((x) => !ids.includes(x))! : id;
            for (const x of [moved, restId]) if (!ids.includes(x)) ids.push(x);
            sourcesOf.set(moved, [k]);
            sourcesOf.set(restId, rest);
          } else if (op.kind === 'reencrypt') {
            // rotate, re-encrypt in small batches (reads compared in between), retire the old key
            const old = codec.key;
            codec.key = `k.v${Number(old.slice(3)) + 1}`;
            codec.held.add(codec.key);
            for (;;) {
              const p = await s.reencryptBatch(op.limit);
              expect(await compareAll(s, ids)).toBeGreaterThanOrEqual(0);
              if (p.remaining === 0) break;
            }
            codec.held.delete(old);
          }
          await s.detailFileSettled();
          expect(s.detailFileStats!.state).toBe('ready');
          // every incident answered by the side file, equal to DuckDB's answer
          expect(await compareAll(s, ids)).toBe(ids.length);
        }
        await s.close();
        s = await open(file, codec);
        expect(s.detailFileStats!.state).toBe('ready');
        expect(s.detailFileStats!.lastRebuildReason).toBeUndefined(); // loaded, not rebuilt
        expect(await compareAll(s, ids)).toBe(ids.length);
      } finally {
        run++;
        await s.close();
      }
    }), { seed: SEED, numRuns: 20 });
  }, 240_000);

  it('a side file behind, ahead, from another history, torn or missing is rebuilt, never used', async () => {
    const codec = new RotatingCodec();
    const a = report({ sourceId: 'a1', narrative: 'first' }), b = report({ sourceId: 'b1', narrative: 'second' });
    const idA = incidentIdFor(key(a)), idB = incidentIdFor(key(b));
    const one = (r: Report): IngestBatch => ({ newIncidents: [{ id: incidentIdFor(key(r)), reports: [r], links: [] }], attachments: [], quarantine: [] });
    const file = fileOf();
    let s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBe('no side file');
    await s.writeBatch(one(a));
    await s.close();
    copyFileSync(file, `${file}.at-a`);
    copyFileSync(`${file}.detail`, `${file}.detail.at-a`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBeUndefined();
    await s.writeBatch(one(b));
    const answerB = await s.getIncident(idB);
    expect(s.detailFileStats!.hits).toBe(1);
    await s.close();

    // behind: DuckDB has b, the side file only a (a crash between DuckDB's commit and the side file's)
    copyFileSync(`${file}.detail`, `${file}.detail.at-b`);
    copyFileSync(`${file}.detail.at-a`, `${file}.detail`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/1\/1 \(incidents\/reports\) in the side file, 2\/2 in DuckDB/);
    expect(s.detailFileStats!.state).toBe('ready');
    expect(await s.getIncident(idB)).toEqual(answerB);
    expect(await compareAll(s, [idA, idB])).toBe(2);
    await s.close();

    // ahead: the DuckDB file restored to a, the side file has b
    copyFileSync(`${file}.at-a`, file);
    rmSync(`${file}.wal`, { force: true });
    copyFileSync(`${file}.detail.at-b`, `${file}.detail`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/2\/2 \(incidents\/reports\) in the side file, 1\/1 in DuckDB/);
    expect(await s.getIncident(idB)).toBeUndefined();
    expect(await compareAll(s, [idA])).toBe(1);
    await s.close();

    // another store's side file at the same seqs: its token differs
    const other = fileOf();
    let t = await open(other, codec);
    await t.writeBatch(one(b));
    await t.close();
    copyFileSync(`${other}.detail`, `${file}.detail`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/another store file/);
    expect(await s.getIncident(idB)).toBeUndefined();
    expect(await compareAll(s, [idA])).toBe(1);
    await s.close();

    // another history of this store at the same seqs (a restored backup, then other writes): the last version differs
    copyFileSync(file, `${file}.fork`);
    copyFileSync(`${file}.detail`, `${file}.detail.fork`);
    s = await open(file, codec);
    await s.writeBatch(one(b));
    await s.close();
    copyFileSync(`${file}.detail`, `${file}.detail.b`);
    copyFileSync(`${file}.fork`, file);
    rmSync(`${file}.wal`, { force: true });
    copyFileSync(`${file}.detail.fork`, `${file}.detail`);
    const c = report({ sourceId: 'c1', narrative: 'third' });
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBeUndefined();
    await s.writeBatch(one(c));
    await s.close();
    copyFileSync(`${file}.detail.b`, `${file}.detail`); // b's history, same seqs as c's
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/another history/);
    expect(await s.getIncident(idB)).toBeUndefined();
    expect(await compareAll(s, [idA, incidentIdFor(key(c))])).toBe(2);
    await s.close();
    copyFileSync(`${file}.fork`, file); // back to a alone, its side file rebuilt below
    rmSync(`${file}.wal`, { force: true });
    rmSync(`${file}.detail`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBe('no side file');
    await s.close();

    // torn tail (a batch that never committed, cut short): ignored and cut off, no rebuild
    const size = statSync(`${file}.detail`).size;
    appendFileSync(`${file}.detail`, Buffer.from([0x31, 0x43, 0x4e, 0x49, 200, 0, 0, 0, 1, 2, 3]));
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBeUndefined();
    expect(statSync(`${file}.detail`).size).toBe(size);
    await s.writeBatch(one(b));
    expect(await compareAll(s, [idA, idB])).toBe(2);
    await s.close();
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBeUndefined();
    expect(await compareAll(s, [idA, idB])).toBe(2);
    await s.close();

    // a flipped byte inside a frame: the CRC fails, so the file is behind and rebuilt
    const fd = await import('node:fs').then((m) => m.openSync(`${file}.detail`, 'r+'));
    (await import('node:fs')).writeSync(fd, Buffer.from('X'), 0, 1, 24 + 28 + 5);
    (await import('node:fs')).closeSync(fd);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/in the side file, 2\/2 in DuckDB/);
    expect(await compareAll(s, [idA, idB])).toBe(2);
    await s.close();

    // missing
    rmSync(`${file}.detail`);
    s = await open(file, codec);
    expect(s.detailFileStats!.lastRebuildReason).toBe('no side file');
    expect(await compareAll(s, [idA, idB])).toBe(2);
    await s.close();
    t = await openStore(file, { ...config, codec, detailFile: false });
    expect(t.detailFileStats).toBeUndefined();
    await t.close();
  }, 120_000);

  it('re-encryption drops the side file (its ciphertext is under the old key) and rebuilds it under the new one', async () => {
    const codec = new RotatingCodec();
    const file = fileOf();
    const s = await open(file, codec);
    const reports = Array.from({ length: 6 }, (_, i) => report({ sourceId: `e${i}`, narrative: `n${i}` }));
    await s.writeBatch({ newIncidents: reports.map((r) => ({ id: incidentIdFor(key(r)), reports: [r], links: [] })), attachments: [], quarantine: [] });
    const ids = reports.map((r) => incidentIdFor(key(r)));
    codec.key = 'k.v2';
    codec.held.add('k.v2');
    await s.reencryptBatch(2);
    expect(s.detailFileStats!.state).toBe('invalid');
    expect(existsSync(`${file}.detail`)).toBe(false);
    expect(await compareAll(s, ids)).toBe(0); // DuckDB answers meanwhile
    while ((await s.reencryptBatch(2)).remaining > 0);
    codec.held.delete('k.v1');
    await s.detailFileSettled();
    expect(s.detailFileStats!.state).toBe('ready');
    expect(await compareAll(s, ids)).toBe(ids.length);
    await s.close();
  }, 60_000);

  it('compacts when superseded versions pass the share: a rebuild of the live versions', async () => {
    const codec = new RotatingCodec();
    const file = fileOf();
    const s = await open(file, codec, { compactShare: 0.5, compactMinBytes: 4096 });
    const first = report({ sourceId: 'c0', narrative: 'x'.repeat(200) });
    const id = incidentIdFor(key(first));
    await s.writeBatch({ newIncidents: [{ id, reports: [first], links: [] }], attachments: [], quarantine: [] });
    let grew = 0;
    for (let i = 1; i <= 12; i++) {
      await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: id, reports: [report({ sourceId: `c${i}`, narrative: 'y'.repeat(200) })], links: [] }], quarantine: [] });
      grew = Math.max(grew, s.detailFileStats!.bytes.file);
      await s.detailFileSettled();
    }
    expect(s.detailFileStats!.lastRebuildReason).toMatch(/compaction/);
    expect(s.detailFileStats!.bytes.file).toBeLessThan(grew);
    expect(s.detailFileStats!.bytes.dead).toBeLessThanOrEqual(s.detailFileStats!.bytes.live);
    expect(await compareAll(s, [id])).toBe(1);
    expect((await s.getIncident(id))!.sources).toHaveLength(13);
    await s.close();
  }, 60_000);
});

