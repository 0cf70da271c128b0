/**
 * cli/stop-signal.ts: a SIGTERM that arrives before a command waits for it (serve, consume and worker
 * start their consumers first) is kept, and the process ends by its own code, not by the signal.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const STOP = fileURLToPath(new URL('../../src/cli/stop-signal.ts', import.meta.url));

/** A process that listens, is sent SIGTERM while it still "starts" (200 ms of work), then waits for the stop. */
function run(listen: boolean) {
  const script = `const { stopSignal } = await import(${JSON.stringify(`file://${STOP}`)});
    const stop = ${listen ? 'stopSignal()' : 'undefined'};
    process.kill(process.pid, 'SIGTERM');
    const until = Date.now() + 200; while (Date.now() < until) { /* starting */ }
    await new Promise((r) => setTimeout(r, 50));
    const s = await stop.requested;
    stop.dispose();
    console.log('stopped by ' + s + ', listeners left: ' + process.listenerCount('SIGTERM') + '/' + process.listenerCount('SIGINT'));`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
}

describe('stop signal', () => {
  it('keeps a SIGTERM that came before the wait; dispose removes its listeners', () => {
    const r = run(true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('stopped by SIGTERM, listeners left: 0/0');
  }, 60_000);

  it('without it the same process dies by the signal (what serve did while it started)', () => {
    const r = run(false);
    expect(r.status).toBeNull();
    expect(r.signal).toBe('SIGTERM');
  }, 60_000);
});
