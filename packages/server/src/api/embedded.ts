/**
 * The embedded mode's wiring: one DuckDB instance shared by the Store and the security tables.
 * DuckDB lets one process open a file once, and `openStore` keeps its instance private, so this
 * opens the instance itself and builds the DuckDBStore the way `openStore` does (UTC session
 * time zone, migrations), then `openSecurity` on the same instance.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { openSecurity, type SecurityContext } from '../security/admin-operations.js';
import { DuckDBStore } from '../store/duckdb/duckdb-store.js';

export interface Embedded {
  store: DuckDBStore;
  security: SecurityContext;
  close(): Promise<void>;
}

export async function openEmbedded(path: string, masterKey: Buffer, now: Date, opts: { policyDir?: string; duckdb?: Record<string, string> } = {}): Promise<Embedded> {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, opts.duckdb);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(message)) {
      throw new BaseeratError('CONFLICT', `the store file ${file} is in use by another process (is \`baseerat serve\` already running?)`, { field: 'db', cause: e });
    }
    throw new BaseeratError('CONFIG', `cannot open the store file ${file}: ${message}`, { field: 'db', cause: e });
  }
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  const store = new DuckDBStore(instance, conn);
  try {
    await store.migrate();
    const security = await openSecurity(instance, masterKey, now, opts.policyDir);
    return { store, security, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}
