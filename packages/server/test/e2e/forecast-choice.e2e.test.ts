/**
 * The forecasts page in Chromium says which count model is shown and why: UCDP GED ingested as two
 * runs, up to 2020 and from October 2021, so no feed covers January-September 2021. The forecast
 * for January 2022 (the month after the last with data) is made from the history without those
 * months, and the page shows the model chosen on the 24 origins before it, with the sentence that
 * says which won and by how much, exactly as GET /api/forecasts/counts gives it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { ingestOne } from '../../src/cli/services.js';
import { loadGeography } from '../../src/reference/geography.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { ensureWebBuilt } from './build-web.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/e2e/', import.meta.url));
const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const PASSWORD = 'correct horse battery staple 42';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

let env: Embedded;
let app: FastifyInstance;
let origin: string;
let browser: Browser;
let tmp: string;
let secret: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'baseerat-forecast-e2e-'));
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
  secret = (await env.security.accounts.createUser({ username: 'analyst', role: 'analyst', clearance: 'SECRET', password: PASSWORD }, { id: 'system', from: 'e2e' }, new Date())).totpSecret;
  app = await createApp({ store: env.store, security: env.security, geography: loadGeography(), webDir });
  // localhost, not 127.0.0.1: Chromium sends the Secure session cookie to http://localhost only.
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  origin = `http://localhost:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await env?.close();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('forecasts page: the model shown and why', () => {
  it('names the chosen model, shows the choice sentence once, and says the uncovered months are left out', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForSelector('form#login');
    await page.fill('#username', 'analyst');
    await page.fill('#password', PASSWORD);
    await page.fill('#totp', totp(base32Decode(secret), Date.now()));
    await page.click('form#login button[type=submit]');
    await page.waitForSelector('form#login', { state: 'detached', timeout: 60_000 });

    // the page's own request (origin: the month after the last month with data)
    const api = await page.evaluate(async () => (await (await fetch('/api/forecasts/counts?province=Balochistan&period=month&origin=2022-01&horizon=1&backtestOrigins=0')).json()) as {
      model: string; horizons: { period: string; model: string; selection: { chosen: string; statement: string; pastOrigins: number; candidates: { model: string; baseline: boolean; cases: number; meanCrps: number }[] } }[]; caveats: { code: string; message: string }[];
    });
    const h = api.horizons[0]!;
    expect(api.model).toBe('backtest-selected');
    expect(h.model).toBe(h.selection.chosen);
    expect(h.selection.candidates.filter((c) => c.baseline).map((c) => c.model).sort()).toEqual(['bootstrap-past-values', 'historical-mean-poisson', 'last-value-poisson']);
    expect(h.selection.statement).toMatch(new RegExp(`^Model for 2022-01: ${h.model}`));
    const gap = api.caveats.find((c) => c.code === 'UNCOVERED_PERIODS')!;
    expect(gap.message).toContain('the count models leave these 9 months (2021-01..2021-09) out of the history');

    await page.evaluate(() => localStorage.setItem('baseerat.lang', 'en'));
    await page.goto(`${origin}/#/forecasts`);
    await page.reload();
    await page.waitForSelector('#forecast-choice', { timeout: 60_000 });
    expect(await page.$eval('#forecast-meta', (e) => e.textContent ?? '')).toContain(`2022-01 · ${h.model} · `);
    expect(await page.$eval('#forecast-choice', (e) => e.textContent ?? '')).toBe(h.selection.statement);
    const listed = await page.$$eval('#page-forecasts ul.caveats li', (l) => l.map((x) => (x as HTMLElement).dataset['message'] ?? x.textContent ?? ''));
    expect(listed.some((m) => m.includes('Model for 2022-01'))).toBe(false); // shown once, above
    expect(listed.some((m) => m.includes('the count models leave these 9 months (2021-01..2021-09) out'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'analyst-forecast-choice-en.png'), fullPage: true });

    // Urdu: the same facts in Urdu, not the English sentence
    await page.evaluate(() => localStorage.setItem('baseerat.lang', 'ur'));
    await page.reload();
    await page.waitForSelector('#forecast-choice', { timeout: 60_000 });
    const ur = await page.$eval('#forecast-choice', (e) => e.textContent ?? '');
    const won = h.selection.candidates.find((c) => c.model === h.model)!;
    expect(ur.startsWith(`2022-01 کے لیے ماڈل: ${h.model}`)).toBe(true);
    expect(ur).toContain(`اوسط CRPS ${won.meanCrps.toFixed(won.meanCrps < 1 ? 3 : 2)}`);
    expect(ur).toContain(`${won.cases} ضلع-مدتوں`);
    expect(ur).toContain(`${h.selection.pastOrigins} آغاز`);
    expect(ur).not.toMatch(/Model for|lower is better|intervals held/);
    await page.screenshot({ path: join(ARTIFACTS, 'analyst-forecast-choice-ur.png'), fullPage: true });
    await context.close();
  });
});
