/**
 * Reports of the demo data (the `baseerat demo` synthetic multi-agency Balochistan feed, its
 * generator and seed, January to June 2024): the monthly assessment for June 2024 renders to PDF
 * (pages kept as PNG under test-artifacts/), and a district edition reads no incident of another
 * district: every store call it makes is recorded, and everything the store returned is checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictsGeoJSON } from '../../src/reference/geography.js';
import { buildReport } from '../../src/report/build-report.js';
import type { ReportModel } from '../../src/report/model.js';
import { renderReportPdf } from '../../src/report/render-pdf.js';
import { renderReportXlsx } from '../../src/report/render-xlsx.js';
import type { IncidentColumns, Store } from '../../src/store/index.js';
import { demoStore, geography } from './report-fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, '../../../../test-artifacts/report');
const NOW = new Date('2026-01-05T08:00:00.000Z');

let store: Store;
let province: ReportModel;
beforeAll(async () => {
  store = await demoStore('2024-01-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z');
  province = await buildReport({ store, geography }, { template: 'monthly', period: '2024-06', generatedBy: 'test', now: NOW });
}, 90_000);
afterAll(async () => { await store.close(); });

/** The store, with every answer's districts recorded. */
function recording(inner: Store): { store: Store; seen: Set<string>; calls: string[] } {
  const seen = new Set<string>();
  const calls: string[] = [];
  const colsDistricts = (c: IncidentColumns) => { for (let i = 0; i < c.length; i++) { const d = c.district[i]!; seen.add(d >= 0 ? c.districtNames[d]! : '(none)'); } };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        calls.push(String(prop));
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (prop === 'readColumns') colsDistricts(out as IncidentColumns);
        if (prop === 'listIncidents') for (const inc of (out as { items: { location: { district?: string } }[] }).items) seen.add(inc.location.district ?? '(none)');
        if (prop === 'stats') for (const [d, n] of Object.entries((out as { byDistrict: Record<string, number> }).byDistrict)) if (n > 0) seen.add(d);
        if (prop === 'listRuns' || prop === 'listQuarantine' || prop === 'linkCandidates') seen.add(`(called ${String(prop)})`);
        return out;
      };
    },
  });
  return { store, seen, calls };
}

describe('monthly report of the demo data, June 2024', () => {
  it('reads the multi-agency feed: agencies, corroborated incidents and the classification of the data', () => {
    expect(province.classification).toBe('SECRET');
    const agencies = province.sections.find((s) => s.id === 'data-quality')!.tables.find((t) => t.id === 'agencies')!;
    expect(agencies.rows.length).toBeGreaterThanOrEqual(4);
    const count = province.sections[0]!.paragraphs[0]!.facts.find((f) => f.key === 'count')!.value as number;
    expect(count).toBeGreaterThan(300);
  });

  it('a district edition (Quetta) reads and shows no incident of another district', async () => {
    const rec = recording(store);
    const m = await buildReport({ store: rec.store, geography }, { template: 'monthly', period: '2024-06', district: 'Quetta', generatedBy: 'test', now: NOW });
    expect(rec.calls).toContain('readColumns');
    expect([...rec.seen]).toEqual(['Quetta']);
    expect(m.districts).toEqual(['Quetta']);
    expect(m.scope.district).toBe('Quetta');
    // no other district is named anywhere in the edition
    const others = geography.districtsIn('Balochistan').map((d) => d.name).filter((n) => n !== 'Quetta');
    const text = JSON.stringify(m);
    for (const o of others) expect(text.includes(`"${o}"`) || text.includes(` ${o} `) || text.includes(`${o}:`), o).toBe(false);
    // and the province edition does name them
    expect(JSON.stringify(province)).toContain('"Kech"');
  });

  it('a weekly brief covers the ISO week (Monday to Monday, Pakistan time) against the week before', async () => {
    const w = await buildReport({ store, geography }, { template: 'weekly', period: '2024-W24', generatedBy: 'test', now: NOW });
    expect(w.period).toMatchObject({ kind: 'week', label: '2024-W24', from: '2024-06-09T19:00:00.000Z', to: '2024-06-16T19:00:00.000Z', previousLabel: '2024-W23' });
    expect(w.title).toBe('Weekly security brief: Balochistan province, week 2024-W24');
    const s = w.sections[0]!.paragraphs;
    expect(s[1]!.text).toMatch(/^Compared with week 2024-W23, incidents (rose|fell) from \d+ to \d+ .*(not )?significant at the 5% level/);
    const ur = await buildReport({ store, geography }, { template: 'weekly', period: '2024-W24', generatedBy: 'test', now: NOW, lang: 'ur', sections: ['trends'] });
    expect(ur.title).toContain('\u20662024-W24\u2069');
  });

  it('renders to PDF (pages kept as PNG) and to an XLSX annex', async () => {
    const dir = join(ARTIFACTS, 'demo-2024-06-en');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const pdf = await renderReportPdf(province, loadDistrictsGeoJSON('Balochistan'));
    writeFileSync(join(dir, 'report.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThan(8);
    pages.forEach((p, i) => expect(p.match(/SECRET/g)?.length ?? 0, `page ${i + 1}`).toBeGreaterThanOrEqual(2));
    execFileSync('pdftoppm', ['-r', '60', '-png', join(dir, 'report.pdf'), join(dir, 'page')]);
    const xlsx = await renderReportXlsx(province);
    writeFileSync(join(dir, 'annex.xlsx'), xlsx);
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.length).toBeGreaterThan(10);
    for (const ws of wb.worksheets) expect(ws.getCell(1, 1).value, ws.name).toBe('SECRET');
    const byDistrict = wb.getWorksheet('by-district')!;
    expect(byDistrict.getRow(3).getCell(1).value).toBe('District');
  });
});
