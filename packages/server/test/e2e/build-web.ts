/**
 * Builds the dashboard (packages/web/dist) once when it is missing or older than its sources, so the
 * browser tests run on a clean clone after `npm ci` with no prebuilt dist. A lock directory keeps two
 * test workers from building at the same time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((n) => newestMtime(join(p, n))));
}

export function webIsStale(): boolean {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(newestMtime(join(WEB_DIR, 'src')), newestMtime(join(WEB_DIR, 'index.html')), newestMtime(join(WEB_DIR, 'vite.config.ts')));
  return statSync(index).mtimeMs < sources;
}

export async function ensureWebBuilt(): Promise<string> {
  const lock = join(WEB_DIR, '.build-lock');
  for (let i = 0; i < 600; i++) {
    try { mkdirSync(lock); break; } catch {
      // A lock older than two minutes is left over from a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (webIsStale()) {
      const vite = fileURLToPath(new URL('../../../../node_modules/vite/bin/vite.js', import.meta.url));
      execFileSync(process.execPath, [vite, 'build', '--config', join(WEB_DIR, 'vite.config.ts')], { cwd: WEB_DIR, stdio: 'pipe' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return DIST_DIR;
}
