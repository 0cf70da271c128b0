import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { ChunkAppender } from '../../src/store/duckdb/chunk-appender.js';

/** Every column type the chunk path handles, NOT NULL and nullable, JSON (a VARCHAR alias) included. */
const TABLE = `(s VARCHAR, j JSON, d DOUBLE, i INTEGER, t TINYINT, b BIGINT, ts TIMESTAMP, nn VARCHAR NOT NULL)`;

type Row = [string | null, string | null, number | null, number | null, number | null, bigint | null, DuckDBTimestampValue | null, string];

/** The reference: one typed appender call per value (the store's path before chunks). */
function appendPerValue(a: DuckDBAppender, rows: readonly Row[]): void {
  for (const r of rows) {
    if (r[0] === null) a.appendNull(); else a.appendVarchar(r[0]);
    if (r[1] === null) a.appendNull(); else a.appendVarchar(r[1]);
    if (r[2] === null) a.appendNull(); else a.appendDouble(r[2]);
    if (r[3] === null) a.appendNull(); else a.appendInteger(r[3]);
    if (r[4] === null) a.appendNull(); else a.appendTinyInt(r[4]);
    if (r[5] === null) a.appendNull(); else a.appendBigInt(r[5]);
    if (r[6] === null) a.appendNull(); else a.appendTimestamp(r[6]);
    a.appendVarchar(r[7]);
    a.endRow();
  }
}

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
/**
 * Strings around the inline limit (12 bytes, kept in the chunk's slots by ChunkAppender): ASCII of
 * 0-14 characters (code 0 included), non-ASCII among them, and the live path's short values.
 */
const shortString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 14 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\u0000', 'é', '€', '😀'), maxLength: 14 }),
  fc.constantFrom('', 'exact', '[]', 'CONFIDENTIAL', 'abcdefghijklm', 'Balochistan', 'a\u0000b'),
);
const rowArb: fc.Arbitrary<Row> = fc.tuple(
  nullable(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), shortString)),
  nullable(fc.jsonValue().map((v) => JSON.stringify(v))),
  nullable(fc.double({ noNaN: true })),
  nullable(fc.integer({ min: -2147483648, max: 2147483647 })),
  nullable(fc.integer({ min: -128, max: 127 })),
  nullable(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  // TIMESTAMP's range (microseconds), DuckDB refuses its infinities' neighbours
  nullable(fc.bigInt({ min: -9223372022400000000n, max: 9223372036854775806n }).map((us) => new DuckDBTimestampValue(us))),
  fc.oneof(fc.string({ maxLength: 300 }), shortString),
);

async function tableRows(conn: DuckDBConnection, table: string): Promise<unknown[][]> {
  // in append order: DuckDB keeps an appended table's insertion order in a plain scan of one thread
  return (await conn.runAndReadAll(`SELECT s, j::VARCHAR, d, i, t, b, ts, nn FROM ${table}`)).getRows() as unknown[][];
}

async function both(conn: DuckDBConnection, rows: readonly Row[]): Promise<{ perValue: unknown[][]; chunked: unknown[][] }> {
  await conn.run(`CREATE OR REPLACE TABLE per_value ${TABLE}`);
  await conn.run(`CREATE OR REPLACE TABLE chunked ${TABLE}`);
  const a = await conn.createAppender('per_value');
  appendPerValue(a, rows);
  a.flushSync(); a.closeSync();
  const b = await conn.createAppender('chunked');
  const c = ChunkAppender.for(b)!;
  for (const r of rows) c.append(r);
  c.finish();
  b.flushSync(); b.closeSync();
  return { perValue: await tableRows(conn, 'per_value'), chunked: await tableRows(conn, 'chunked') };
}

