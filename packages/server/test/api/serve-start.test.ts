/**
 * `baseerat serve` starts all or nothing, as an operator runs it (the CLI in a child process):
 *
 * - server mode with `--ops-port` on a port already taken: exit code 1 with a CONFIG error naming
 *   `--ops-port`, and the API port never listened (before, the API listened first and kept the
 *   process alive after the ops server failed);
 * - server mode with the API port taken: exit 1 naming `--port`, and the ops port is free again;
 * - the embedded store with the API port taken: exit 1 naming `--port` (the live monitor opened
 *   before it is closed, so the process ends), and a warning that `--ops-port` is for server mode;
 * - a good start: `/readyz` answers 200 with the database and the API checked, then SIGTERM ends it
 *   with exit code 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MASTER = randomBytes(32).toString('base64');

interface Run { code: number | null; stdout: string; stderr: string }

/** Starts `baseerat serve ...`; `until(stdout)` true sends SIGTERM; killed (code null) after `timeoutMs`. */
function serve(args: string[], opts: { until?: (out: string) => Promise<boolean> | boolean; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--no-web', ...args], {
      cwd: ROOT, env: { ...process.env, BASEERAT_MASTER_KEY: MASTER, BASEERAT_NATS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = ''; let stderr = ''; let asked = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (opts.until === undefined || asked) return;
      void Promise.resolve(opts.until(stdout)).then((stop) => { if (stop && !asked) { asked = true; child.kill('SIGTERM'); } });
    });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** A TCP server holding a port; its number. */
async function hold(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}
/** A port nothing listens on (bound and released). */
async function freePort(): Promise<number> {
  const h = await hold();
  await new Promise<void>((r) => h.server.close(() => r()));
  return h.port;
}
const listening = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

let db: TestDatabase;
let taken: { server: Server; port: number };
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase('baseerat_start');
  taken = await hold();
  tmp = mkdtempSync(join(tmpdir(), 'baseerat-serve-start-'));
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => taken.server.close(() => r()));
  await db?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('serve starts all or nothing', () => {
  it('server mode, --ops-port taken: exit 1 naming --ops-port; the API port never listened', async () => {
    const api = await freePort();
    const r = await serve(['--db', db.appUrl, '--port', String(api), '--ops-port', String(taken.port), '--no-alert-bus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CONFIG \(opsPort\): --ops-port: cannot serve \/healthz, \/readyz and \/metrics on 127\.0\.0\.1:\d+ \(.*EADDRINUSE.*\); nothing was started/m);
    expect(r.stdout).not.toContain('listening on');
    expect(await listening(api)).toBe(false);
  }, 90_000);

  it('server mode, the API port taken: exit 1 naming --port; the ops port is released', async () => {
    const ops = await freePort();
    const r = await serve(['--db', db.appUrl, '--port', String(taken.port), '--ops-port', String(ops), '--no-alert-bus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CONFIG \(port\): --port: cannot listen on 127\.0\.0\.1:\d+ \(.*EADDRINUSE.*\); nothing was started/m);
    expect(await listening(ops)).toBe(false);
  }, 90_000);

  it('embedded store, the API port taken: exit 1 naming --port (the live monitor opened before it is closed)', async () => {
    const r = await serve(['--db', join(tmp, 'b.duckdb'), '--port', String(taken.port), '--ops-port', '0']);
    expect(r.stdout).toContain('Live monitoring:');
    // a server-mode flag on the embedded store is said, not silently ignored
    expect(r.stderr).toContain('warning: --ops-port is for server mode');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CONFIG \(port\): --port: cannot listen on 127\.0\.0\.1:\d+/m);
  }, 90_000);

  it('server mode, a good start: /readyz 200 with the database and the API checked; SIGTERM ends it with 0', async () => {
    let ready: { status: number; body: unknown } | undefined;
    const r = await serve(['--db', db.appUrl, '--port', '0', '--ops-port', '0', '--no-alert-bus'], {
      until: async (out) => {
        const m = /metrics on http:\/\/([\d.:]+)\/metrics/.exec(out);
        if (m === null) return false;
        const res = await fetch(`http://${m[1]!}/readyz`);
        ready = { status: res.status, body: await res.json() };
        return true;
      },
    });
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', api: 'ok' } } });
    expect(r.code).toBe(0);
  }, 90_000);
});
