/**
 * The demo store as `npm start` fills it (the shipped UCDP events for Pakistan to 2021, then the
 * generated multi-agency feed for 2024, each ingested through the pipeline so that each run records
 * its range): Trends and the monthly report for December 2024 no longer read the empty 2022-2023
 * as months without incidents. Before feed coverage they said "up from none to N, significant" against
 * December 2023 and "increasing over 36 months" (docs/dashboard.md, the gap misread).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendsService } from '../../src/analysis/index.js';
import { runCountForecast } from '../../src/forecast/counts-service.js';
import { riskService } from '../../src/risk/risk-service.js';
import { DEMO_FEED, DEMO_REPORT } from '../../src/cli/commands/demo.js';
import { loadDistrictsGeoJSON } from '../../src/reference/geography.js';
import { buildReport } from '../../src/report/build-report.js';
import type { ReportModel } from '../../src/report/model.js';
import { renderReportPdf } from '../../src/report/render-pdf.js';
import type { Store } from '../../src/store/index.js';
import { demoStore, geography, ucdpStore } from './report-fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, '../../../../test-artifacts/report');

let store: Store;
let report: ReportModel;
beforeAll(async () => {
  store = await demoStore(DEMO_FEED.start, DEMO_FEED.end, await ucdpStore());
  report = await buildReport({ store, geography }, { ...DEMO_REPORT, generatedBy: 'test', now: new Date(DEMO_FEED.end) });
}, 300_000);
afterAll(async () => { await store?.close(); });

describe('the demo data: UCDP to 2021, a generated feed for 2024, nothing in between', () => {
  it('the feeds cover 1989-2021 and 2024; 2022-2023 is a gap', async () => {
    const c = (await store.listCoverage()).map((r) => r.agency);
    expect(c).toContain('ucdp');
    const { feedCoverageService } = await import('../../src/analysis/index.js');
    const cov = await feedCoverageService({ store });
    expect(cov.gaps.map((g) => g.label)).toEqual([expect.stringMatching(/^2022-01-0\d to 2023-12-31$/)]);
  });

  it('Trends: December 2024 is compared with November 2024 only; December 2023 is no data, and the trend runs over 2024', async () => {
    const env = await trendsService({ store, geography }, { filter: { province: 'Balochistan' } });
    expect(env.annotations.window.from).toBe('2024-11-30T19:00:00.000Z');
    expect(env.result.comparison.previous!.baseline.count).toBeGreaterThan(0);
    expect(env.result.comparison.lastYear).toBeNull();
    expect(env.annotations.sentences.lastYear).toBe('not compared: no data for 2023-12-01 to 2023-12-31 (no feed covers it)');
    const s = env.result.series;
    expect(s.keys.slice(0, 24).every((k) => k.startsWith('2022') || k.startsWith('2023'))).toBe(true);
    expect(s.counts.slice(0, 24)).toEqual(new Array(24).fill(null));
    expect(env.annotations.trendMonths).toEqual({ from: '2024-01', to: '2024-12', count: 12 });
    expect(env.result.trend!.n).toBe(12);
    expect(env.annotations.sentences.trend).not.toMatch(/over 36 months/);
  });

  it('the risk index and the count forecast say their history spans 2022-2023, which no feed covers (UNCOVERED_PERIODS)', async () => {
    // the risk index as the dashboard's risk page and the report ask for it (monthly periods to the report month)
    const risk = await riskService({ store, geography }, { filter: { province: 'Balochistan' }, period: 'month' });
    const ru = risk.caveats.filter((c) => c.code === 'UNCOVERED_PERIODS');
    expect(ru).toHaveLength(1);
    expect(ru[0]!.message).toMatch(/^no feed covers 2022-01-0\d to 2023-12-31 \(\d+ days\) of the window of the risk analysis, 20/);
    // and as the December 2024 report asks for it (reportRiskOptions: monthly, to the report month): listed with the risk index's caveats
    const outlook = report.methods.filter((m) => m.section === 'outlook').flatMap((m) => m.caveats);
    expect(outlook.some((c) => /^no feed covers 2022-01-0\d to 2023-12-31 .* the risk analysis/.test(c))).toBe(true);
    // the count forecast of January 2025, as the dashboard's forecasts page asks for it
    const f = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2025-01', horizon: 1 });
    const fu = f.caveats.filter((c) => c.code === 'UNCOVERED_PERIODS');
    expect(fu).toHaveLength(1);
    expect(fu[0]!.message).toMatch(/no feed covers 2022-01-0\d to 2023-12-31 \(\d+ days\) of the window of the count forecast's history/);
  }, 120_000);

  it('the monthly report for December 2024 says there is no data for December 2023, in the model and in the PDF', async () => {
    const summary = report.sections.find((x) => x.id === 'summary')!;
    const ly = summary.paragraphs.find((p) => p.key === 'change.notcovered')!;
    expect(ly.text).toBe('No comparison with December 2023 is possible: no feed covers 2023-12-01 to 2023-12-31. A period without data is not a period without incidents.');
    expect(summary.paragraphs.map((p) => p.text).join(' ')).not.toMatch(/rose from 0 /);
    const key = summary.tables.find((t) => t.id === 'key-figures')!;
    expect(key.rows.find((r) => String(r[0]?.display ?? r[0]).includes('December 2023'))?.[1]).toMatchObject({ display: 'No data' });
    const trends = report.sections.find((x) => x.id === 'trends')!;
    expect(trends.paragraphs.map((p) => p.key)).toEqual(expect.arrayContaining(['trends.nodata', 'trends.stretch']));

    const dir = join(ARTIFACTS, 'demo-2024-12-coverage');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.pdf'), await renderReportPdf(report, loadDistrictsGeoJSON('Balochistan')));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('No comparison with December 2023 is possible: no feed covers 2023-12-01 to 2023-12-31.');
    expect(text).toContain('No feed covers 24 of the 36 months shown (2022-01 … 2023-12): the chart leaves them as gaps, not zeros.');
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '3', join(dir, 'report.pdf'), join(dir, 'page')]);
  });

  it('the Urdu edition says it in Urdu', async () => {
    const ur = await buildReport({ store, geography }, { ...DEMO_REPORT, generatedBy: 'test', now: new Date(DEMO_FEED.end), lang: 'ur', sections: ['summary', 'trends'] });
    const ly = ur.sections.find((x) => x.id === 'summary')!.paragraphs.find((p) => p.key === 'change.notcovered')!;
    expect(ly.text).toContain('سے موازنہ ممکن نہیں: کوئی فیڈ');
    expect(ly.text).toContain('\u20662023-12-01 – 2023-12-31\u2069');
    expect(ur.sections.find((x) => x.id === 'trends')!.paragraphs.map((p) => p.key)).toContain('trends.nodata');
  });
});
