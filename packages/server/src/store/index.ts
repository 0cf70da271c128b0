/**
 * store: the Store port (`port.ts`) and its implementations. `openStore(location)` opens the
 * PostgreSQL store for a `postgres://` or `postgresql://` URL (server mode) and otherwise the
 * embedded DuckDB file (creating it when absent), and brings its schema up to date.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDBStore, type DuckDBStoreOptions } from './duckdb/duckdb-store.js';
import type { Store } from './port.js';
import { PostgresStore, openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';

export * from './port.js';
export { DuckDBStore, UNKNOWN_KEY, type DuckDBStoreOptions } from './duckdb/duckdb-store.js';
export { IDENTITY_CODEC, type FieldCodec } from './duckdb/rows.js';
export { MIGRATIONS, type Migration } from './duckdb/migrations.js';
export {
  FULL_SCOPE, PostgresStore, openPostgresStore, redact, type PostgresScope, type PostgresStoreOptions,
} from './postgres/postgres-store.js';
export { POSTGRES_MIGRATIONS } from './postgres/migrations.js';

/** Is `location` a PostgreSQL URL (server mode) rather than a DuckDB file path? */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Files this process holds open: DuckDB's file lock is per process, so a second open here must be
 * refused by us. It is also what keeps the store the file's only writer, on which its key checks
 * rely (migration 2: no ART keys): `openEmbedded` registers its files here too.
 */
const openFiles = new Set<string>();

/**
 * Registers `file` (an absolute path) as open in this process, or throws the CONFLICT error of a
 * second open; returns the release function. For the openers that build their DuckDBStore
 * themselves (`openEmbedded`).
 */
export function claimStoreFile(file: string): () => void {
  if (openFiles.has(file)) throw inUse(file, 'this process');
  openFiles.add(file);
  return () => { openFiles.delete(file); };
}

/**
 * Opens the DuckDB store at `path` (`:memory:` for a throw-away store), creating the parent
 * directory, and applies pending migrations. Throws a CONFLICT BaseeratError when another process
 * (or this one) already has the file open.
 */
export interface OpenStoreOptions extends Omit<DuckDBStoreOptions, 'onClose'> {
  /** DuckDB configuration options (e.g. `{ threads: '1', memory_limit: '2GB' }`). */
  duckdb?: Record<string, string>;
}

export function openStore(location: `postgres://${string}` | `postgresql://${string}`, options?: OpenStoreOptions & PostgresStoreOptions): Promise<PostgresStore>;
export function openStore(location: string, options?: OpenStoreOptions): Promise<DuckDBStore>;
/**
 * A `postgres://` URL opens the PostgreSQL store (full scope; see `PostgresStore.scoped`), anything
 * else the DuckDB file. The DuckDB overload's type stays `DuckDBStore` for the embedded callers;
 * callers that may get either (a location from --db or BASEERAT_DATABASE_URL) should type the
 * result as `Store` and use `isPostgresUrl` when they need to know.
 */
export function openStore(location: string, options: OpenStoreOptions & PostgresStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) {
    const { duckdb: _ignored, ...pgOptions } = options;
    return openPostgresStore(location, pgOptions);
  }
  return openDuckDBStore(location, options);
}

async function openDuckDBStore(path: string, options: OpenStoreOptions): Promise<DuckDBStore> {
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
