/** Where the CLI finds things: the store file, the repository's shipped data. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const DEFAULT_DB = 'data/baseerat.duckdb';

/** --db, then BASEERAT_DB, then ./data/baseerat.duckdb (relative to the working directory). */
export function dbPath(option: string | undefined): string {
  return resolve(option ?? process.env.BASEERAT_DB ?? DEFAULT_DB);
}

export function referencePath(...parts: string[]): string {
  return resolve(process.env.BASEERAT_REFERENCE_DIR ?? resolve(REPO_ROOT, 'data/reference'), ...parts);
}
