/**
 * The forecasts page in Chromium says which count model is shown and why: UCDP GED ingested as two
 * runs, up to 2020 and from October 2021, so no feed covers January-September 2021. The forecast
 * for January 2022 (the month after the last with data) is made from the history without those
 * months, and the page shows the model chosen on the 24 origins before it, with the sentence that
 * says which won and by how much, exactly as GET /api/forecasts/counts gives it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startGapDashboard, type GapDashboard } from './ucdp-gap-dashboard.js';

let dash: GapDashboard;
beforeAll(async () => { dash = await startGapDashboard(); }, 180_000);
afterAll(async () => { await dash?.close(); });

describe('forecasts page: the model shown and why', () => {
  it('names the chosen model, shows the choice sentence once, and says the uncovered months are left out', async () => {
    const page = await dash.loginAsAnalyst();
    const context = page.context();

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
    await page.goto(`${dash.origin}/#/forecasts`);
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
