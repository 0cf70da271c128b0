/**
 * Test helper: a throw-away PostgreSQL database on the machine's server (127.0.0.1:5432, trust
 * auth), owned by a login role *without* BYPASSRLS, so that the store under test is subject to its
 * row-level security exactly as in production. One database per test file (unique name), dropped by
 * `drop()`. `BASEERAT_TEST_PG` overrides the administrative URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.BASEERAT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The application role of the tests: LOGIN, NOSUPERUSER, NOBYPASSRLS. */
export const APP_ROLE = 'baseerat_test_app';

export interface TestDatabase {
  name: string;
  /** URL as the application role (RLS applies). */
  appUrl: string;
  /** URL as the administrator (superuser: RLS does not apply), for checks and set-up. */
  adminUrl: string;
  /** Runs one statement as the administrator on this database. */
  admin(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

function withDatabase(url: string, db: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user !== undefined) { u.username = user; u.password = ''; }
  return u.toString();
}

/** Creates a role if it does not exist; tolerates a concurrent creation by another test file. */
export async function ensureRole(client: pg.Client, role: string, attributes: string): Promise<void> {
  try {
    await client.query(`CREATE ROLE ${role} ${attributes}`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42710' && (e as { code?: string }).code !== '23505') throw e;
  }
}

export async function createTestDatabase(prefix = 'baseerat_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const root = new pg.Client({ connectionString: ADMIN_URL });
  await root.connect();
  try {
    await ensureRole(root, APP_ROLE, 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE');
    await root.query(`CREATE DATABASE ${name} OWNER ${APP_ROLE}`);
  } finally {
    await root.end();
  }
  const adminUrl = withDatabase(ADMIN_URL, name);
  const appUrl = withDatabase(ADMIN_URL, name, APP_ROLE);
  return {
    name,
    appUrl,
    adminUrl,
    async admin(sql, values) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        return await c.query(sql, values);
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
