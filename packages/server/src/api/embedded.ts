/**
 * The embedded mode's wiring: one DuckDB instance shared by the Store and the security tables.
 * DuckDB lets one process open a file once, and `openStore` keeps its instance private, so this
 * opens the instance itself and builds the DuckDBStore the way `openStore` does (UTC session
 * time zone, migrations), then `openSecurity` on the same instance. The store's sensitive columns
 * (narratives, raw source records, quarantined lines) are encrypted with the master key's data key
 * for the dataset `incidents`; analyses read columnar slices and never decrypt.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { openSecurity, type SecurityContext } from '../security/admin-operations.js';
import { STORE_DATASET } from '../security/store-keys.js';
import { DuckDBStore } from '../store/duckdb/duckdb-store.js';
import { claimStoreFile } from '../store/index.js';

export interface Embedded {
  store: DuckDBStore;
  security: SecurityContext;
  close(): Promise<void>;
}

/** Environment variable that sets DuckDB's memory_limit of a store file (e.g. `1GB`). */
export const DUCKDB_MEMORY_LIMIT_ENV = 'BASEERAT_DUCKDB_MEMORY_LIMIT';
/**
 * DuckDB's default memory_limit is 80 % of RAM, and its buffer cache grows with the file up to
 * it: a 1,000,000-row ingest peaked at 1.5 GB, 0.94 GB with a 256 MB limit, at the same CPU time
 * (docs/benchmarks.md "Ingest"). But the ART indexes (incident ids, the unique source key, reports
 * by incident) must stay in memory and count against the limit: with 256 MB a 5,000,000-row ingest
 * failed with "could not allocate block" near 3,000,000 rows. 2 GB bounds the cache on a shared
 * machine and leaves room for the indexes of about 15 million reports; set
 * BASEERAT_DUCKDB_MEMORY_LIMIT for less (small stores) or more. Above the limit DuckDB spills
 * sorts, joins and aggregates to `<file>.tmp`. In-memory stores keep DuckDB's default.
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '2GB';

export async function openEmbedded(path: string, masterKey: Buffer, now: Date, opts: { policyDir?: string; duckdb?: Record<string, string> } = {}): Promise<Embedded> {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  // one writer per file in this process too (openStore's registry): the store's key checks rely on it
  const release = memory ? () => undefined : claimStoreFile(file);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const env = process.env[DUCKDB_MEMORY_LIMIT_ENV];
  const config = memory ? opts.duckdb : { memory_limit: env !== undefined && env !== '' ? env : DEFAULT_DUCKDB_MEMORY_LIMIT, ...opts.duckdb };
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, config);
  } catch (e) {
    release();
    const message = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(message)) {
      throw new BaseeratError('CONFLICT', `the store file ${file} is in use by another process (is \`baseerat serve\` already running?)`, { field: 'db', cause: e });
    }
    throw new BaseeratError('CONFIG', `cannot open the store file ${file}: ${message}`, { field: 'db', cause: e });
  }
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  let security: SecurityContext;
  try {
    security = await openSecurity(instance, masterKey, now, opts.policyDir);
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    release();
    throw e;
  }
  // The store's sensitive columns are encrypted under the `incidents` data key, from the same key
  // ring as the security context: a rotation there is seen by the store at once.
  let store: DuckDBStore;
  try {
    store = new DuckDBStore(instance, conn, { codec: await security.cipherFor(STORE_DATASET, now), onClose: () => { security.close(); release(); } });
  } catch (e) {
    security.close();
    conn.closeSync();
    instance.closeSync();
    release();
    throw e;
  }
  try {
    await store.migrate();
    return { store, security, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}
