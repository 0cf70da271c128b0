/**
 * Encryption at rest of the incident store (issue #3, item 3), end to end: the demo's own command
 * ingests the shipped UCDP sample and the generated multi-agency feed into a fresh store (the
 * master key is created beside it, as in a fresh clone), and the database files are then scanned
 * byte for byte for 1,000 sampled narratives, every quarantined line and names written into
 * narratives and raw records. A plaintext control store shows the scan finds what is there.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BaseeratError, SeededRng, incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { openEmbedded } from '../../src/api/embedded.js';
import { registerDemo } from '../../src/cli/commands/demo.js';
import { MASTER_KEY_FILE } from '../../src/cli/commands/serve.js';
import { loadMasterKey, MASTER_KEY_ENV } from '../../src/security/master-key.js';
import { reencryptStore, STORE_DATASET } from '../../src/security/store-keys.js';
import { openStore } from '../../src/store/index.js';
import { report } from '../store/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-at-rest-'));
const db = join(dir, 'store', 'baseerat.duckdb');
const now = new Date('2026-03-01T00:00:00Z');
const actor = { id: 'test', from: 'test' };
let master: Buffer;
const savedEnv = process.env[MASTER_KEY_ENV];

/** Names a victim, a suspect and a witness would carry in a narrative or a raw record. */
const NAMES = ['Abdul Ghafoor Zehri', 'Mir Hazar Khan Bijarani', 'Shah Bibi Marri', 'Gul Muhammad Raisani'];

