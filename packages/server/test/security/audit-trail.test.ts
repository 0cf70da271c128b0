import { mkdtemp, readdir, rm, unlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, InMemoryAuditStore, decodeAuditEntry, encodeAuditEntry, type StoredAuditEntry } from '../../src/security/audit-log.js';
import {
  exportCheckpoint, generateAuditSigningKeys, proveCheckpointConsistency, proveEntryInclusion, readCheckpoints, verifyAuditTrail,
} from '../../src/security/audit-checkpoints.js';
import { leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion } from '../../src/security/merkle-tree-rfc6962.js';

const keys = generateAuditSigningKeys();
const t0 = Date.parse('2026-01-01T00:00:00Z');
let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'baseerat-audit-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function filledLog(n: number, checkpointEvery = 10): Promise<{ store: InMemoryAuditStore; log: AuditLog }> {
  const store = new InMemoryAuditStore();
  const log = new AuditLog(store);
  for (let i = 0; i < n; i++) {
    await log.record({
      actor: `user${i % 4}`, action: i % 3 === 0 ? 'auth.login' : 'data.read', target: `inc_${i}`, from: '10.0.0.' + (i % 7),
      outcome: i % 5 === 0 ? 'failure' : 'success', details: { n: i },
    }, new Date(t0 + i * 1000));
    if ((i + 1) % checkpointEvery === 0) await exportCheckpoint(store, dir, keys.privateKeyPem, new Date(t0 + i * 1000));
  }
  return { store, log };
}

