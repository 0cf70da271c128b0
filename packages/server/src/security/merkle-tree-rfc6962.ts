/**
 * Merkle tree hashing of RFC 6962 §2.1 (Certificate Transparency), used to make the audit trail
 * tamper-evident: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right), the empty
 * tree hashes to SHA-256(""). Also the audit path (inclusion proof, §2.1.1) and consistency proof
 * (§2.1.2), and their verification as specified in RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 * Units: 32-byte hashes as Buffers. Complexity: a root over n leaf hashes costs n-1 node hashes and
 * O(log n) stack; a proof costs O(n) hashes to build (we have no stored interior nodes) and
 * O(log n) to verify.
 *
 * Reading: a root equal to a signed checkpoint's root proves the first `size` entries are exactly
 * those that were checkpointed; a verified consistency proof proves a later tree extends an
 * earlier one without rewriting it.
 *
 * Checked against scripts/reference/rfc6962.py (Python hashlib) and the CT reference test tree.
 */
import { hash } from 'node:crypto';

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function sha256(...parts: Uint8Array[]): Hash {
  // One-shot crypto.hash is about a third faster than a createHash object per hash.
  return hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
}

export function leafHash(entry: Uint8Array): Hash {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return sha256(NODE_PREFIX, left, right);
}

export const EMPTY_TREE_ROOT: Hash = sha256(new Uint8Array(0));

/** The largest power of two strictly smaller than n (n >= 2): the split point of RFC 6962. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaves[start, end), given their leaf hashes. */
function subtreeRoot(leaves: readonly Hash[], start: number, end: number): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_ROOT;
  if (n === 1) return leaves[start]!;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** Root hash of the tree whose leaves have these leaf hashes (first `size` of them; all by default). */
export function rootFromLeafHashes(leaves: readonly Hash[], size: number = leaves.length): Hash {
  if (size < 0 || size > leaves.length) throw new RangeError(`size ${size} outside 0..${leaves.length}`);
  return subtreeRoot(leaves, 0, size);
}

/** Audit path for leaf `index` in the tree of the first `size` leaves (RFC 6962 PATH(m, D[n])). */
export function inclusionProof(index: number, leaves: readonly Hash[], size: number = leaves.length): Hash[] {
  if (!(index >= 0 && index < size && size <= leaves.length)) {
    throw new RangeError(`inclusion proof: index ${index} not in a tree of size ${size}`);
  }
  const out: Hash[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) { walk(m, start, start + k); out.push(subtreeRoot(leaves, start + k, end)); }
    else { walk(m - k, start + k, end); out.push(subtreeRoot(leaves, start, start + k)); }
  };
  walk(index, 0, size);
  return out;
}

/** Consistency proof between the tree of the first `from` leaves and that of the first `to` (RFC 6962 PROOF(m, D[n])). */
export function consistencyProof(from: number, to: number, leaves: readonly Hash[]): Hash[] {
  if (!(from >= 0 && from <= to && to <= leaves.length)) {
    throw new RangeError(`consistency proof: sizes ${from} -> ${to} invalid for ${leaves.length} leaves`);
  }
  if (from === 0 || from === to) return [];
  const out: Hash[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) { if (!whole) out.push(subtreeRoot(leaves, start, end)); return; }
    const k = splitPoint(n);
    if (m <= k) { sub(m, start, start + k, whole); out.push(subtreeRoot(leaves, start + k, end)); }
    else { sub(m - k, start + k, end, false); out.push(subtreeRoot(leaves, start, start + k)); }
  };
  sub(from, 0, to, true);
  return out;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with hash `leaf` at `index` in a tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index, sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (`to`, `toRoot`) extends the tree (`from`, `fromRoot`)? */
export function verifyConsistency(
  from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[],
): boolean {
  if (from < 0 || to < from) return false;
  const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (from === to) return proof.length === 0 && eq(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path: Uint8Array[] = [...proof];
  if ((from & (from - 1)) === 0) path.unshift(fromRoot);
  let fn = from - 1, sn = to - 1;
  while ((fn & 1) === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr: Uint8Array = path[0]!, sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if ((fn & 1) === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return eq(fr, fromRoot) && eq(sr, toRoot) && sn === 0;
}
