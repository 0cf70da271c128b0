/**
 * A monthly threat assessment of real data: UCDP GED events in Balochistan, August 2012. The model
 * is compared with a committed golden file (numbers rounded); every number of the narrative is
 * checked against the analysis services called directly and against the report's tables; the
 * English and Urdu editions render to PDF, whose pages are kept as PNGs under test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAlerts, type MonitorIncident } from '@baseerat/engine';
import { aggregateService, trendsService } from '../../src/analysis/index.js';
import { runCountForecast } from '../../src/forecast/counts-service.js';
import { loadDistrictsGeoJSON } from '../../src/reference/geography.js';
import { buildReport, exampleRuleSet, replayPeriod } from '../../src/report/build-report.js';
import type { ReportModel } from '../../src/report/model.js';
import { renderReportHtml } from '../../src/report/render-html.js';
import { launchChromium, renderReportPdf } from '../../src/report/render-pdf.js';
import { t } from '../../src/report/strings.js';
import type { Store } from '../../src/store/index.js';
import { geography, numberTokens, ucdpStore } from './report-fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(here, '../fixtures/report/ucdp-balochistan-2012-08.golden.json');
const ARTIFACTS = join(here, '../../../../test-artifacts/report');
const NOW = new Date('2026-01-05T08:00:00.000Z');

/** Numbers rounded to 4 significant digits: the golden file pins the report, not float noise. */
function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? Number(v.toPrecision(4)) : String(v);
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

let store: Store;
let en: ReportModel;
let ur: ReportModel;

beforeAll(async () => {
  store = await ucdpStore();
  en = await buildReport({ store, geography }, { template: 'monthly', period: '2012-08', generatedBy: 'test', now: NOW });
  ur = await buildReport({ store, geography }, { template: 'monthly', period: '2012-08', generatedBy: 'test', now: NOW, lang: 'ur' });
});
afterAll(async () => { await store.close(); });

const factOf = (m: ReportModel, section: string, key: string): number => {
  for (const p of m.sections.find((s) => s.id === section)?.paragraphs ?? []) for (const f of p.facts) if (f.key === key && typeof f.value === 'number') return f.value;
  throw new Error(`no fact ${key} in ${section}`);
};

