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
 * The V8 settings the `baseerat` command starts Node with (the first line of bin/baseerat.mjs, and
 * the npm scripts `baseerat` and `start`). Unlike the allocator's variable they cannot be set from
 * here: V8 reads them when Node starts. `npx tsx packages/server/src/cli/main.ts` runs without them
 * unless given (`npx tsx --max-semi-space-size=64 --v8-pool-size=1 ...`, or NODE_OPTIONS).
 *
 * - `--max-semi-space-size=64`: semi-spaces of 64 MB instead of 16 MB. The live path keeps each NATS
 *   batch (its records, incidents and alerts) until DuckDB has it, longer than a 16 MB young
 *   generation lasts at thousands of events a second, so most of it was copied by two scavenges and
 *   promoted. With 64 MB the main thread's scavenges took 4.8-5.0 s instead of 7.9-8.6 s in a 60 s
 *   run at 10,000 events/s, and the server's CPU fell by 7-10 us an event.
 * - `--v8-pool-size=1`: one V8 helper thread instead of four. Node's four helpers mark the heap
 *   concurrently at each major collection and, on a 2-core machine, took both cores from the main
 *   thread for 0.3-0.7 s at a time; one helper leaves the main thread a core (as the write-behind's
 *   checkpoints do: all cores but one, embedded-monitor.ts). At 10,000 events/s ack-behind the p99
 *   was lower in 4 pairs of 4 (129-187 ms against 182-285 ms). On a machine with many cores a larger
 *   pool may suit batch analyses better: `node --v8-pool-size=N bin/baseerat.mjs ...`.
 *
 * Measurements: docs/benchmarks.md, "A 64 MB young generation" and "One V8 helper thread".
 */
export const CLI_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--v8-pool-size=1'];

/** The CLI's node flags this process was not started with (by name, on node's command line or in NODE_OPTIONS: a value of its own counts as given). */
export function missingCliNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env['NODE_OPTIONS'] ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split('=')[0]);
  return CLI_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]));
}

applyMemoryDefaults();
