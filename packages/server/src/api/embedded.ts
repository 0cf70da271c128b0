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

/** Environment variable that sets DuckDB's checkpoint_threshold of a store file (e.g. `64MB`). */
export const DUCKDB_CHECKPOINT_THRESHOLD_ENV = 'BASEERAT_DUCKDB_CHECKPOINT_THRESHOLD';
/**
 * DuckDB checkpoints (writes the WAL into the file) at the commit that takes the WAL past
 * checkpoint_threshold, 16 MB by default. A checkpoint's cost grows with the store, not with the WAL
 * (bench/realtime/path.bench.ts, 60,000 live events with an alert each: the last checkpoint, of
 * 8 MB of WAL, cost 1.4 s, as much as one checkpoint of all 124 MB), so at 16 MB a live feed
 * spends more and more on checkpoints as the file grows: events 30,001-60,000 cost 198-229 us of
 * CPU each at 16 MB against 117-150 us at 256-512 MB, 2026-11-27, under load). 256 MB is a
 * checkpoint about every 120,000 such events (about 2 KB of WAL each); the price is a longer WAL
 * replay when the file is opened after a crash, and the uncheckpointed data held in memory: so it
 * applies with the default memory_limit only (2 GB); a store opened with a smaller memory_limit
 * keeps DuckDB's 16 MB. BASEERAT_DUCKDB_CHECKPOINT_THRESHOLD sets a value in every case.
 */
export const DEFAULT_DUCKDB_CHECKPOINT_THRESHOLD = '256MB';

/**
 * Environment variable that sets DuckDB's disabled_compression_methods of a store (comma list, e.g.
 * `fsst,dict_fsst,dictionary`), off by default. Without string compression a checkpoint of 250 MB
 * of live WAL cost 0.45-0.55 s against 0.9-2.6 s (about half the CPU), but the file is 2.2 times as
 * large (docs/benchmarks.md, "Checkpoint compression for #6"). Applied with SET: DuckDB 1.5.6
 * ignores this setting in the instance config.
 */
export const DUCKDB_DISABLED_COMPRESSION_ENV = 'BASEERAT_DUCKDB_DISABLED_COMPRESSION';

export async function openEmbedded(path: string, masterKey: Buffer, now: Date, opts: { policyDir?: string; duckdb?: Record<string, string> } = {}): Promise<Embedded> {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  // one writer per file in this process too (openStore's registry): the store's key checks rely on it
  const release = memory ? () => undefined : claimStoreFile(file);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const env = process.env[DUCKDB_MEMORY_LIMIT_ENV];
  const checkpointEnv = process.env[DUCKDB_CHECKPOINT_THRESHOLD_ENV];
  const memoryLimit = env !== undefined && env !== '' ? env : DEFAULT_DUCKDB_MEMORY_LIMIT;
  // the larger threshold only with the default memory limit: a store given less memory keeps DuckDB's 16 MB
  const checkpoint = checkpointEnv !== undefined && checkpointEnv !== '' ? checkpointEnv
    : memoryLimit === DEFAULT_DUCKDB_MEMORY_LIMIT && opts.duckdb?.['memory_limit'] === undefined ? DEFAULT_DUCKDB_CHECKPOINT_THRESHOLD : undefined;
  const config = memory ? opts.duckdb : {
    memory_limit: memoryLimit,
    ...(checkpoint === undefined ? {} : { checkpoint_threshold: checkpoint }),
    ...opts.duckdb,
  };
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
  const disabledCompression = process.env[DUCKDB_DISABLED_COMPRESSION_ENV];
  if (disabledCompression !== undefined && disabledCompression !== '') {
    const invalid = (cause?: unknown) => {
      conn.closeSync(); instance.closeSync(); release();
      return new BaseeratError('CONFIG', `${DUCKDB_DISABLED_COMPRESSION_ENV} must be a comma list of DuckDB compression methods, got ${JSON.stringify(disabledCompression)}`, { field: DUCKDB_DISABLED_COMPRESSION_ENV, cause });
    };
    if (!/^[A-Za-z_]+(,[A-Za-z_]+)*$/.test(disabledCompression)) throw invalid();
    try {
      await conn.run(`SET GLOBAL disabled_compression_methods = '${disabledCompression}'`);
    } catch (e) {
      throw invalid(e);
    }
  }
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
