/**
 * The risk page in Chromium on a store whose feed went silent before the scored quarter: UCDP GED
 * ingested as two runs, up to 2020 and from October 2021, so no feed covers January-September
 * 2021. The scored quarter (2022 Q1) reads a trend and recent casualties the feeds barely cover:
 * the page says so once above the table, for every district (coverage is in time only, so the
 * note is the same for all; a row keeps only notes that differ), in English and in Urdu, and ranks
 * that could move show the ranks they could take.
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
  tmp = mkdtempSync(join(tmpdir(), 'baseerat-risk-e2e-'));
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

describe('risk page across a feed gap', () => {
  it('says per district which factors the feeds do not cover, and the ranks an uncertain rank could take (EN, UR)', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForSelector('form#login');
    await page.fill('#username', 'analyst');
    await page.fill('#password', PASSWORD);
    await page.fill('#totp', totp(base32Decode(secret), Date.now()));
    await page.click('form#login button[type=submit]');
    await page.waitForSelector('form#login', { state: 'detached', timeout: 60_000 });

    // What the server says: the trend (its earlier window, 2021 Q1-Q2) and recent casualties
    // (a quarter of 2021 covered) are not known for every district.
    const api = await page.evaluate(async () => (await (await fetch('/api/risk?level=district&province=Balochistan&top=50')).json()) as {
      result: { top: { id: string; rank: number; rankRange: [number, number]; uncertain: boolean; factors: { name: string; known: boolean; coveredShare: number }[] }[] };
    });
    const rows = api.result.top;
    expect(rows.length).toBe(34);
    for (const r of rows) {
      expect(r.factors.find((f) => f.name === 'trend')).toMatchObject({ known: false, coveredShare: 0 });
      expect(r.factors.find((f) => f.name === 'harm')!.known).toBe(false);
    }
    const uncertain = rows.filter((r) => r.uncertain);
    expect(uncertain.length).toBeGreaterThan(0);

    await page.evaluate(() => localStorage.setItem('baseerat.lang', 'en'));
    await page.goto(`${origin}/#/risk`);
    await page.reload();
    await page.waitForSelector('#risk-table');
    // Said once, above the table, not on each of the 34 rows.
    const common = await page.$eval('#risk-coverage-common', (x) => x.textContent ?? '');
    expect(common).toMatch(/^For every district: .*the trend: not known \(feeds cover 0% of its time\)/);
    expect(await page.$$eval('#risk-coverage-common', (l) => l.length)).toBe(1);
    const notes = await page.$$eval('#risk-table .risk-coverage', (l) => l.map((x) => x.textContent ?? ''));
    for (const n of notes) expect(n).not.toContain('the trend: not known');
    expect(await page.$eval('#risk-table', (x) => (x.textContent ?? '').includes('not known'))).toBe(false);
    expect(await page.$eval('#risk-coverage-help', (x) => x.textContent ?? '')).toMatch(/^Periods no feed covers are missing data/);
    const ranks = await page.$$eval('#risk-table .risk-rank[data-uncertain]', (l) => l.map((x) => x.textContent ?? ''));
    expect(ranks.length).toBe(uncertain.length);
    const first = uncertain.find((r) => r.rankRange[0] !== r.rankRange[1])!;
    expect(ranks).toContain(`${first.rank}? · could be ${first.rankRange[0]}–${first.rankRange[1]}`);
    await page.screenshot({ path: join(ARTIFACTS, 'analyst-risk-coverage-en.png'), fullPage: true });

    await page.evaluate(() => localStorage.setItem('baseerat.lang', 'ur'));
    await page.reload();
    await page.waitForSelector('#risk-table');
    expect(await page.$eval('#risk-coverage-common', (x) => x.textContent ?? '')).toMatch(/^تمام اضلاع کے لیے: .*رجحان: معلوم نہیں \(فیڈز اس کے وقت کا 0% احاطہ کرتی ہیں\)/);
    expect(await page.$eval('#risk-table', (x) => (x.textContent ?? '').includes('معلوم نہیں'))).toBe(false);
    expect(await page.$$eval('#risk-table .risk-rank[data-uncertain]', (l) => l.map((x) => x.textContent ?? ''))).toContain(`${first.rank}? · ${first.rankRange[0]} تا ${first.rankRange[1]} ہو سکتا ہے`);
    await page.screenshot({ path: join(ARTIFACTS, 'analyst-risk-coverage-ur.png'), fullPage: true });
    // No factor outside its training range here: the model's level, no level note.
    expect(await page.$$eval('#risk-level-note', (l) => l.length)).toBe(0);

    // The page when the server recalibrated the level (result.levelAdjustment != 1; the engine test
    // area-risk-level.test.ts builds such a store): the server's answer with only that field changed.
    await page.route('**/api/risk?*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { result: { levelAdjustment: number } };
      body.result.levelAdjustment = 0.002;
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await page.waitForSelector('#risk-table');
    expect(await page.$eval('#risk-level-note', (x) => x.textContent ?? '')).toMatch(/^متوقع تعداد: اس مدت کا ڈیٹا اس حد سے باہر ہے/);
    await page.evaluate(() => localStorage.setItem('baseerat.lang', 'en'));
    await page.reload();
    await page.waitForSelector('#risk-table');
    expect(await page.$eval('#risk-level-note', (x) => x.textContent ?? '')).toMatch(/^Expected counts: the data of this period lie outside the range the model was trained on .* the expected total is the total recorded in the latest covered period/);
    await context.close();
  });
});