/** The bytes of the database file and, when present, its write-ahead log. */
function databaseBytes(file: string): Buffer[] {
  return [file, `${file}.wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
}

/**
 * Which of `needles` (at least 8 bytes each) occur in any of the buffers, as UTF-8 bytes: one pass
 * per buffer with a rolling hash of 8-byte windows (Rabin-Karp), every hash hit checked byte for
 * byte. A thousand `Buffer.includes` over a 40 MB file took most of a minute.
 */
function found(buffers: readonly Buffer[], needles: readonly string[]): string[] {
  const W = 8, B = 257;
  let pow = 1;
  for (let k = 0; k < W - 1; k++) pow = Math.imul(pow, B);
  const hashOf = (b: Uint8Array, at: number) => { let h = 0; for (let k = 0; k < W; k++) h = (Math.imul(h, B) + b[at + k]!) | 0; return h; };
  const byHash = new Map<number, Buffer[]>();
  for (const n of needles) {
    const nb = Buffer.from(n, 'utf8');
    if (nb.length < W) throw new Error(`needle ${JSON.stringify(n)} is shorter than ${W} bytes`);
    const h = hashOf(nb, 0);
    byHash.set(h, [...(byHash.get(h) ?? []), nb]);
  }
  const hits = new Set<string>();
  for (const buf of buffers) {
    if (buf.length < W) continue;
    let h = hashOf(buf, 0);
    for (let i = 0; ; i++) {
      const cands = byHash.get(h);
      if (cands !== undefined) for (const nb of cands) if (buf.compare(nb, 0, nb.length, i, i + nb.length) === 0) hits.add(nb.toString('utf8'));
      if (i + W >= buf.length) break;
      h = (Math.imul(h - Math.imul(buf[i]!, pow), B) + buf[i + W]!) | 0;
    }
  }
  return needles.filter((n) => hits.has(n));
}

function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  const rng = new SeededRng(seed);
  const a = [...items];
  for (let i = 0; i < n && i < a.length; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

const named = (sourceId: string, name: string): Report => {
  const r = report({ sourceId, agency: 'police', narrative: `Witness ${name} saw the attack on the checkpoint`, district: 'Quetta', province: 'Balochistan' });
  r.source.raw = `FIR-${sourceId},2024-03-01,Quetta,"complainant ${name}"`;
  return r;
};
const single = (r: Report) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] });

async function rawSql(file: string, sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

beforeAll(async () => {
  delete process.env[MASTER_KEY_ENV];
  const program = new Command().exitOverride();
  registerDemo(program);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await program.parseAsync(['demo', '--db', db, '--feed-dir', join(dir, 'feed'), '--json', '--quiet'], { from: 'user' });
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  master = await loadMasterKey({ keyFile: join(dir, 'store', MASTER_KEY_FILE) });
}, 120_000);

afterAll(() => {
  if (savedEnv !== undefined) process.env[MASTER_KEY_ENV] = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

describe('encryption at rest of the incident store', () => {
  it('the demo created the master key beside the store (mode 600) and stored every sensitive value as ciphertext', async () => {
    // a report's raw record and narrative are one value (reports.raw, layout 2; its narrative column NULL);
    // an incident keeps a narrative of its own only when it has several reports
    const counts = await rawSql(db, `SELECT
        (SELECT count(*) FROM incidents), (SELECT count(narrative) FROM incidents), (SELECT count(*) FROM incidents WHERE NOT starts_with(narrative, 'v1:incidents.v1:')),
        (SELECT count(*) FROM reports), (SELECT count(*) FROM reports WHERE NOT starts_with(raw, 'v1:incidents.v1:') OR NOT starts_with(narrative, 'v1:incidents.v1:')),
        (SELECT count(*) FROM quarantine), (SELECT count(*) FROM quarantine WHERE NOT starts_with(raw, 'v1:incidents.v1:')),
        (SELECT count(*) FROM reports WHERE layout = 2 AND narrative IS NULL), (SELECT count(*) FROM incidents WHERE narrative IS NOT NULL AND source_count < 2)`);
    const [incidents, narratives, plainNarratives, reports, plainReports, quarantined, plainQuarantine, oneValue, singleWithOwn] = counts[0]!.map(Number);
    expect(incidents).toBeGreaterThan(15_000);
    expect(narratives).toBeGreaterThan(1_000);
    expect(reports).toBeGreaterThan(incidents!);
    expect(oneValue).toBe(reports);
    expect(singleWithOwn).toBe(0);
    expect(quarantined).toBeGreaterThan(50);
    expect([plainNarratives, plainReports, plainQuarantine]).toEqual([0, 0, 0]);
  });

  it('none of 1,000 sampled narratives, no quarantined line and no name appears in the database file or its WAL', async () => {
    const e = await openEmbedded(db, master, now, { duckdb: { checkpoint_threshold: '1GB' } });
    const narratives = new Set<string>();
    try {
      for (let offset = 0; ; offset += 5000) {
        const page = await e.store.listIncidents({}, { offset, limit: 5000 });
        for (const inc of page.items) if (inc.narrative !== undefined && inc.narrative.length >= 8) narratives.add(inc.narrative);
        if (offset + 5000 >= page.total) break;
      }
      const quarantine = (await e.store.listQuarantine({ offset: 0, limit: 10_000 })).items.map((q) => q.raw).filter((r) => r.length >= 8);
      // names written now stay in the WAL (checkpoint threshold 1 GB) until close: both are scanned
      await e.store.writeBatch({ newIncidents: NAMES.map((n, i) => single(named(`N${i}`, n))), attachments: [], quarantine: [] });
      expect((await e.store.getIncident(incidentIdFor('police:N0')))?.narrative).toContain(NAMES[0]);
      const sampled = sample([...narratives].sort(), 1000, 20260301);
      expect(sampled).toHaveLength(1000);
      expect(quarantine.length).toBeGreaterThan(50);
      const whileOpen = databaseBytes(db);
      expect(whileOpen).toHaveLength(2);
      expect(found(whileOpen, [...sampled, ...quarantine, ...NAMES])).toEqual([]);
      await e.close();
      expect(found(databaseBytes(db), [...sampled, ...quarantine, ...NAMES])).toEqual([]);
    } finally {
      await e.close().catch(() => undefined);
    }
  }, 60_000);

  it('control: the same scan finds names in a plaintext store, in the WAL and in the uncompressed file', async () => {
    const file = join(dir, 'plain', 'plain.duckdb');
    const s = await openStore(file, { duckdb: { checkpoint_threshold: '1GB', force_compression: 'uncompressed' } });
    await s.writeBatch({ newIncidents: NAMES.map((n, i) => single(named(`P${i}`, n))), attachments: [], quarantine: [] });
    expect(found(databaseBytes(file), NAMES)).toEqual(NAMES);
    await s.close();
    expect(found(databaseBytes(file), NAMES)).toEqual(NAMES);
  });

  it('a wrong master key fails with a clear error, and so does an encrypted store opened without one', async () => {
    const wrong = openEmbedded(db, randomBytes(32), now);
    await expect(wrong).rejects.toBeInstanceOf(BaseeratError);
    await expect(wrong).rejects.toThrow(/does not unwrap: wrong master key/);
    // without any key: analyses (columns) work, sensitive text neither reads nor writes
    const s = await openStore(db);
    try {
      expect((await s.readColumns({})).length).toBeGreaterThan(15_000);
      const first = (await s.readColumns({})).id[0]!;
      await expect(s.getIncident(first)).rejects.toThrow(/encrypted; open it with the master key/);
      await expect(s.writeBatch({ newIncidents: [single(named('X1', 'Someone Else'))], attachments: [], quarantine: [] })).rejects.toThrow(/encrypted; open it with the master key/);
    } finally {
      await s.close();
    }
  });

  it('rotation: old data stays readable, new data is written under the new key, re-encryption in batches leaves nothing behind', async () => {
    const e = await openEmbedded(db, master, now);
    try {
      const before = await e.store.getIncident(incidentIdFor('police:N1'));
      expect(before?.narrative).toContain(NAMES[1]);
      expect(await e.security.keys.rotate(STORE_DATASET, now)).toBe('incidents.v2');
      expect((await e.store.getIncident(incidentIdFor('police:N1')))?.narrative).toBe(before?.narrative);
      await e.store.writeBatch({ newIncidents: [single(named('R1', 'Naseem Jan'))], attachments: [], quarantine: [] });
      const progress: number[] = [];
      const r = await reencryptStore(e.store, e.security.audit, actor, () => now, { batch: 10_000, onProgress: (p) => progress.push(p.remaining) });
      expect(r.remaining).toBe(0);
      expect(r.batches).toBeGreaterThan(2);
      // remaining falls batch by batch
      expect(progress).toEqual([...progress].sort((a, b) => b - a));
      expect((await e.store.getIncident(incidentIdFor('police:N1')))?.narrative).toBe(before?.narrative);
      expect((await e.store.reportsOf(incidentIdFor('police:R1')))[0]?.source.raw).toContain('Naseem Jan');
      expect(await e.store.reencryptBatch!(100)).toEqual({ rewritten: 0, remaining: 0 });
      const audit = (await e.security.auditStore.read(0, await e.security.auditStore.size())).map((a) => JSON.parse(a.entry) as { action: string; outcome: string });
      expect(audit.some((a) => a.action === 'keys.reencrypt' && a.outcome === 'success')).toBe(true);
    } finally {
      await e.close();
    }
    const left = await rawSql(db, `SELECT
        (SELECT count(*) FROM incidents WHERE narrative IS NOT NULL AND NOT starts_with(narrative, 'v1:incidents.v2:')),
        (SELECT count(*) FROM reports WHERE NOT starts_with(raw, 'v1:incidents.v2:') OR NOT starts_with(narrative, 'v1:incidents.v2:')),
        (SELECT count(*) FROM quarantine WHERE NOT starts_with(raw, 'v1:incidents.v2:'))`);
    expect(left[0]!.map(Number)).toEqual([0, 0, 0]);
  }, 60_000);

  it('a tampered or swapped ciphertext fails authentication, naming the record and field', async () => {
    const a = incidentIdFor('police:N2'), b = incidentIdFor('police:N3');
    // an incident of several reports, whose consolidated narrative is a value of its own
    const multi = (await rawSql(db, `SELECT id FROM incidents WHERE narrative IS NOT NULL ORDER BY id LIMIT 2`)).map((r) => String(r[0]));
    expect(multi).toHaveLength(2);
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    // flip one character of the ciphertext body of N2's record (raw and narrative); give N3 the record of N0
    await conn.run(`UPDATE reports SET raw = left(raw, length(raw) - 3) || CASE WHEN substr(raw, length(raw) - 2, 1) = 'A' THEN 'B' ELSE 'A' END || right(raw, 2) WHERE agency = 'police' AND source_id = 'N2'`);
    await conn.run(`UPDATE reports SET raw = (SELECT raw FROM reports WHERE agency = 'police' AND source_id = 'N0') WHERE agency = 'police' AND source_id = 'N3'`);
    // and the same to an incident narrative
    await conn.run(`UPDATE incidents SET narrative = left(narrative, length(narrative) - 3) || CASE WHEN substr(narrative, length(narrative) - 2, 1) = 'A' THEN 'B' ELSE 'A' END || right(narrative, 2) WHERE id = '${multi[0]}'`);
    await conn.run(`UPDATE incidents SET narrative = (SELECT narrative FROM incidents WHERE id = '${multi[1]}') WHERE id = '${multi[0]}'`);
    conn.closeSync();
    inst.closeSync();
    const e = await openEmbedded(db, master, now);
    try {
      await expect(e.store.getIncident(a)).rejects.toThrow(/record police:N2 field reports\.record: ciphertext fails authentication/);
      await expect(e.store.getIncident(b)).rejects.toThrow(/record police:N3 field reports\.record: ciphertext fails authentication/);
      await expect(e.store.reportsOf(b)).rejects.toThrow(/record police:N3 field reports\.record: ciphertext fails authentication/);
      await expect(e.store.getIncident(multi[0]!)).rejects.toThrow(new RegExp(`record ${multi[0]} field incidents\\.narrative: ciphertext fails authentication`));
      // the untouched record still reads
      expect((await e.store.getIncident(incidentIdFor('police:N0')))?.narrative).toContain(NAMES[0]);
    } finally {
      await e.close();
    }
  });
});

describe('a store filled before encryption was switched on', () => {
  it('reads fail until `keys reencrypt --encrypt-plaintext`, which refuses plaintext without the flag', async () => {
    const file = join(dir, 'legacy', 'legacy.duckdb');
    const plain = await openStore(file);
    const rs = NAMES.map((n, i) => named(`L${i}`, n));
    await plain.writeBatch({ newIncidents: rs.map(single), attachments: [], quarantine: [{ runId: 'r1', agency: 'police', origin: 'old.csv', line: 7, raw: 'bad,line,Shah Bibi Marri', reasons: [] }] });
    await plain.close();
    const key = randomBytes(32);
    const e = await openEmbedded(file, key, now);
    try {
      const id = incidentIdFor('police:L0');
      await expect(e.store.getIncident(id)).rejects.toThrow(/record police:L0 field reports\.record: not a v1 ciphertext \(a store filled before encryption at rest was switched on\? run `baseerat keys reencrypt --encrypt-plaintext`/);
      await expect(reencryptStore(e.store, e.security.audit, actor, () => now)).rejects.toThrow(/not a v1 ciphertext/);
      const r = await reencryptStore(e.store, e.security.audit, actor, () => now, { batch: 2, encryptPlaintext: true });
      // 4 report records (raw and narrative as one value; the one-report incidents keep no narrative of their own), 1 quarantined line
      expect(r).toEqual({ batches: 3, rewritten: 5, remaining: 0 });
      expect((await e.store.getIncident(id))?.narrative).toContain(NAMES[0]);
      expect((await e.store.listQuarantine({ offset: 0, limit: 5 })).items[0]?.raw).toBe('bad,line,Shah Bibi Marri');
    } finally {
      await e.close();
    }
    // Known limit, stated in docs/security.md: DuckDB leaves the replaced plaintext in freed blocks
    // of the file; only rewriting the file into a new one removes it. If this starts failing,
    // DuckDB overwrites freed blocks now and the documentation should say so.
    expect(found(databaseBytes(file), NAMES).length).toBeGreaterThan(0);
  });
});
