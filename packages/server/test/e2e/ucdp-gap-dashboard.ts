/**
 * A dashboard in Chromium on a store whose feed went silent: UCDP GED ingested as two runs, up to
 * 2020 and from October 2021, so no feed covers January-September 2021. Shared by the e2e tests of
 * the pages that must say what a feed gap does to them (forecasts, risk).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/api/index.js';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { ingestOne } from '../../src/cli/services.js';
import { loadGeography } from '../../src/reference/geography.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { ensureWebBuilt } from './build-web.js';

export const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/e2e/', import.meta.url));
const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const PASSWORD = 'correct horse battery staple 42';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

export interface GapDashboard {
  env: Embedded;
  browser: Browser;
  /** http://localhost:<port> (Chromium sends the Secure session cookie to localhost only). */
  origin: string;
  /** Opens the dashboard in a new page and logs in as the SECRET analyst with the second factor. */
  loginAsAnalyst(): Promise<Page>;
  close(): Promise<void>;
}

export async function startGapDashboard(): Promise<GapDashboard> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'baseerat-gap-e2e-'));
  let env: Embedded | undefined, app: FastifyInstance | undefined, browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await env?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const webDir = await ensureWebBuilt();
    env = await openEmbedded(':memory:', randomBytes(32), new Date());
    const rows = parse(readFileSync(UCDP), { relax_column_count: true }) as string[][];
    const date = rows[0]!.indexOf('date_start');
    const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    for (const [k, [from, to]] of [['1989', '2021-01-01'], ['2021-10-01', '2022']].entries()) {
      const file = join(tmp, `part${k}.csv`);
      writeFileSync(file, [rows[0]!, rows[1]!, ...rows.slice(2).filter((r) => r[date]! >= from! && r[date]! < to!)].map((r) => r.map(q).join(',')).join('\n') + '\n');
      await ingestOne(env.store, file, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
    }
    const secret = (await env.security.accounts.createUser({ username: 'analyst', role: 'analyst', clearance: 'SECRET', password: PASSWORD }, { id: 'system', from: 'e2e' }, new Date())).totpSecret;
    app = await createApp({ store: env.store, security: env.security, geography: loadGeography(), webDir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const origin = `http://localhost:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
    const b = browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const loginAsAnalyst = async () => {
      const context = await b.newContext({ viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await page.waitForSelector('form#login');
      await page.fill('#username', 'analyst');
      await page.fill('#password', PASSWORD);
      await page.fill('#totp', totp(base32Decode(secret), Date.now()));
      await page.click('form#login button[type=submit]');
      await page.waitForSelector('form#login', { state: 'detached', timeout: 60_000 });
      return page;
    };
    return { env, browser: b, origin, loginAsAnalyst, close };
  } catch (err) {
    await close();
    throw err;
  }
}
