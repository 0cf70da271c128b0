/**
 * The CLI's memory defaults (src/cli/memory-defaults.ts): DUCKDB_JE_MALLOC_CONF is set when absent,
 * a user's own value (even empty) is left alone, DuckDB's allocator takes the value, and the
 * `baseerat` command sets it before DuckDB's library is loaded (jemalloc reads it only then); the
 * `baseerat` command and the npm scripts start Node with the CLI's V8 settings.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { applyMemoryDefaults, DUCKDB_ALLOCATOR_DEFAULT, DUCKDB_ALLOCATOR_ENV, CLI_NODE_FLAGS, missingCliNodeFlags } from '../../src/cli/memory-defaults.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const ROOT = here('../../../../');
const BIN = here('../../bin/baseerat.mjs');
const DEFAULTS = here('../../src/cli/memory-defaults.ts');

/** The environment of this test without the variable (as a user's shell that never heard of it). */
function envWithout(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[DUCKDB_ALLOCATOR_ENV];
  return env;
}

/** Runs `node [args]` from the repository root; stdout and stderr as text. */
function node(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 150_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('memory defaults of the CLI', () => {
  it('sets the allocator options when the variable is absent, and leaves a value that is there', () => {
    const absent: NodeJS.ProcessEnv = {};
    applyMemoryDefaults(absent);
    expect(absent[DUCKDB_ALLOCATOR_ENV]).toBe('dirty_decay_ms:10000,muzzy_decay_ms:10000');
    const own: NodeJS.ProcessEnv = { [DUCKDB_ALLOCATOR_ENV]: 'dirty_decay_ms:2500' };
    applyMemoryDefaults(own);
    expect(own[DUCKDB_ALLOCATOR_ENV]).toBe('dirty_decay_ms:2500');
    // empty: the user asks for DuckDB's own settings
    const empty: NodeJS.ProcessEnv = { [DUCKDB_ALLOCATOR_ENV]: '' };
    applyMemoryDefaults(empty);
    expect(empty[DUCKDB_ALLOCATOR_ENV]).toBe('');
  });

  it("DuckDB's allocator takes the default (jemalloc's own report of its options)", () => {
    // stats_print is appended after the module has set the default and before DuckDB loads; jemalloc
    // prints its options at exit. A misspelt option would be reported as invalid and keep 1000.
    const script = `await import(${JSON.stringify(`file://${DEFAULTS}`)});
      process.env.${DUCKDB_ALLOCATOR_ENV} += ',stats_print:true,stats_print_opts:mdablxe';
      const { DuckDBInstance } = await import('@duckdb/node-api');
      (await DuckDBInstance.create(':memory:')).closeSync();`;
    const r = node(['--import', 'tsx', '--input-type=module', '-e', script], envWithout());
    expect(r.code).toBe(0);
    expect(r.err).toContain(`Environment variable MALLOC_CONF: "${DUCKDB_ALLOCATOR_DEFAULT},stats_print:true`);
    expect(r.err).toMatch(/opt\.dirty_decay_ms: 10000 /);
    expect(r.err).toMatch(/opt\.muzzy_decay_ms: 10000 /);
    expect(r.err).not.toContain('Invalid conf');
  }, 300_000);

  // A hook on process.dlopen (how Node loads a native library) prints the variable at the moment
  // DuckDB's library is loaded: the value jemalloc will read.
  const hook = `data:text/javascript,${encodeURIComponent(`const d = process.dlopen; process.dlopen = function (m, f, ...r) { if (/duckdb/.test(String(f))) console.log('duckdb loads with [' + process.env.${DUCKDB_ALLOCATOR_ENV} + ']'); return d.call(this, m, f, ...r); };`)}`;

  it('the baseerat command sets it before DuckDB is loaded, and leaves a user value alone', () => {
    const r = node(['--import', hook, BIN, '--version'], envWithout());
    expect(r.code).toBe(0);
    expect(r.out).toContain(`duckdb loads with [${DUCKDB_ALLOCATOR_DEFAULT}]`);
    expect(r.out).toContain('0.1.0');
    const own = node(['--import', hook, BIN, '--version'], { ...envWithout(), [DUCKDB_ALLOCATOR_ENV]: '' });
    expect(own.code).toBe(0);
    expect(own.out).toContain('duckdb loads with []');
  }, 300_000);

  it('the baseerat command starts Node with the CLI node flags; so do the npm scripts', () => {
    // the command runs through its first line (env -S node <flags>); a hook in NODE_OPTIONS prints the flags Node got
    const show = `data:text/javascript,${encodeURIComponent("console.log('node flags [' + process.execArgv.join(' ') + ']')")}`;
    const r = spawnSync(BIN, ['--version'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: `--import ${show}` }, encoding: 'utf8', timeout: 150_000 });
    expect(r.status).toBe(0);
    const flags = /node flags \[([^\]]*)\]/.exec(r.stdout)?.[1]?.split(' ') ?? [];
    for (const f of CLI_NODE_FLAGS) expect(flags).toContain(f);
    const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['baseerat']).toContain(`tsx ${CLI_NODE_FLAGS.join(' ')} packages/server/src/cli/main.ts`);
    expect(scripts['start']).toContain(`tsx ${CLI_NODE_FLAGS.join(' ')} packages/server/src/cli/main.ts demo`);
  }, 300_000);

  it('tells which of the CLI node flags a process was started without (a value of its own counts as given)', () => {
    expect(missingCliNodeFlags([], '')).toEqual([...CLI_NODE_FLAGS]);
    expect(missingCliNodeFlags(['--require', 'x.cjs'], '--import tsx --max-old-space-size=4096')).toEqual([...CLI_NODE_FLAGS]);
    expect(missingCliNodeFlags([...CLI_NODE_FLAGS], '')).toEqual([]);
    expect(missingCliNodeFlags(['--v8-pool-size=4'], '--import tsx --max-semi-space-size=16')).toEqual([]);
    expect(missingCliNodeFlags(['--max-semi-space-size=64'], '')).toEqual(['--v8-pool-size=1']);
  });
});
