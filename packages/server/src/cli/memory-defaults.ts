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

/**
 * The V8 flag the `baseerat` command starts Node with (the first line of bin/baseerat.mjs, and the
 * npm scripts `baseerat` and `start`): semi-spaces of 64 MB instead of V8's 16 MB. The live path
 * keeps each NATS batch (its records, incidents and alerts) until DuckDB has it, longer than a 16 MB
 * young generation lasts at thousands of events a second, so most of it was copied by two
 * scavenges and promoted. With 64 MB the main thread's scavenges took 4.8-5.0 s instead of
 * 7.9-8.6 s in a 60 s run at 10,000 events/s, and the server's CPU fell by 7-10 us an event
 * (docs/benchmarks.md, "A 64 MB young generation"). Unlike the allocator's variable this cannot be
 * set from here: V8 sizes its heap when Node starts. `npx tsx packages/server/src/cli/main.ts`
 * runs without it unless given (`npx tsx --max-semi-space-size=64 ...` or NODE_OPTIONS).
 */
export const V8_YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** Whether this process was started with a --max-semi-space-size of its own (on node's command line or in NODE_OPTIONS). */
export function hasSemiSpaceFlag(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env['NODE_OPTIONS'] ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
}

applyMemoryDefaults();
