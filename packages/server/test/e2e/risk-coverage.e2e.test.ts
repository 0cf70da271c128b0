/**
 * The risk page in Chromium on a store whose feed went silent before the scored quarter: UCDP GED
 * ingested as two runs, up to 2020 and from October 2021, so no feed covers January-September
 * 2021. The scored quarter (2022 Q1) reads a trend and recent casualties the feeds barely cover:
 * the page says so once above the table, for every district (coverage is in time only, so the
 * note is the same for all; a row keeps only notes that differ), in English and in Urdu, and ranks
 * that could move show the ranks they could take.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startGapDashboard, type GapDashboard } from './ucdp-gap-dashboard.js';

let dash: GapDashboard;
beforeAll(async () => { dash = await startGapDashboard(); }, 180_000);
afterAll(async () => { await dash?.close(); });

describe('risk page across a feed gap', () => {
  it('says per district which factors the feeds do not cover, and the ranks an uncertain rank could take (EN, UR)', async () => {
    const page = await dash.loginAsAnalyst();
    const context = page.context();

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
    await page.goto(`${dash.origin}/#/risk`);
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
