/**
 * Memory settings of a Baseerat process that must be in place before DuckDB's library is loaded.
 *
 * DuckDB allocates through its own copy of jemalloc (symbols `duckdb_je_*`), which reads its options
 * once, when libduckdb.so is loaded, from DuckDB's built-in string and then from the environment
 * variable DUCKDB_JE_MALLOC_CONF. DuckDB's built-in string sets `dirty_decay_ms` and `muzzy_decay_ms`
 * to 1000: memory freed by a query goes back to the kernel within about a second, so the live path,
 * which runs a few queries per batch (the batch's append and commit, the write-ahead log's
 * serialisation, the link candidates' aggregate), gets the same memory back as fresh pages that
 * fault and are zeroed by the kernel, batch after batch. Keeping freed pages for 10 s lets them be
 * used again instead (docs/benchmarks.md, "Page faults on the live path"). Memory freed and not
 * used again is still returned, 10 s later instead of 1 s.
 *
 * This module is the CLI's first import (packages/server/src/cli/main.ts), so it runs before any
 * module that loads DuckDB; the live-path benches import it first too. A value already in the
 * environment is the user's and is left alone: `DUCKDB_JE_MALLOC_CONF=` (empty) gives DuckDB's own
 * settings back; any jemalloc option can be given there (`opt.*` names without the prefix).
 */

/** The environment variable DuckDB's bundled jemalloc reads its options from. */
export const DUCKDB_ALLOCATOR_ENV = 'DUCKDB_JE_MALLOC_CONF';

/** Our default: freed pages kept 10 s (dirty, then 10 s more as "muzzy", MADV_FREE) instead of 1 s each. */
export const DUCKDB_ALLOCATOR_DEFAULT = 'dirty_decay_ms:10000,muzzy_decay_ms:10000';

/** Puts the default in `env` unless the variable is already there (an empty value counts as set). */
export function applyMemoryDefaults(env: NodeJS.ProcessEnv = process.env): void {
  if (env[DUCKDB_ALLOCATOR_ENV] === undefined) env[DUCKDB_ALLOCATOR_ENV] = DUCKDB_ALLOCATOR_DEFAULT;
}

applyMemoryDefaults();
