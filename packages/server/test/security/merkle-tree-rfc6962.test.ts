import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ref from '../fixtures/reference/rfc6962.json' with { type: 'json' };
import {
  EMPTY_TREE_ROOT, consistencyProof, inclusionProof, leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion,
} from '../../src/security/merkle-tree-rfc6962.js';

const leaves = ref.leavesHex.map((h) => leafHash(Buffer.from(h, 'hex')));
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

// Recalled from the Certificate Transparency reference test data (the 8-leaf tree); the Python
// reference output is the primary check, these constants are a second, independent one.
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 Merkle tree', () => {
  it('empty tree hash is SHA-256 of the empty string', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(ref.emptyRoot).toBe(EMPTY_TREE_ROOT.toString('hex'));
    expect(rootFromLeafHashes([]).toString('hex')).toBe(ref.emptyRoot);
  });

  it('reproduces the roots of the 8-leaf CT test tree (Python reference and CT constants)', () => {
    for (const { size, root } of ref.roots) {
      expect(rootFromLeafHashes(leaves, size).toString('hex')).toBe(root);
      expect(root).toBe(CT_ROOTS[size - 1]);
    }
  });

  it('reproduces every inclusion proof and verifies it; a wrong leaf or index fails', () => {
    for (const { index, size, path } of ref.inclusion) {
      const proof = inclusionProof(index, leaves, size);
      expect(hex(proof)).toEqual(path);
      const root = rootFromLeafHashes(leaves, size);
      expect(verifyInclusion(index, size, leaves[index]!, proof, root)).toBe(true);
      const other = leaves[(index + 1) % 8]!;
      expect(verifyInclusion(index, size, other, proof, root)).toBe(false);
      if (size > 1) expect(verifyInclusion((index + 1) % size, size, leaves[index]!, proof, root)).toBe(false);
    }
  });

  it('reproduces every consistency proof and verifies it; a wrong old root fails', () => {
    for (const c of ref.consistency) {
      const proof = consistencyProof(c.from, c.to, leaves);
      expect(hex(proof)).toEqual(c.proof);
      const r1 = rootFromLeafHashes(leaves, c.from), r2 = rootFromLeafHashes(leaves, c.to);
      expect(verifyConsistency(c.from, c.to, r1, r2, proof)).toBe(true);
      const wrong = rootFromLeafHashes(leaves, c.from === 1 ? 2 : 1);
      expect(verifyConsistency(c.from, c.to, wrong, r2, proof)).toBe(false);
      const flipped = Buffer.from(r2); flipped[0] = flipped[0]! ^ 1;
      expect(verifyConsistency(c.from, c.to, r1, flipped, proof)).toBe(false);
    }
  });

  it('proofs verify for random trees up to 100 leaves (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.nat(), fc.nat(), (n, a, b) => {
        const ls = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
        const i = a % n;
        const root = rootFromLeafHashes(ls);
        expect(verifyInclusion(i, n, ls[i]!, inclusionProof(i, ls), root)).toBe(true);
        const m = (b % n) + 1;
        expect(verifyConsistency(m, n, rootFromLeafHashes(ls, m), root, consistencyProof(m, n, ls))).toBe(true);
      }),
      { seed: 6962, numRuns: 200 },
    );
  });
});
