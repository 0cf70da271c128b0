/**
 * Fast column-wise reading of a materialised DuckDB result into typed arrays.
 *
 * The node-api vectors decode one value at a time (with a BigInt validity test per value), which
 * costs about a microsecond a value: seconds for the million-row slices analyses read. Here each
 * chunk's native buffer is copied into the output typed array in one `set`, so the query must
 * return NOT NULL fixed-width columns of exactly the declared type (the SQL coalesces NULL to NaN
 * or -1 and casts). Strings are read one value at a time, and only where a caller asks.
 */
import bindings from '@duckdb/node-bindings';
import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';

export type NumericArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** The chunks of a result, fetched once: each fetch costs a native call and an object, per chunk. */
export function chunksOf(result: DuckDBMaterializedResult): DuckDBDataChunk[] {
  return Array.from({ length: result.chunkCount }, (_, i) => result.getChunk(i));
}

/** Copies fixed-width column `col` of every chunk into `out` (length = row count). */
export function copyNumericColumn(chunks: readonly DuckDBDataChunk[], col: number, out: NumericArray): void {
  const width = out.BYTES_PER_ELEMENT;
  // A byte view of the output: copying native bytes into it needs no typed view of the native
  // buffer (which would have to be aligned) and is one memcpy per chunk.
  const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  for (const chunk of chunks) {
    const m = chunk.rowCount;
    if (m === 0) continue;
    const vector = bindings.data_chunk_get_vector(chunk.chunk, col);
    target.set(bindings.vector_get_data(vector, m * width), offset);
    offset += m * width;
  }
}

/** Calls `visit(rowIndex, value)` for the rows where `wanted(rowIndex)` holds: strings of column `col`. */
export function visitStrings(chunks: readonly DuckDBDataChunk[], col: number, wanted: (row: number) => boolean, visit: (row: number, value: string | null) => void): void {
  let row = 0;
  for (const chunk of chunks) {
    const m = chunk.rowCount;
    let vector: ReturnType<typeof chunk.getColumnVector> | undefined;
    for (let i = 0; i < m; i++) {
      if (!wanted(row + i)) continue;
      vector ??= chunk.getColumnVector(col);
      const v = vector.getItem(i);
      visit(row + i, v === null ? null : String(v));
    }
    row += m;
  }
}
