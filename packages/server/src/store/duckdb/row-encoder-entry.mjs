// Entry of the row encoder's worker thread (see row-encoder-worker.ts). As parse-worker-entry.mjs: a
// worker thread does not always inherit the parent's TypeScript loader (tsx's register API, vitest),
// so tsx's scoped `tsImport` loads the worker's module tree in every case.
import { tsImport } from 'tsx/esm/api';

await tsImport('./row-encoder-worker.ts', import.meta.url);
