/**
 * Signed tree heads ("checkpoints") of the audit trail, written as files outside the database,
 * and the verifier that checks the database against them.
 *
 * A checkpoint file `checkpoint-<treeSize>.json` holds the tree size, the RFC 6962 root, the UTC
 * time, the leaf hashes of the entries added since the previous checkpoint, and an Ed25519
 * signature over all of that. Keeping the leaf hashes (32 bytes per entry) outside the database
 * is what lets `verifyAuditTrail` name the first bad entry exactly rather than only say that a
 * root differs. The operator keeps the directory on other media (see docs/security.md) and pins
 * the public key; the private key never enters the database.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import type { AuditStore } from './audit-log.js';
import { decodeAuditEntry } from './audit-log.js';
import { consistencyProof, inclusionProof, leafHash, rootFromLeafHashes, sha256, verifyConsistency, type Hash } from './merkle-tree-rfc6962.js';

export const CHECKPOINT_FORMAT = 'baseerat-audit-checkpoint/v1';

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  treeSize: number;
  prevSize: number;
  /** hex */
  rootHash: string;
  /** ISO UTC */
  timestamp: string;
  /** First 16 hex digits of SHA-256 of the public key (SPKI DER). */
  keyId: string;
  /** hex leaf hashes of entries prevSize..treeSize-1 */
  leafHashes: string[];
  /** base64 Ed25519 signature over `signedMessage(...)` */
  signature: string;
}

export interface AuditSigningKeys { privateKeyPem: string; publicKeyPem: string }

export function generateAuditSigningKeys(): AuditSigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex').slice(0, 16);
}

function signedMessage(c: Omit<Checkpoint, 'signature'>): Buffer {
  const leaves = sha256(...c.leafHashes.map((h) => Buffer.from(h, 'hex'))).toString('hex');
  return Buffer.from([c.format, c.treeSize, c.prevSize, c.rootHash, c.timestamp, c.keyId, leaves].join('\n'), 'utf8');
}

function fileName(treeSize: number): string {
  return `checkpoint-${String(treeSize).padStart(12, '0')}.json`;
}

export async function readCheckpoints(dir: string): Promise<Checkpoint[]> {
  let names: string[];
  try { names = await readdir(dir); } catch { return []; }
  const out: Checkpoint[] = [];
  for (const n of names.filter((x) => /^checkpoint-\d{12}\.json$/.test(x)).sort()) {
    out.push(JSON.parse(await readFile(join(dir, n), 'utf8')) as Checkpoint);
  }
  return out.sort((a, b) => a.treeSize - b.treeSize);
}

async function leafHashesOf(store: AuditStore, from: number, to: number): Promise<Hash[]> {
  const out: Hash[] = [];
  const BATCH = 10_000;
  for (let s = from; s < to; s += BATCH) {
    for (const r of await store.read(s, Math.min(to, s + BATCH))) out.push(leafHash(Buffer.from(r.entry, 'utf8')));
  }
  return out;
}

/**
 * Signs the current state of the log into a new checkpoint file in `dir` (atomic rename), after
 * checking that the existing checkpoints are intact. Returns the new checkpoint, or the latest one
 * when nothing was appended since.
 */
export async function exportCheckpoint(
  store: AuditStore, dir: string, privateKeyPem: string, now: Date,
): Promise<Checkpoint> {
  const priv = createPrivateKey(privateKeyPem);
  const pub = createPublicKey(priv);
  const existing = await readCheckpoints(dir);
  const chain = checkCheckpointChain(existing, pub);
  if (!chain.ok) throw new BaseeratError('CONFLICT', `audit checkpoints in ${dir} are not intact: ${chain.message}`, { field: 'checkpointDir' });
  const size = await store.size();
  const last = existing[existing.length - 1];
  const prevSize = last?.treeSize ?? 0;
  if (size < prevSize) throw new BaseeratError('CONFLICT', `audit log has ${size} entries but checkpoint covers ${prevSize}: truncated`, { field: 'treeSize' });
  if (last !== undefined && size === prevSize) return last;
  const fresh = await leafHashesOf(store, prevSize, size);
  const all = [...chain.leaves, ...fresh];
  const unsigned: Omit<Checkpoint, 'signature'> = {
    format: CHECKPOINT_FORMAT, treeSize: size, prevSize, rootHash: rootFromLeafHashes(all).toString('hex'),
    timestamp: now.toISOString(), keyId: keyIdOf(pub), leafHashes: fresh.map((h) => h.toString('hex')),
  };
  const cp: Checkpoint = { ...unsigned, signature: sign(null, signedMessage(unsigned), priv).toString('base64') };
  await mkdir(dir, { recursive: true });
  const target = join(dir, fileName(size));
  await writeFile(`${target}.tmp`, JSON.stringify(cp), { mode: 0o644 });
  await rename(`${target}.tmp`, target);
  return cp;
}

