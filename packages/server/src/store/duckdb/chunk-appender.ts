/**
 * Rows into a DuckDB table through the appender, a data chunk (2,048 rows) at a time instead of
 * one appender call per value.
 *
 * The per-value appender crosses into native code for every value (a number, a NULL, a string)
 * and DuckDB then dispatches on the column's type for each. Here fixed-width values (DOUBLE,
 * INTEGER, TINYINT, BIGINT, TIMESTAMP) are written into typed arrays and copied into the chunk's
 * vectors with one call per column per chunk, NULLs are bits of a validity mask copied the same
 * way. Short strings (up to 12 ASCII characters: codes, precisions, places, '[]') are written the
 * same way: DuckDB keeps a string of at most 12 bytes inline in its 16-byte `duckdb_string_t`
 * (length, then the bytes, zero-padded; duckdb.h), so such a column's slots are built here and
 * copied with the chunk. Longer strings still cross one at a time (`vector_assign_string_element`,
 * about 0.25 us a call, measured), after that copy. The values
 * written are the same: the rows a table holds afterwards are the same as through the per-value
 * appender (test/store/chunk-appender.test.ts compares both, NULLs, bounds and chunk edges
 * included). Measured in bench/realtime/path.bench.ts (docs/benchmarks.md).
 *
 * The node-api's own `DuckDBDataChunk.setRows` is not used: it keeps a JS object per value and
 * sets validity bits with BigInts (about 2.5 times the CPU of the per-value appender, measured in
 * duckdb-store.ts). The chunk and the appender are node-api objects; the vectors' buffers are
 * written through `@duckdb/node-bindings` (the same version), as column-reader.ts reads them.
 */
import bindings from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTimestampValue, DuckDBTypeId, type DuckDBAppender, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** Rows per chunk: DuckDB's vector size. */
const CAPACITY = bindings.vector_size();

/**
 * A VARCHAR column of the chunk being filled: `slots` holds each row's 16-byte `duckdb_string_t`
 * for the strings kept inline (`lengths` views the same bytes as native-endian uint32, as the C
 * struct's length); the other rows' strings wait in `longValues` (at rows `longRows`) until the
 * chunk is handed over.
 */
interface VarcharColumn {
  kind: 'varchar';
  slots: Uint8Array<ArrayBuffer>;
  lengths: Uint32Array<ArrayBuffer>;
  longRows: Int32Array<ArrayBuffer>;
  longValues: (string | undefined)[];
  longCount: number;
}

/** Bytes of a `duckdb_string_t`, and the most a string kept inline has (duckdb.h). */
const STRING_T_BYTES = 16;
const INLINE_MAX = 12;

function varcharColumn(): VarcharColumn {
  const slots = new Uint8Array(CAPACITY * STRING_T_BYTES);
  return { kind: 'varchar', slots, lengths: new Uint32Array(slots.buffer), longRows: new Int32Array(CAPACITY), longValues: [], longCount: 0 };
}

/**
 * Writes `s` as row `k`'s inline `duckdb_string_t` when it is at most 12 ASCII characters (one
 * UTF-8 byte each: the bytes `vector_assign_string_element` stores, which keeps code 0 too); false
 * otherwise, leaving the slot to be overwritten by that call.
 */
function writeInline(col: VarcharColumn, k: number, s: string): boolean {
  const n = s.length;
  if (n > INLINE_MAX) return false;
  const bytes = col.slots, at = k * STRING_T_BYTES + 4;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return false;
    bytes[at + i] = c;
  }
  // zero padding, as DuckDB's own string_t constructor leaves it (its comparisons read all 16 bytes;
  // the appender's copy into the table rewrites strings by length, so this is not seen in a read)
  for (let i = n; i < INLINE_MAX; i++) bytes[at + i] = 0;
  col.lengths[k * 4] = n;
  return true;
}

type Column =
  | VarcharColumn
  | { kind: 'f64'; data: Float64Array<ArrayBuffer> }
  | { kind: 'i32'; data: Int32Array<ArrayBuffer> }
  | { kind: 'i8'; data: Int8Array<ArrayBuffer> }
  | { kind: 'i64'; data: BigInt64Array<ArrayBuffer> }
  | { kind: 'ts'; data: BigInt64Array<ArrayBuffer> };

/** The column for a type (a placeholder of the right kind, without buffers, when `kindOnly`), or undefined when the type is not handled. */
function columnFor(type: DuckDBType, kindOnly: boolean): Column | undefined {
  const n = kindOnly ? 0 : CAPACITY;
  switch (type.typeId) {
    // JSON is VARCHAR with an alias: the same vector, the same strings
    case DuckDBTypeId.VARCHAR: return kindOnly ? { kind: 'varchar' } as VarcharColumn : varcharColumn();
    case DuckDBTypeId.DOUBLE: return { kind: 'f64', data: new Float64Array(n) };
    case DuckDBTypeId.INTEGER: return { kind: 'i32', data: new Int32Array(n) };
    case DuckDBTypeId.TINYINT: return { kind: 'i8', data: new Int8Array(n) };
    case DuckDBTypeId.BIGINT: return { kind: 'i64', data: new BigInt64Array(n) };
    case DuckDBTypeId.TIMESTAMP: return { kind: 'ts', data: new BigInt64Array(n) };
    default: return undefined;
  }
}

/**
 * Columns of finished chunk appenders, by kind, for the next to take: the store makes an appender
 * per table per batch, and fresh buffers each time (16-40 KB a column) are zeroed pages the kernel
 * has to fault in. A column taken from here holds no value the next appender reads: every slot it
 * copies is written first, and the long strings were handed over.
 */
const spare = new Map<Column['kind'], Column[]>();
const SPARE_PER_KIND = 64;

