/**
 * store: the Store port (`port.ts`) and its implementations. `openStore(path)` opens (creating
 * when absent) the embedded DuckDB store and brings its schema up to date.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDBStore, type DuckDBStoreOptions } from './duckdb/duckdb-store.js';

export * from './port.js';
export { DuckDBStore, UNKNOWN_KEY, type DuckDBStoreOptions } from './duckdb/duckdb-store.js';
export { IDENTITY_CODEC, type FieldCodec } from './duckdb/rows.js';
export { MIGRATIONS, type Migration } from './duckdb/migrations.js';

/** Files this process holds open: DuckDB's file lock is per process, so a second open here must be refused by us. */
const openFiles = new Set<string>();

/**
 * Opens the DuckDB store at `path` (`:memory:` for a throw-away store), creating the parent
 * directory, and applies pending migrations. Throws a CONFLICT BaseeratError when another process
 * (or this one) already has the file open.
 */
export interface OpenStoreOptions extends Omit<DuckDBStoreOptions, 'onClose'> {
  /** DuckDB configuration options (e.g. `{ threads: '1', memory_limit: '2GB' }`). */
  duckdb?: Record<string, string>;
}

export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<DuckDBStore> {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  if (!memory) {
    if (openFiles.has(file)) throw inUse(file, 'this process');
    mkdirSync(dirname(file), { recursive: true });
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, options.duckdb);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(message)) throw inUse(file, /PID (\d+)/.exec(message)?.[0] ?? 'another process', e);
    throw new BaseeratError('CONFIG', `cannot open the store file ${file}: ${message}`, { field: 'db', cause: e });
  }
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  if (!memory) openFiles.add(file);
  const { duckdb: _config, ...storeOptions } = options;
  const store = new DuckDBStore(instance, conn, { ...storeOptions, onClose: () => openFiles.delete(file) });
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

function inUse(file: string, holder: string, cause?: unknown): BaseeratError {
  return new BaseeratError(
    'CONFLICT',
    `the store file ${file} is in use by ${holder}: another Baseerat process (for example \`baseerat serve\`) owns it. ` +
      'Stop that process, or send this command through its API, or use another --db file.',
    cause === undefined ? { field: 'db', details: { file } } : { field: 'db', details: { file }, cause },
  );
}