interface ChainCheck { ok: boolean; message: string; leaves: Hash[] }

/** Signatures, contiguity, roots and consistency of a list of checkpoints sorted by size. */
export function checkCheckpointChain(cps: readonly Checkpoint[], publicKey: KeyObject): ChainCheck {
  const leaves: Hash[] = [];
  const kid = keyIdOf(publicKey);
  let prev: { size: number; root: Buffer } | undefined;
  for (const cp of cps) {
    const { signature, ...unsigned } = cp;
    if (cp.format !== CHECKPOINT_FORMAT) return { ok: false, message: `checkpoint ${cp.treeSize}: unknown format ${cp.format}`, leaves };
    if (cp.keyId !== kid) return { ok: false, message: `checkpoint ${cp.treeSize}: signed by key ${cp.keyId}, expected ${kid}`, leaves };
    if (!verify(null, signedMessage(unsigned), publicKey, Buffer.from(signature, 'base64'))) {
      return { ok: false, message: `checkpoint ${cp.treeSize}: bad signature`, leaves };
    }
    if (cp.prevSize !== (prev?.size ?? 0) || cp.leafHashes.length !== cp.treeSize - cp.prevSize) {
      return { ok: false, message: `checkpoint ${cp.treeSize}: follows size ${cp.prevSize} but previous checkpoint has size ${prev?.size ?? 0} (a checkpoint file is missing)`, leaves };
    }
    for (const h of cp.leafHashes) leaves.push(Buffer.from(h, 'hex'));
    const root = rootFromLeafHashes(leaves);
    if (root.toString('hex') !== cp.rootHash) return { ok: false, message: `checkpoint ${cp.treeSize}: root does not match its leaf hashes`, leaves };
    if (prev !== undefined && !verifyConsistency(prev.size, cp.treeSize, prev.root, root, consistencyProof(prev.size, cp.treeSize, leaves))) {
      return { ok: false, message: `checkpoint ${cp.treeSize}: not consistent with checkpoint ${prev.size}`, leaves };
    }
    prev = { size: cp.treeSize, root };
  }
  return { ok: true, message: 'ok', leaves };
}

export type AuditProblem = 'edited' | 'inserted' | 'deleted' | 'reordered' | 'truncated' | 'bad-checkpoint' | 'bad-entry';

export interface AuditVerification {
  ok: boolean;
  /** Entries in the database. */
  entries: number;
  checkpoints: number;
  /** Entries covered by the latest checkpoint. */
  checkpointed: number;
  /** Entries after the latest checkpoint: checked for form and sequence only, not signed yet. */
  unverifiedTail: number;
  /** 0-based index of the first entry that differs from what was checkpointed. */
  firstBadIndex?: number;
  problem?: AuditProblem;
  message: string;
}

