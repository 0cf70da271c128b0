#!/usr/bin/env -S node --max-semi-space-size=64
// The `baseerat` command: runs the TypeScript CLI through tsx (no build step), with the CLI's V8
// young generation (src/cli/memory-defaults.ts V8_YOUNG_GENERATION_FLAG; `env -S`: coreutils 8.30+).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
