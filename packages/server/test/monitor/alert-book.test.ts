import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardedKeyMap } from '../../src/monitor/alert-book.js';

/** The entries of each shard, in their order (the shards are private: read through the instance). */
const shardsOf = <V>(m: ShardedKeyMap<V>): Map<string, V>[] => (m as unknown as { shards: Map<string, V>[] }).shards;

describe('ShardedKeyMap (the live monitor alert book)', () => {
  it('answers get, size and delete as one Map under any sequence of sets, moves and deletes', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('set' as const), key: fc.string({ maxLength: 6 }), v: fc.integer() }),
      fc.record({ k: fc.constant('last' as const), key: fc.string({ maxLength: 6 }), v: fc.integer() }),
      fc.record({ k: fc.constant('delete' as const), key: fc.string({ maxLength: 6 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const m = new ShardedKeyMap<number>(), ref = new Map<string, number>();
      for (const o of ops) {
        if (o.k === 'set') { m.set(o.key, o.v); ref.set(o.key, o.v); }
        else if (o.k === 'last') { m.setLast(o.key, o.v); ref.delete(o.key); ref.set(o.key, o.v); }
        else expect(m.delete(o.key)).toBe(ref.delete(o.key));
      }
      expect(m.size).toBe(ref.size);
      for (const [k, v] of ref) expect(m.get(k)).toBe(v);
      for (const o of ops) if (!ref.has(o.key)) expect(m.get(o.key)).toBeUndefined();
      // each shard holds its keys in the order the single map held them
      for (const s of shardsOf(m)) {
        const order = [...ref.keys()].filter((k) => s.has(k));
        expect([...s.keys()]).toEqual(order);
      }
    }), { seed: 6, numRuns: 200 });
  });

  it('spreads keys that differ only in their end over all shards (no shard holds the whole book)', () => {
    const m = new ShardedKeyMap<number>();
    const n = 64 * 1000;
    for (let i = 0; i < n; i++) m.set(`any-event|bench:B-${Math.floor(i / 3)}-${i}`, i);
    const sizes = shardsOf(m).map((s) => s.size);
    expect(sizes).toHaveLength(ShardedKeyMap.SHARDS);
    // an even spread is 1,000 a shard
    expect(Math.min(...sizes)).toBeGreaterThan(800);
    expect(Math.max(...sizes)).toBeLessThan(1200);
  });

  it('prunes each shard from its oldest entry while the test holds, stopping the shard at its first entry kept', () => {
    const m = new ShardedKeyMap<number>();
    for (let i = 0; i < 5000; i++) m.set(`k${i}`, i);
    // an old value set again at the end of its shard is kept (the walk stops before it), as the single map's walk did
    m.setLast('k10', 10);
    m.pruneWhile((v) => v < 2500);
    for (let i = 0; i < 5000; i++) {
      if (i >= 2500 || i === 10) expect(m.get(`k${i}`)).toBe(i);
      else expect(m.get(`k${i}`)).toBeUndefined();
    }
    // a value below the cutoff behind one kept in the same shard waits for a later prune
    const m2 = new ShardedKeyMap<number>();
    const shardKeys = (() => {
      // two keys of one shard: the first kept, the second (older value) behind it
      const probe = new ShardedKeyMap<number>();
      const s0 = shardsOf(probe);
      const found: string[] = [];
      for (let i = 0; found.length < 2; i++) { probe.set(`x${i}`, 0); if (s0[0]!.has(`x${i}`)) found.push(`x${i}`); }
      return found;
    })();
    m2.set(shardKeys[0]!, 9000);
    m2.set(shardKeys[1]!, 1);
    m2.pruneWhile((v) => v < 2500);
    expect(m2.get(shardKeys[1]!)).toBe(1);
    expect(m2.size).toBe(2);
  });
});
