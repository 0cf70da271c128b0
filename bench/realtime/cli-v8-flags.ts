/**
 * The live-path bench runs as the `baseerat` command does, with its V8 settings
 * (src/cli/memory-defaults.ts CLI_NODE_FLAGS: the young generation, one V8 helper thread). Imported
 * first, after the memory defaults: a process started without some of them runs itself again with
 * them (V8 reads them when Node starts) and exits with that run's code. A value of one's own wins:
 * `NODE_OPTIONS="--max-semi-space-size=16 --v8-pool-size=4" npx tsx bench/realtime/realtime.bench.ts ...`
 * measures with Node's defaults.
 */
import { spawnSync } from 'node:child_process';
import { missingCliNodeFlags } from '../../packages/server/src/cli/memory-defaults.js';

const missing = missingCliNodeFlags();
if (missing.length > 0) {
  const r = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
