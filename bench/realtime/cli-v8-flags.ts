/**
 * The live-path bench runs as the `baseerat` command does, with its V8 young generation
 * (src/cli/memory-defaults.ts V8_YOUNG_GENERATION_FLAG). Imported first, after the memory defaults:
 * a process started without a --max-semi-space-size of its own runs itself again with the flag
 * (V8 sizes its heap when Node starts) and exits with that run's code. To measure with V8's own
 * size: `NODE_OPTIONS=--max-semi-space-size=16 npx tsx bench/realtime/realtime.bench.ts ...`.
 */
import { spawnSync } from 'node:child_process';
import { hasSemiSpaceFlag, V8_YOUNG_GENERATION_FLAG } from '../../packages/server/src/cli/memory-defaults.js';

if (!hasSemiSpaceFlag()) {
  const r = spawnSync(process.execPath, [V8_YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
