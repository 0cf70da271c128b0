/**
 * The Node 20 fatal error on the incident list ("unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation) forced on demand: the fixture optimizes
 * PolicyEngine.decide, then deoptimizes it lazily from inside the call into Cedar's WebAssembly
 * (fixtures/cedar-lazy-deopt.ts explains why that crashed). Each case runs in its own Node process
 * with --allow-natives-syntax, since the control kills its process.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/cedar-lazy-deopt.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', fixture, ...args], { encoding: 'utf8', timeout: 120_000 });
// The V8 of Node 20; a later V8 may handle the case, and then the control has nothing to show.
const affectedV8 = process.versions.v8.startsWith('11.3.');

describe('Cedar calls survive a lazy deoptimization of their optimized caller', () => {
  it('with wasm-call-guard (as the server runs): the process lives and Cedar still decides', () => {
    const r = run();
    expect(r.stderr).not.toMatch(/unreachable code/);
    expect(r.status).toBe(0);
    // SECRET analyst, UNCLASSIFIED and SECRET records in Quetta: all ten allowed, as Cedar says.
    expect(r.stdout).toContain('decisions: allow=10 deny=0');
  });

  it.runIf(affectedV8)('control: with the inlining switched back on, the same script dies of the V8 fatal error', () => {
    const r = run('--unguarded');
    expect(r.status === 0).toBe(false);
    expect(r.stderr).toMatch(/Fatal error[\s\S]*unreachable code/);
    expect(r.stderr).toMatch(/Deoptimizer::DoComputeBuiltinContinuation/);
  });
});