/** Checks the database's audit entries against the signed checkpoints in `dir`, with the pinned public key. */
export async function verifyAuditTrail(store: AuditStore, dir: string, publicKeyPem: string): Promise<AuditVerification> {
  const pub = createPublicKey(publicKeyPem);
  const cps = await readCheckpoints(dir);
  const entries = await store.size();
  const base = { entries, checkpoints: cps.length, checkpointed: cps[cps.length - 1]?.treeSize ?? 0 };
  const chain = checkCheckpointChain(cps, pub);
  if (!chain.ok) return { ...base, ok: false, unverifiedTail: 0, problem: 'bad-checkpoint', message: chain.message };
  const expected = chain.leaves;
  const actual = await leafHashesOf(store, 0, Math.min(entries, expected.length + 1));
  const eq = (i: number, j: number) => actual[i] !== undefined && expected[j] !== undefined && actual[i]!.equals(expected[j]!);
  for (let i = 0; i < expected.length; i++) {
    if (i >= entries) {
      return { ...base, ok: false, unverifiedTail: 0, firstBadIndex: i, problem: 'truncated', message: `entries from ${i} to ${expected.length - 1} were checkpointed but are missing` };
    }
    if (eq(i, i)) continue;
    let problem: AuditProblem = 'edited';
    if (eq(i, i + 1) && eq(i + 1, i)) problem = 'reordered';
    else if (eq(i, i + 1)) problem = 'deleted';
    else if (eq(i + 1, i)) problem = 'inserted';
    return { ...base, ok: false, unverifiedTail: 0, firstBadIndex: i, problem, message: `entry ${i} differs from checkpoint (${problem})` };
  }
  // Beyond the last checkpoint nothing is signed yet; still catch gaps and garbled rows.
  const BATCH = 10_000;
  for (let s = expected.length; s < entries; s += BATCH) {
    for (const r of await store.read(s, Math.min(entries, s + BATCH))) {
      let seq: unknown;
      try { seq = decodeAuditEntry(r.entry).seq; } catch { seq = undefined; }
      if (seq !== r.seq) return { ...base, ok: false, unverifiedTail: entries - expected.length, firstBadIndex: r.seq, problem: 'bad-entry', message: `entry ${r.seq} is not a well-formed entry with that sequence number` };
    }
  }
  const tail = entries - expected.length;
  return { ...base, ok: true, unverifiedTail: tail, message: tail === 0 ? 'all entries match the signed checkpoints' : `all checkpointed entries match; ${tail} newer entries not yet checkpointed` };
}

export interface EntryProof {
  index: number;
  treeSize: number;
  rootHash: string;
  leafHash: string;
  /** hex audit path, RFC 6962 §2.1.1 */
  path: string[];
}

/**
 * Proof that entry `index` is in the latest checkpoint, for showing one entry to a third party
 * who holds only the signed checkpoint: `verifyInclusion(index, treeSize, leafHash(entry), path, root)`.
 */
export async function proveEntryInclusion(dir: string, publicKeyPem: string, index: number): Promise<EntryProof> {
  const cps = await readCheckpoints(dir);
  const chain = checkCheckpointChain(cps, createPublicKey(publicKeyPem));
  if (!chain.ok) throw new BaseeratError('CONFLICT', `audit checkpoints in ${dir} are not intact: ${chain.message}`, { field: 'checkpointDir' });
  const last = cps[cps.length - 1];
  if (last === undefined || index < 0 || index >= last.treeSize) {
    throw new BaseeratError('VALIDATION', `entry ${index} is not covered by a checkpoint (latest covers ${last?.treeSize ?? 0})`, { field: 'index' });
  }
  return {
    index, treeSize: last.treeSize, rootHash: last.rootHash, leafHash: chain.leaves[index]!.toString('hex'),
    path: inclusionProof(index, chain.leaves).map((h) => h.toString('hex')),
  };
}

/** Consistency proof (RFC 6962 §2.1.2) between two checkpointed tree sizes. */
export async function proveCheckpointConsistency(dir: string, publicKeyPem: string, from: number, to: number): Promise<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }> {
  const cps = await readCheckpoints(dir);
  const chain = checkCheckpointChain(cps, createPublicKey(publicKeyPem));
  if (!chain.ok) throw new BaseeratError('CONFLICT', `audit checkpoints in ${dir} are not intact: ${chain.message}`, { field: 'checkpointDir' });
  const a = cps.find((c) => c.treeSize === from), b = cps.find((c) => c.treeSize === to);
  if (a === undefined || b === undefined || from > to) {
    throw new BaseeratError('VALIDATION', `no checkpoints of sizes ${from} and ${to} (have ${cps.map((c) => c.treeSize).join(', ')})`, { field: 'from' });
  }
  return { from, to, fromRoot: a.rootHash, toRoot: b.rootHash, proof: consistencyProof(from, to, chain.leaves).map((h) => h.toString('hex')) };
}