describe('audit trail', () => {
  it('an untouched log verifies; entries after the last checkpoint are counted as unverified', async () => {
    const { store } = await filledLog(35);
    const v = await verifyAuditTrail(store, dir, keys.publicKeyPem);
    expect(v).toMatchObject({ ok: true, entries: 35, checkpoints: 3, checkpointed: 30, unverifiedTail: 5 });
    const cps = await readCheckpoints(dir);
    const leaves = store.rows.slice(0, 30).map((r) => leafHash(Buffer.from(r.entry)));
    expect(cps[2]!.rootHash).toBe(rootFromLeafHashes(leaves).toString('hex'));
  });

  it('detects every single-byte edit at every byte position of several entries and names the entry', async () => {
    const { store } = await filledLog(30);
    let tried = 0, detected = 0;
    for (const idx of [0, 13, 29]) {
      const original = store.rows[idx]!.entry;
      for (let p = 0; p < original.length; p++) {
        const c = original.charCodeAt(p);
        store.rows[idx] = { seq: idx, entry: original.slice(0, p) + String.fromCharCode(c ^ 0x01) + original.slice(p + 1) };
        const v = await verifyAuditTrail(store, dir, keys.publicKeyPem);
        tried++;
        if (!v.ok && v.firstBadIndex === idx && v.problem === 'edited') detected++;
      }
      store.rows[idx] = { seq: idx, entry: original };
    }
    console.info(`audit: ${detected} of ${tried} single-byte edits detected and located`);
    expect(tried).toBeGreaterThan(300);
    expect(detected).toBe(tried);
    expect((await verifyAuditTrail(store, dir, keys.publicKeyPem)).ok).toBe(true);
  });

  it('detects an edit whose attacker recomputed every hash kept in the database', async () => {
    const { store } = await filledLog(20);
    // The attacker rewrites entry 7 cleanly (valid canonical JSON, same seq) and "re-chains" by
    // recomputing whatever digests they can; none of that reaches the signed files.
    const e = decodeAuditEntry(store.rows[7]!.entry);
    store.rows[7] = { seq: 7, entry: encodeAuditEntry({ ...e, outcome: 'success', actor: 'someone-else' }) };
    const v = await verifyAuditTrail(store, dir, keys.publicKeyPem);
    expect(v).toMatchObject({ ok: false, firstBadIndex: 7, problem: 'edited' });
    // Going further, the attacker rewrites the checkpoint files too: new leaf hash, new roots, all
    // consistent; only the signatures cannot be redone without the private key.
    const names = (await readdir(dir)).filter((n) => n.startsWith('checkpoint-')).sort();
    const leaves = store.rows.map((r) => leafHash(Buffer.from(r.entry)));
    for (const n of names) {
      const cp = JSON.parse(await readFile(join(dir, n), 'utf8'));
      cp.leafHashes = leaves.slice(cp.prevSize, cp.treeSize).map((h: Buffer) => h.toString('hex'));
      cp.rootHash = rootFromLeafHashes(leaves, cp.treeSize).toString('hex');
      await writeFile(join(dir, n), JSON.stringify(cp));
    }
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad-checkpoint', message: expect.stringMatching(/bad signature/) });
  });

  it('detects and names deletion, insertion, reordering and truncation', async () => {
    const { store } = await filledLog(20);
    const rows = store.rows.map((r) => ({ ...r }));
    const reset = () => { store.rows.length = 0; store.rows.push(...rows.map((r) => ({ ...r }))); };

    store.rows.splice(5, 1);
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: 5, problem: 'deleted' });
    reset();
    store.rows.splice(9, 0, { seq: 9, entry: rows[3]!.entry });
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: 9, problem: 'inserted' });
    reset();
    [store.rows[11], store.rows[12]] = [store.rows[12]!, store.rows[11]!];
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: 11, problem: 'reordered' });
    reset();
    store.rows.length = 14;
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, firstBadIndex: 14, problem: 'truncated' });
    reset();
    expect((await verifyAuditTrail(store, dir, keys.publicKeyPem)).ok).toBe(true);
  });

  it('rejects forged, re-signed-by-another-key, or missing checkpoint files', async () => {
    const { store } = await filledLog(30);
    const names = (await readdir(dir)).sort();
    const middle = join(dir, names[1]!);
    const saved = await readFile(middle, 'utf8');
    const cp = JSON.parse(saved);
    cp.leafHashes[0] = '00'.repeat(32);
    await writeFile(middle, JSON.stringify(cp));
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad-checkpoint' });
    await unlink(middle);
    expect(await verifyAuditTrail(store, dir, keys.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad-checkpoint' });
    await writeFile(middle, saved);
    const other = generateAuditSigningKeys();
    expect(await verifyAuditTrail(store, dir, other.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad-checkpoint' });
    expect((await verifyAuditTrail(store, dir, keys.publicKeyPem)).ok).toBe(true);
  });

  it('refuses to sign a new checkpoint over a truncated log, and reading the log is itself audited', async () => {
    const { store, log } = await filledLog(10);
    const before = await store.size();
    const got = await log.readAs({ actor: 'aud1', from: '10.1.1.1' }, 0, 5, new Date(t0 + 99_000));
    expect(got.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(await store.size()).toBe(before + 1);
    expect(decodeAuditEntry(store.rows[before]!.entry)).toMatchObject({ actor: 'aud1', action: 'audit.view', outcome: 'success' });
    store.rows.length = 5;
    await expect(exportCheckpoint(store, dir, keys.privateKeyPem, new Date(t0))).rejects.toThrow(/truncated/);
  });
});

describe('proofs for third parties', () => {
  it('an entry inclusion proof and the consistency proof between checkpoints verify against the signed roots', async () => {
    const { store } = await filledLog(30);
    const hex = (xs: string[]) => xs.map((x) => Buffer.from(x, 'hex'));
    for (const i of [0, 7, 29]) {
      const p = await proveEntryInclusion(dir, keys.publicKeyPem, i);
      expect(p.leafHash).toBe(leafHash(Buffer.from(store.rows[i]!.entry)).toString('hex'));
      expect(verifyInclusion(i, p.treeSize, leafHash(Buffer.from(store.rows[i]!.entry)), hex(p.path), Buffer.from(p.rootHash, 'hex'))).toBe(true);
      expect(verifyInclusion(i, p.treeSize, leafHash(Buffer.from(store.rows[(i + 1) % 30]!.entry)), hex(p.path), Buffer.from(p.rootHash, 'hex'))).toBe(false);
    }
    const c = await proveCheckpointConsistency(dir, keys.publicKeyPem, 10, 30);
    expect(verifyConsistency(10, 30, Buffer.from(c.fromRoot, 'hex'), Buffer.from(c.toRoot, 'hex'), hex(c.proof))).toBe(true);
    await expect(proveEntryInclusion(dir, keys.publicKeyPem, 30)).rejects.toThrow(/not covered/);
    await expect(proveCheckpointConsistency(dir, keys.publicKeyPem, 10, 25)).rejects.toThrow(/no checkpoints/);
  });
});

describe('audit log batching', () => {
  it('recordMany appends consecutive entries in one call, interleaved correctly with record', async () => {
    const store = new InMemoryAuditStore();
    const log = new AuditLog(store);
    const ev = (target: string) => ({ actor: 'u', action: 'data.read' as const, target, from: 'x', outcome: 'success' as const });
    const [a, many, b] = await Promise.all([
      log.record(ev('a'), new Date(t0)), log.recordMany([ev('m1'), ev('m2'), ev('m3')], new Date(t0)), log.record(ev('b'), new Date(t0)),
    ]);
    expect([a.seq, ...many.map((e) => e.seq), b.seq]).toEqual([0, 1, 2, 3, 4]);
    expect(store.rows.map((r) => decodeAuditEntry(r.entry).target)).toEqual(['a', 'm1', 'm2', 'm3', 'b']);
  });
  /** An in-memory store whose appends wait until the test releases them (or makes them fail), counting them. */
  class HeldStore extends InMemoryAuditStore {
    appends = 0;
    private gates: { release: () => void; fail: (e: Error) => void }[] = [];
    override async append(entries: readonly StoredAuditEntry[]): Promise<void> {
      this.appends++;
      await new Promise<void>((release, fail) => { this.gates.push({ release, fail }); });
      await super.append(entries);
    }
    /** Lets the oldest waiting append go on (or fail), once one is waiting. */
    async next(outcome: 'release' | Error): Promise<void> {
      while (this.gates.length === 0) await new Promise((r) => setTimeout(r, 1));
      const g = this.gates.shift()!;
      if (outcome === 'release') g.release(); else g.fail(outcome);
    }
  }
  const ev = (target: string) => ({ actor: 'u', action: 'data.read' as const, target, from: 'x', outcome: 'success' as const });

  it('group commit: the calls that wait behind an append go in together, each contiguous, in order, and resolve only once stored', async () => {
    const store = new HeldStore();
    const log = new AuditLog(store);
    const settled: string[] = [];
    const track = <T>(name: string, p: Promise<T>) => p.then((v) => { settled.push(name); return v; });
    const first = track('first', log.record(ev('a'), new Date(t0)));
    // nine calls arrive while the first append is held
    const waiting = Array.from({ length: 9 }, (_, i) => track(`w${i}`, i % 3 === 0
      ? log.recordMany([ev(`w${i}.0`), ev(`w${i}.1`), ev(`w${i}.2`)], new Date(t0 + i))
      : log.recordMany([ev(`w${i}`)], new Date(t0 + i))));
    await new Promise((r) => setTimeout(r, 5));
    expect(store.appends).toBe(1);
    expect(settled).toEqual([]);
    await store.next('release');
    expect((await first).seq).toBe(0);
    // the nine now make one append, held: none of them has resolved before it is stored
    await new Promise((r) => setTimeout(r, 5));
    expect(store.appends).toBe(2);
    expect(settled).toEqual(['first']);
    expect(store.rows).toHaveLength(1);
    await store.next('release');
    const entries = await Promise.all(waiting);
    expect(store.appends).toBe(2);
    const targets = store.rows.map((r) => decodeAuditEntry(r.entry).target);
    expect(targets).toEqual(['a', 'w0.0', 'w0.1', 'w0.2', 'w1', 'w2', 'w3.0', 'w3.1', 'w3.2', 'w4', 'w5', 'w6.0', 'w6.1', 'w6.2', 'w7', 'w8']);
    // each call got exactly its own stored entries, with its own time
    entries.forEach((list, i) => {
      for (const e of list) {
        expect(store.rows[e.seq]!.entry).toBe(encodeAuditEntry(e));
        expect(e.at).toBe(new Date(t0 + i).toISOString());
      }
    });
    expect(store.rows.map((r) => r.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('group commit: when the append fails, every call in it fails and nothing of it is stored; the log goes on after', async () => {
    const store = new HeldStore();
    const log = new AuditLog(store);
    const first = log.record(ev('a'), new Date(t0));
    const group = [log.record(ev('b'), new Date(t0)), log.recordMany([ev('c'), ev('d')], new Date(t0))];
    await store.next('release');
    await first;
    await store.next(new Error('disk full'));
    for (const p of group) await expect(p).rejects.toThrow('disk full');
    const after = log.record(ev('e'), new Date(t0));
    await store.next('release');
    expect((await after).seq).toBe(1);
    expect(store.rows.map((r) => decodeAuditEntry(r.entry).target)).toEqual(['a', 'e']);
  });
});
