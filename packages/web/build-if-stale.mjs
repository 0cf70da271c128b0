// Builds the dashboard into dist/ with Vite when dist is missing or older than its sources; otherwise
// does nothing. `npm start` runs it before the demo, so a fresh clone serves a current dashboard and a
// second start costs no build. `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const newest = (p) => {
  const s = statSync(p);
  return s.isDirectory() ? Math.max(s.mtimeMs, ...readdirSync(p).map((n) => newest(join(p, n)))) : s.mtimeMs;
};
const index = join(web, 'dist', 'index.html');
const sources = Math.max(newest(join(web, 'src')), newest(join(web, 'index.html')), newest(join(web, 'vite.config.ts')), newest(join(web, 'package.json')));
if (process.argv.includes('--force') || !existsSync(index) || statSync(index).mtimeMs < sources) {
  console.error('building the dashboard (packages/web/dist)...');
  const { build } = await import('vite');
  await build({ configFile: join(web, 'vite.config.ts'), root: web });
}
