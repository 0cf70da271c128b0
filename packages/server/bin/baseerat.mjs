#!/usr/bin/env -S node --max-semi-space-size=64 --v8-pool-size=1
// The `baseerat` command: runs the TypeScript CLI through tsx (no build step), with the CLI's V8
// settings (src/cli/memory-defaults.ts CLI_NODE_FLAGS; `env -S`: coreutils 8.30+).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