describe('ChunkAppender: rows a chunk at a time', () => {
  it('stores the same rows as the per-value appender, NULLs, bounds and several chunks included (fast-check, fixed seed)', async () => {
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await db.connect();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { maxLength: 60 }), fc.integer({ min: 0, max: 4500 }), async (sample, n) => {
          // n rows cycling through the sample: up to three chunks of 2,048 and a part, with NULL
          // patterns that change from one chunk to the next (a reused vector must not keep a NULL)
          const rows: Row[] = sample.length === 0 ? [] : Array.from({ length: n }, (_, i) => sample[(i * 7 + Math.floor(i / 2048)) % sample.length]!);
          const { perValue, chunked } = await both(conn, rows);
          expect(chunked.length).toBe(rows.length);
          expect(chunked).toEqual(perValue);
        }),
        { seed: 20261127, numRuns: 40 },
      );
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('a column NULL in a whole chunk and set in the next reads back set (the chunk is reused: its reset must clear the mask)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const rows: Row[] = [];
      for (let i = 0; i < 2048 * 2 + 5; i++) {
        const inFirst = i < 2048;
        rows.push([inFirst ? null : `s${i}`, inFirst ? null : '{}', inFirst ? null : i / 2, inFirst ? null : i, inFirst ? null : i % 100, inFirst ? null : BigInt(i), inFirst ? null : new DuckDBTimestampValue(BigInt(i) * 1_000_000n), `n${i}`]);
      }
      const { perValue, chunked } = await both(conn, rows);
      expect(chunked).toEqual(perValue);
      expect(chunked.filter((r) => r[0] === null)).toHaveLength(2048);
      expect(chunked[2048]).toEqual(['s2048', '{}', 1024, 2048, 48, 2048n, new DuckDBTimestampValue(2048_000_000n), 'n2048']);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('two appenders filled at the same time, after others finished, each store their own rows (finished appenders hand their columns on)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const rowsOf = (tag: string, n: number): Row[] => Array.from({ length: n }, (_, i) => [
        i % 5 === 0 ? null : `${tag}${i % 7}`, `"${tag}-${i}-long-enough-to-be-a-pointer"`, i % 3 === 0 ? null : i + 0.5, i, i % 100, BigInt(i), new DuckDBTimestampValue(BigInt(i) * 1000n), `${tag}${i}`]);
      // finished appenders first: their columns (with their values in them) are the ones taken next
      await both(conn, rowsOf('w', 3000));
      await conn.run(`CREATE TABLE x ${TABLE}`);
      await conn.run(`CREATE TABLE y ${TABLE}`);
      const ax = await conn.createAppender('x'), ay = await conn.createAppender('y');
      const cx = ChunkAppender.for(ax)!, cy = ChunkAppender.for(ay)!;
      const xs = rowsOf('x', 2500), ys = rowsOf('y', 2100);
      for (let i = 0; i < 2500; i++) { cx.append(xs[i]!); if (i < ys.length) cy.append(ys[i]!); }
      cy.finish(); ay.flushSync(); ay.closeSync();
      cx.finish(); ax.flushSync(); ax.closeSync();
      expect(await tableRows(conn, 'x')).toEqual((await both(conn, xs)).perValue);
      expect(await tableRows(conn, 'y')).toEqual((await both(conn, ys)).perValue);
      expect(() => cx.append(xs[0]!)).toThrow(/after finish/);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('refuses a value of the wrong type for its column, and a NULL in a NOT NULL column at the flush', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run(`CREATE TABLE t ${TABLE}`);
      const bad: DuckDBValue[][] = [
        [1, null, null, null, null, null, null, 'x'],
        [null, null, '1.5', null, null, null, null, 'x'],
        [null, null, null, null, null, 5, null, 'x'],
        [null, null, null, null, null, null, '2024-01-01', 'x'],
      ];
      for (const row of bad) {
        const a = await conn.createAppender('t');
        expect(() => ChunkAppender.for(a)!.append(row)).toThrow(TypeError);
        a.closeSync();
      }
      const a = await conn.createAppender('t');
      const c = ChunkAppender.for(a)!;
      c.append([null, null, null, null, null, null, null, null]);
      expect(() => { c.finish(); a.flushSync(); }).toThrow(/NOT NULL/);
      // (closing flushes again and throws the same: as after the per-value appender)
      expect(() => a.closeSync()).toThrow(/NOT NULL/);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('is not offered for a table with a column type it does not handle (the store appends those per value)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run('CREATE TABLE l (s VARCHAR, xs VARCHAR[])');
      const a = await conn.createAppender('l');
      expect(ChunkAppender.for(a)).toBeUndefined();
      a.closeSync();
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
