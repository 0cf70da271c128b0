import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash52, IncidentSeqIndex } from '../../src/store/duckdb/hash-set-52.js';

describe('IncidentSeqIndex (id hash -> seq, and its block)', () => {
  it('answers the block of every id set, the last set winning, and nothing for ids never set (fast-check, fixed seed)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 300_000_000 })), { maxLength: 300 }),
      (ops) => {
        const index = new IncidentSeqIndex();
        const expected = new Map<string, number>();
        const expectedSeq = new Map<string, number>();
        for (const [k, seq] of ops) {
          const id = `inc_${k}`;
          index.set(hash52(id), seq);
          expected.set(id, Math.min(Math.floor(seq / IncidentSeqIndex.BLOCK_SEQS), IncidentSeqIndex.UNKNOWN_BLOCK));
          expectedSeq.set(id, seq);
        }
        expect(index.size).toBe(expected.size);
        for (const [id, block] of expected) expect(index.block(hash52(id))).toBe(block);
        for (const [id, seq] of expectedSeq) expect(index.seq(hash52(id))).toBe(seq);
        for (let k = 401; k < 450; k++) expect(index.has(hash52(`inc_${k}`))).toBe(false);
        for (let k = 401; k < 450; k++) expect(index.seq(hash52(`inc_${k}`))).toBeUndefined();
      },
    ), { seed: 20261127, numRuns: 200 });
  });

  it('keeps 200,000 ids through its growth, each seq inside the range of its block', () => {
    const index = new IncidentSeqIndex();
    for (let i = 0; i < 200_000; i++) index.set(hash52(`inc_${i}`), i * 7);
    for (let i = 0; i < 200_000; i += 997) {
      const [lo, hi] = IncidentSeqIndex.range(index.block(hash52(`inc_${i}`))!);
      expect(lo <= i * 7 && i * 7 <= hi).toBe(true);
      expect(hi - lo + 1).toBe(IncidentSeqIndex.BLOCK_SEQS);
      expect(index.seq(hash52(`inc_${i}`))).toBe(i * 7);
    }
    expect(index.size).toBe(200_000);
  });

  it('tells apart hashes that share their low 30 bits (the probe position)', () => {
    const index = new IncidentSeqIndex();
    const base = 123_456_789;
    index.set(base, 5);
    index.set(base + 2 ** 30, 70_000);
    index.set(base + 2 ** 40, 140_000);
    expect([index.block(base), index.block(base + 2 ** 30), index.block(base + 2 ** 40)]).toEqual([0, 1, 2]);
    expect(index.block(base + 2 ** 41)).toBeUndefined();
    expect(index.block(base + 1)).toBeUndefined();
  });

  it('keeps the largest hash and block; larger seqs become UNKNOWN_BLOCK (and UNKNOWN_SEQ from 2^32 - 1)', () => {
    const index = new IncidentSeqIndex();
    const h = 2 ** 52 - 1;
    index.set(h, Number.MAX_SAFE_INTEGER);
    expect(index.block(h)).toBe(IncidentSeqIndex.UNKNOWN_BLOCK);
    expect(index.seq(h)).toBe(IncidentSeqIndex.UNKNOWN_SEQ);
    index.set(h, 2 ** 32 - 2);
    expect(index.seq(h)).toBe(2 ** 32 - 2);
    expect(index.block(h)).toBe(IncidentSeqIndex.UNKNOWN_BLOCK);
    index.set(h, IncidentSeqIndex.UNKNOWN_BLOCK * IncidentSeqIndex.BLOCK_SEQS - 1);
    expect(index.block(h)).toBe(IncidentSeqIndex.UNKNOWN_BLOCK - 1);
    expect(index.seq(h)).toBe(IncidentSeqIndex.UNKNOWN_BLOCK * IncidentSeqIndex.BLOCK_SEQS - 1);
    expect(index.block(h - 1)).toBeUndefined();
  });
});
