import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { BaseeratError, incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import { ReadCache } from '../../src/store/duckdb/read-cache.js';
import { ReadPool } from '../../src/store/duckdb/read-pool.js';
import { openStore } from '../../src/store/index.js';
import { report } from './conformance.js';

const config = { duckdb: { threads: '1' } };
const single = (r: Report) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] });

/** A promise and the function that resolves it: lets a test hold a read open. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((ok) => { open = ok; });
  return { wait, open };
}

describe('DuckDB read pool', () => {
  it('runs a second read while the first one still holds its connection', async () => {
    const instance = await DuckDBInstance.create(':memory:', config.duckdb);
    const pool = new ReadPool(instance, 2);
    const held = gate();
    const first = pool.read(async (c) => { await c.run('SELECT 1'); await held.wait; return 'first'; });
    // with one exclusive connection this would wait for `first`, which waits for the gate: a deadlock
    const second = await pool.read(async (c) => Number((await c.runAndReadAll('SELECT 42')).getRowsJS()[0]?.[0]));
    expect(second).toBe(42);
    expect(pool.connectionCount).toBe(2);
    held.open();
    expect(await first).toBe('first');
    await pool.close();
    instance.closeSync();
  });

  it('queues reads beyond its size in arrival order, and never opens more connections than its size', async () => {
    const instance = await DuckDBInstance.create(':memory:', config.duckdb);
    const pool = new ReadPool(instance, 1);
    const held = gate();
    const order: string[] = [];
    const a = pool.read(async () => { await held.wait; order.push('a'); });
    const b = pool.read(async () => { order.push('b'); });
    const c = pool.read(async () => { order.push('c'); });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(order).toEqual([]);
    held.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(pool.connectionCount).toBe(1);
    await pool.close();
    instance.closeSync();
  });

  it('gives each read the state committed when it starts, and a failed read releases its connection', async () => {
    const instance = await DuckDBInstance.create(':memory:', config.duckdb);
    const writer = await instance.connect();
    await writer.run('CREATE TABLE t (v INTEGER)');
    const pool = new ReadPool(instance, 1);
    const count = async (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Number((await c.runAndReadAll('SELECT count(*)::DOUBLE FROM t')).getRowsJS()[0]?.[0]);
    const started = gate(), held = gate();
    const snapshot = pool.read(async (c) => {
      const before = await count(c);
      started.open();
      await held.wait;
      return [before, await count(c)];
    });
    await started.wait;
    await writer.run('INSERT INTO t VALUES (1), (2)');
    held.open();
    // the open read keeps its snapshot; the next read sees the committed insert
    expect(await snapshot).toEqual([0, 0]);
    expect(await pool.read(count)).toBe(2);
    await expect(pool.read(async (c) => { await c.run('SELECT * FROM no_such_table'); })).rejects.toThrow(/no_such_table/);
    expect(await pool.read(count)).toBe(2);
    expect(pool.connectionCount).toBe(1);
    await pool.close();
    writer.closeSync();
    instance.closeSync();
  });

  it('prepares a statement once per connection and SQL text, binds each call anew, and its reads keep the read\'s snapshot', async () => {
    const instance = await DuckDBInstance.create(':memory:', config.duckdb);
    const writer = await instance.connect();
    await writer.run('CREATE TABLE t (k INTEGER, v VARCHAR)');
    await writer.run(`INSERT INTO t VALUES (1, 'one'), (2, 'two')`);
    const pool = new ReadPool(instance, 1);
    const SQL = 'SELECT v FROM t WHERE k = $1';
    const prepares: string[] = [];
    const counted = (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => {
      const prepare = c.prepare.bind(c);
      c.prepare = (sql: string) => { prepares.push(sql); return prepare(sql); };
      return c;
    };
    expect(await pool.read((c) => pool.preparedRows(counted(c), SQL, [1]))).toEqual([['one']]);
    expect(await pool.read((c) => pool.preparedRows(c, SQL, [2]))).toEqual([['two']]);
    expect(await pool.read((c) => pool.preparedRows(c, SQL, [3]))).toEqual([]);
    expect(await pool.read((c) => pool.preparedRows(c, 'SELECT count(*)::DOUBLE FROM t WHERE k >= $1', [1]))).toEqual([[2]]);
    // counted from inside the first read (its BEGIN was prepared already): its COMMIT, once, as every statement
    expect(prepares).toEqual([SQL, 'COMMIT', 'SELECT count(*)::DOUBLE FROM t WHERE k >= $1']);
    // a write after the statement was prepared is seen by the next read, not by one already open
    const started = gate(), held = gate();
    const open = pool.read(async (c) => {
      const before = await pool.preparedRows(c, SQL, [1]);
      started.open();
      await held.wait;
      return [...before, ...await pool.preparedRows(c, SQL, [3])];
    });
    await started.wait;
    await writer.run(`INSERT INTO t VALUES (3, 'three')`);
    held.open();
    expect(await open).toEqual([['one']]);
    expect(await pool.read((c) => pool.preparedRows(c, SQL, [3]))).toEqual([['three']]);
    await pool.close();
    writer.closeSync();
    instance.closeSync();
  });

  it('close() waits for running reads, then refuses new ones with CONFLICT', async () => {
    const instance = await DuckDBInstance.create(':memory:', config.duckdb);
    const pool = new ReadPool(instance, 2);
    const held = gate();
    let finished = false;
    const running = pool.read(async (c) => { await held.wait; await c.run('SELECT 1'); finished = true; });
    const closing = pool.close();
    held.open();
    await closing;
    expect(finished).toBe(true);
    await running;
    const e = await pool.read(async () => 1).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(BaseeratError);
    expect((e as BaseeratError).code).toBe('CONFLICT');
    instance.closeSync();
  });
});

describe('DuckDBStore reads on the pool', () => {
  it('reads overlapping writes see whole batches only, and a read after a write sees it', async () => {
    const store = await openStore(':memory:', config);
    const batches = [0, 1, 2, 3].map((b) => Array.from({ length: 50 }, (_, i) => single(report({ sourceId: `b${b}-${i}`, district: 'Quetta', province: 'Balochistan' }))));
    const totals: number[] = [];
    const pending: Promise<unknown>[] = [];
    for (const newIncidents of batches) {
      pending.push(store.writeBatch({ newIncidents, attachments: [], quarantine: [] }));
      for (let k = 0; k < 3; k++) {
        pending.push(store.stats({}).then((s) => { totals.push(s.total); expect(s.byDistrict['Quetta'] ?? 0).toBe(s.total); }));
        pending.push(store.listIncidents({}, { offset: 0, limit: 500 }).then((p) => { totals.push(p.total); expect(p.items.length).toBe(p.total); }));
      }
    }
    await Promise.all(pending);
    for (const t of totals) expect(t % 50).toBe(0);
    expect(await store.countIncidents({})).toBe(200);
    const id = batches[3]![49]!.id;
    expect((await store.getIncident(id))?.id).toBe(id);
    expect((await store.readColumns({ districts: ['Quetta'] })).length).toBe(200);
    await store.close();
    const e = await store.stats({}).then(() => undefined, (err: unknown) => err);
    expect((e as BaseeratError).code).toBe('CONFLICT');
  });
});

describe('ReadCache', () => {
  it('shares one computation among identical calls, hands each caller its own copy, forgets on invalidate and on failure', async () => {
    const cache = new ReadCache(2);
    let runs = 0;
    const compute = async () => { runs++; return { n: runs, by: { a: 1 } }; };
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect(runs).toBe(1);
    expect(a).toEqual(b);
    a.by.a = 99;
    expect((await cache.get('k', compute)).by.a).toBe(1);
    cache.invalidate();
    expect((await cache.get('k', compute)).n).toBe(2);
    await expect(cache.get('bad', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await cache.get('bad', async () => 7)).toBe(7);
    // capacity 2: the least recently used entry goes
    await cache.get('x', compute);
    expect(cache.size).toBe(2);
    expect(cache.counters).toEqual({ hits: 2, misses: 5 });
  });
});

describe('DuckDBStore cached aggregates', () => {
  it('stats, counts and points are served from the cache until a write, then recomputed', async () => {
    const store = await openStore(':memory:', config);
    const first = [0, 1, 2].map((i) => single(report({ sourceId: `c${i}`, district: 'Quetta', province: 'Balochistan', lat: 30.2, lon: 67 })));
    await store.writeBatch({ newIncidents: first, attachments: [], quarantine: [] });
    const s1 = await store.stats({});
    expect(s1.total).toBe(3);
    s1.byDistrict['Quetta'] = 1000; // a caller's copy: mutating it does not reach the cache
    expect((await store.stats({})).byDistrict['Quetta']).toBe(3);
    expect(await store.countIncidents({ districts: ['Quetta'] })).toBe(3);
    expect((await store.listPoints({}, 10)).items).toHaveLength(3);
    // every kind of write invalidates: a batch, a quarantined line
    await store.writeBatch({ newIncidents: [single(report({ sourceId: 'c3', district: 'Quetta', province: 'Balochistan', lat: 30.2, lon: 67 }))], attachments: [], quarantine: [] });
    expect((await store.stats({})).total).toBe(4);
    expect(await store.countIncidents({ districts: ['Quetta'] })).toBe(4);
    expect((await store.listPoints({}, 10)).total).toBe(4);
    await store.writeBatch({ newIncidents: [], attachments: [], quarantine: [{ runId: 'r', agency: 'police', origin: 'x.csv', line: 1, raw: 'bad', reasons: [{ field: 'occurredAt', value: 'x', message: 'not a date' }] }] });
    expect((await store.stats({})).quarantined).toBe(1);
    await store.close();
  });
});