function takeColumn(type: DuckDBType): Column | undefined {
  const c = columnFor(type, true);
  if (c === undefined) return undefined;
  return spare.get(c.kind)?.pop() ?? columnFor(type, false);
}

function releaseColumn(c: Column): void {
  let list = spare.get(c.kind);
  if (list === undefined) spare.set(c.kind, list = []);
  if (list.length < SPARE_PER_KIND) list.push(c);
}

const wrongType = (what: string, v: DuckDBValue, column: number): TypeError =>
  new TypeError(`appender column ${column}: ${what} expected, got ${typeof v === 'object' ? (v as object).constructor.name : typeof v}`);

/**
 * Appends rows to the table behind `appender` a chunk at a time; false (nothing appended) when
 * the table has a column type it does not handle: the caller then appends per value. Values:
 * string for VARCHAR/JSON, number for DOUBLE/INTEGER/TINYINT, bigint for BIGINT,
 * DuckDBTimestampValue for TIMESTAMP, null or undefined for NULL (as the per-value path takes
 * them). Does not flush or close the appender.
 */
export class ChunkAppender {
  private readonly columns: Column[];
  private readonly chunk: DuckDBDataChunk;
  private vectors: bindings.Vector[] = [];
  /** Per column, a validity mask (1 = valid) for the rows of the chunk being filled, and whether it has a NULL. */
  private readonly validity: Uint8Array<ArrayBuffer>[];
  private readonly hasNull: boolean[];
  private rows = 0;
  private finished = false;

  private constructor(private readonly appender: DuckDBAppender, columns: Column[], types: readonly DuckDBType[]) {
    this.columns = columns;
    this.chunk = DuckDBDataChunk.create(types);
    this.validity = columns.map(() => new Uint8Array(CAPACITY / 8).fill(255));
    this.hasNull = columns.map(() => false);
    this.takeVectors();
  }

  /** A chunk appender for the appender's table, or undefined when a column type is not handled. */
  static for(appender: DuckDBAppender): ChunkAppender | undefined {
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    const columns: Column[] = [];
    for (const t of types) {
      const c = takeColumn(t);
      if (c === undefined) { columns.forEach(releaseColumn); return undefined; }
      columns.push(c);
    }
    return new ChunkAppender(appender, columns, types);
  }

  private takeVectors(): void {
    this.vectors = this.columns.map((_, i) => bindings.data_chunk_get_vector(this.chunk.chunk, i));
  }

  /** One row, in table column order. */
  append(row: readonly DuckDBValue[]): void {
    if (this.finished) throw new Error('ChunkAppender: append after finish (its columns are handed on)');
    const k = this.rows, cols = this.columns;
    for (let c = 0; c < cols.length; c++) {
      const v = row[c];
      const col = cols[c]!;
      if (v === null || v === undefined) {
        this.validity[c]![k >> 3]! &= ~(1 << (k & 7));
        this.hasNull[c] = true;
        continue;
      }
      switch (col.kind) {
        case 'varchar':
          if (typeof v !== 'string') throw wrongType('a string', v, c);
          if (!writeInline(col, k, v)) { col.longRows[col.longCount] = k; col.longValues[col.longCount++] = v; }
          break;
        case 'f64':
          if (typeof v !== 'number') throw wrongType('a number', v, c);
          col.data[k] = v;
          break;
        case 'i32':
          if (typeof v !== 'number') throw wrongType('a number', v, c);
          col.data[k] = v;
          break;
        case 'i8':
          if (typeof v !== 'number') throw wrongType('a number', v, c);
          col.data[k] = v;
          break;
        case 'i64':
          if (typeof v !== 'bigint') throw wrongType('a bigint', v, c);
          col.data[k] = v;
          break;
        case 'ts':
          if (!(v instanceof DuckDBTimestampValue)) throw wrongType('a DuckDBTimestampValue', v, c);
          col.data[k] = v.micros;
          break;
      }
    }
    if (++this.rows === CAPACITY) this.flushChunk();
  }

  /** Hands the rows taken so far to the appender (as one chunk); the appender is done then (its columns go to the next). */
  finish(): void {
    if (this.finished) return;
    if (this.rows > 0) this.flushChunk();
    this.finished = true;
    this.columns.forEach(releaseColumn);
  }

  private flushChunk(): void {
    const n = this.rows, cols = this.columns;
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!, vector = this.vectors[c]!;
      if (col.kind === 'varchar') {
        // every slot, then the long strings over theirs (a NULL row's slot is not read)
        bindings.copy_data_to_vector(vector, 0, col.slots.buffer, 0, n * STRING_T_BYTES);
        for (let j = 0; j < col.longCount; j++) {
          bindings.vector_assign_string_element(vector, col.longRows[j]!, col.longValues[j]!);
          col.longValues[j] = undefined;
        }
        col.longCount = 0;
      } else {
        bindings.copy_data_to_vector(vector, 0, col.data.buffer, col.data.byteOffset, n * col.data.BYTES_PER_ELEMENT);
      }
      // (a reset chunk's vectors are all valid again: the mask is written only where a NULL is)
      if (this.hasNull[c]) {
        bindings.vector_ensure_validity_writable(vector);
        const mask = this.validity[c]!;
        bindings.copy_data_to_vector_validity(vector, 0, mask.buffer, mask.byteOffset, mask.byteLength);
      }
    }
    this.chunk.rowCount = n;
    this.appender.appendDataChunk(this.chunk);
    this.chunk.reset();
    this.takeVectors();
    for (let c = 0; c < cols.length; c++) {
      if (this.hasNull[c]) { this.validity[c]!.fill(255); this.hasNull[c] = false; }
    }
    this.rows = 0;
  }
}
