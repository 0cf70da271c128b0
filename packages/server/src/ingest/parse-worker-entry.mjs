// Entry of the parse worker thread (see parse-worker.ts). The repository runs TypeScript through tsx
// without a build step, and a worker thread does not always inherit the parent's loader: under the
// tsx CLI (npm start, the bench) it does, through execArgv; under `bin/baseerat.mjs` (tsx's
// register API) and under vitest it does not. tsx's scoped `tsImport` loads the worker's module
// tree in every case.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);