describe('monthly report of UCDP Balochistan, August 2012', () => {
  it('has every section of the template, the classification of the data and the districts read', () => {
    expect(en.sections.map((s) => s.id)).toEqual(['summary', 'developments', 'trends', 'maps', 'near-repeat', 'alerts', 'outlook', 'deployment', 'evaluation', 'data-quality', 'methods']);
    expect(en.classification).toBe('UNCLASSIFIED');
    expect(en.districts).toContain('Quetta');
    expect(en.title).toBe('Monthly threat assessment: Balochistan province, August 2012');
  });

  it('matches the golden model (numbers rounded to 4 significant digits; REGRESSION file, regenerate with UPDATE_GOLDEN=1 after a reviewed change)', () => {
    const got = rounded(en);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, JSON.stringify(got, null, 1) + '\n');
    }
    expect(got).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('every number in the narrative is a fact of its sentence, and every fact is a cell of a table', () => {
    for (const m of [en, ur]) {
      const cells = new Set(m.sections.flatMap((s) => s.tables.flatMap((tb) => tb.rows.flatMap((r) => r.map((c) => c.display)))));
      let checked = 0;
      for (const s of m.sections) for (const p of s.paragraphs) {
        const template = p.key === undefined ? p.text : t(m.lang, p.key).replace(/\{[a-zA-Z0-9_]+\}/g, ' ');
        const expected = [...numberTokens(template), ...p.facts.flatMap((f) => numberTokens(f.display))].sort();
        expect(numberTokens(p.text).sort(), `${s.id}: ${p.text}`).toEqual(expected);
        for (const f of p.facts) {
          if (typeof f.value !== 'number') continue;
          expect(cells.has(f.display), `${s.id} fact ${f.key} = ${f.display} is in no table`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
      // the risk outlook and deployment sentences are among those checked
      const keys = new Set(m.sections.flatMap((s) => s.paragraphs.map((p) => p.key)));
      for (const k of ['summary.risk', 'outlook.text', 'risk.text', 'risk.top', 'risk.mix', 'deploy.text', 'deploy.compare', 'deploy.schedule']) expect(keys.has(k), `${m.lang} ${k}`).toBe(true);
    }
  });

  it('the summary numbers equal the trends and aggregate services called directly', async () => {
    const filter = { province: 'Balochistan', from: '2012-08-01', to: '2012-09-01' };
    const tr = await trendsService({ store, geography }, { filter });
    const c = tr.result.comparison;
    expect(factOf(en, 'summary', 'count')).toBe(c.previous!.current.count);
    expect(factOf(en, 'summary', 'previous.before')).toBe(c.previous!.baseline.count);
    expect(factOf(en, 'summary', 'previous.p')).toBe(c.previous!.pValue);
    expect(factOf(en, 'summary', 'previous.ratio')).toBe(c.previous!.rateRatio);
    expect(factOf(en, 'summary', 'lastYear.before')).toBe(c.lastYear!.baseline.count);
    expect(factOf(en, 'summary', 'lastYear.p')).toBe(c.lastYear!.pValue);
    expect(factOf(en, 'summary', 'n')).toBe(tr.result.byDistrict.areas.length);
    expect(factOf(en, 'summary', 'sig')).toBe(tr.result.byDistrict.areas.filter((a) => a.significantAfterAdjustment).length);
    const agg = await aggregateService({ store, geography }, { filter, period: 'none' });
    expect(factOf(en, 'summary', 'killed')).toBe(agg.result.rows.reduce((s, r) => s + (r.killed ?? 0), 0));
    expect(factOf(en, 'summary', 'injured')).toBe(agg.result.rows.reduce((s, r) => s + (r.injured ?? 0), 0));
    // the values of this month, read off the UCDP file by hand (17 events, 6 in July 2012)
    expect(factOf(en, 'summary', 'count')).toBe(17);
    expect(factOf(en, 'summary', 'previous.before')).toBe(6);
  });

  it('the alerts of the period equal a replay of the whole history by the engine (replayAlerts)', async () => {
    const cols = await store.readColumns({ provinces: ['Balochistan'], to: '2012-08-31T19:00:00.000Z' });
    const { CATEGORY_CODES } = await import('@baseerat/engine');
    const incidents: MonitorIncident[] = [];
    for (let i = 0; i < cols.length; i++) {
      const d = cols.district[i]!;
      incidents.push({
        id: cols.id[i]!, occurredAt: new Date(cols.time[i]!).toISOString(), category: CATEGORY_CODES[cols.category[i]!]!,
        location: { ...(Number.isFinite(cols.lat[i]!) ? { lat: cols.lat[i]!, lon: cols.lon[i]! } : {}), ...(d >= 0 ? { district: cols.districtNames[d]! } : {}) },
        severity: { killed: cols.killed[i]!, injured: cols.injured[i]! },
      });
    }
    const from = Date.parse('2012-07-31T19:00:00.000Z'), to = Date.parse('2012-08-31T19:00:00.000Z');
    const all = replayAlerts(incidents, exampleRuleSet()).alerts.filter((a) => Date.parse(a.openedAt) >= from && Date.parse(a.openedAt) < to);
    const mine = replayPeriod(incidents, exampleRuleSet(), from, to, 427);
    const key = (a: { ruleId: string; incidentId: string; openedAt: string }) => `${a.openedAt} ${a.ruleId} ${a.incidentId}`;
    expect(all.length).toBeGreaterThan(0);
    expect(mine.map(key).sort()).toEqual(all.map(key).sort());
    expect(factOf(en, 'summary', 'alerts')).toBe(all.length);
  });

  it('the outlook equals the count forecast service', async () => {
    const f = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: '2012-09', horizon: 1, backtestOrigins: 0 });
    const total = f.horizons[0]!.districts.reduce((s, d) => s + d.mean, 0);
    expect(factOf(en, 'summary', 'mean')).toBeCloseTo(total, 10);
    const lo = factOf(en, 'summary', 'lo'), hi = factOf(en, 'summary', 'hi');
    expect(lo).toBeLessThanOrEqual(total);
    expect(hi).toBeGreaterThanOrEqual(total);
    // the forecast table's note says which model is shown and why, as the service does
    const note = en.sections.find((s) => s.id === 'outlook')!.tables.find((tb) => tb.id === 'forecast')!.note ?? '';
    expect(note.startsWith(f.horizons[0]!.selection!.statement)).toBe(true);
  });

  it('the Urdu edition has the same numbers, right to left', () => {
    const html = renderReportHtml(ur, loadDistrictsGeoJSON('Balochistan'));
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('lang="ur"');
    expect(factOf(ur, 'summary', 'count')).toBe(factOf(en, 'summary', 'count'));
    expect(ur.sections[0]!.paragraphs[0]!.text).toContain('واقعات');
  });

  it('the HTML is self-contained: no remote resource, no script', () => {
    const html = renderReportHtml(en, loadDistrictsGeoJSON('Balochistan'));
    expect(html).not.toMatch(/(src|href)\s*=\s*["'](https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it('renders English and Urdu PDFs with the banner and page numbers on every page; pages kept as PNG', async () => {
    const chromium = await launchChromium();
    try {
      const boundaries = loadDistrictsGeoJSON('Balochistan');
      for (const m of [en, ur]) {
        const pdf = await renderReportPdf(m, boundaries, { browser: chromium.browser });
        const dir = join(ARTIFACTS, `ucdp-2012-08-${m.lang}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'report.pdf'), pdf);
        const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
        const pages = text.split('\f').filter((p) => p.trim() !== '');
        expect(pages.length).toBeGreaterThan(8);
        pages.forEach((p, i) => {
          expect(p.match(/UNCLASSIFIED/g)?.length ?? 0, `page ${i + 1} banner`).toBeGreaterThanOrEqual(2);
          if (m.lang === 'en') expect(p).toContain(`Page ${i + 1} of ${pages.length}`);
        });
        // the contents list carries page numbers from the second pass
        if (m.lang === 'en') expect(pages[0]).toMatch(/11\. Methods notes\s+\d+/);
        execFileSync('pdftoppm', ['-r', '60', '-png', join(dir, 'report.pdf'), join(dir, 'page')]);
        expect(readdirSync(dir).filter((f) => f.endsWith('.png')).length).toBe(pages.length);
      }
    } finally {
      await chromium.close();
    }
  }, 180_000);
});
