/**
 * Screenshots of the dashboard's risk page (English and Urdu) on a store, for a person to look at:
 * opens the store with its master key (master.key beside it), adds a throwaway analyst, serves the
 * built dashboard on loopback and drives Debian's Chromium through playwright-core.
 *
 * Run: npm run build:web && TZ=UTC npx tsx bench/risk/risk-page-screenshot.ts /tmp/demo/baseerat.duckdb
 *      (the demo store: npx tsx packages/server/src/cli/main.ts demo --db /tmp/demo/baseerat.duckdb --no-serve)
 * Writes test-artifacts/risk/risk-page-{en,ur}.png.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createApp } from '../../packages/server/src/api/index.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';

const db = process.argv[2];
if (db === undefined) throw new Error('give the store file');
const out = fileURLToPath(new URL('../../test-artifacts/risk/', import.meta.url));
mkdirSync(out, { recursive: true });
const env = await openEmbedded(db, await resolveMasterKey(db, { create: false }), new Date());
const username = `shot_${randomBytes(4).toString('hex')}`;
const password = randomBytes(18).toString('base64url');
const e = await env.security.accounts.createUser({ username, password, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'risk-page-screenshot' }, new Date());
const app = await createApp({ store: env.store, security: env.security, geography: loadGeography(), webDir: fileURLToPath(new URL('../../packages/web/dist/', import.meta.url)) });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
const origin = `http://localhost:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
try {
  // One sign-in (a TOTP code is accepted once), then each language on the same session.
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector('form#login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.fill('#totp', totp(base32Decode(e.totpSecret), Date.now()));
  await page.click('form#login button[type=submit]');
  await page.waitForSelector('form#login', { state: 'detached', timeout: 60_000 });
  for (const lang of ['en', 'ur'] as const) {
    await page.evaluate((l) => localStorage.setItem('baseerat.lang', l), lang);
    await page.goto(`${origin}/#/risk`);
    await page.reload();
    await page.waitForSelector('#risk-table, #page-risk .not-available, #page-risk .error', { timeout: 120_000 });
    await page.screenshot({ path: join(out, `risk-page-${lang}.png`), fullPage: true });
    console.log(lang, await page.$eval('#page-risk', (x) => (x as HTMLElement).innerText.slice(0, 600)));
  }
  await context.close();
} finally {
  await browser.close();
  await app.close();
  await env.close();
}
