/**
 * PDF through headless Chromium (playwright-core with Debian's /usr/bin/chromium, the flags of
 * docs/DESIGN: no sandbox as root, no network, a fresh profile). Every page carries the
 * classification banner at the top and bottom (Chromium's header and footer templates) and
 * "page N of M". The table of contents gets page numbers from a second pass: the first PDF is read
 * with pdftotext (poppler-utils) to find the page of each section's marker; without pdftotext the
 * contents list has links but no page numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { DistrictFeatureCollection } from '@baseerat/engine';
import type { ReportModel } from './model.js';
import { CLASSIFICATION_COLOURS, renderReportHtml } from './render-html.js';
import { t } from './strings.js';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/** Chromium with a fresh profile (playwright makes a new temporary one per launch and removes it). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: process.env.BASEERAT_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function bannerTemplate(model: ReportModel, withPage: boolean): string {
  const colour = CLASSIFICATION_COLOURS[model.classification] ?? '#333';
  const page = withPage
    ? `<span style="position:absolute;${model.lang === 'ur' ? 'left' : 'right'}:14mm;top:5mm;color:#333;font-size:8px">${esc(t(model.lang, 'page'))} <span class="pageNumber"></span> ${esc(t(model.lang, 'of'))} <span class="totalPages"></span></span>
       <span style="position:absolute;${model.lang === 'ur' ? 'right' : 'left'}:14mm;top:5mm;color:#333;font-size:8px;max-width:110mm;overflow:hidden;white-space:nowrap">${esc(model.title)}</span>`
    : '';
  return `<div style="width:100%;font-family:'DejaVu Sans',sans-serif;font-size:9px;position:relative;height:12mm;-webkit-print-color-adjust:exact;print-color-adjust:exact">
    <div style="margin:0 60mm;background:${colour};color:#fff;text-align:center;font-weight:bold;padding:1px 0">${esc(model.classification)}</div>${page}</div>`;
}

/** Page (1-based) of each section marker `[[Sn]]` in the PDF, from pdftotext; undefined without poppler. */
export function sectionPages(pdf: Buffer): Record<string, number> | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-toc-'));
  try {
    const file = join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    let text: string;
    try {
      text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return undefined;
    }
    const out: Record<string, number> = {};
    text.split('\f').forEach((page, i) => {
      for (const m of page.matchAll(/\[\[S(\d+)/g)) out[m[1]!] ??= i + 1; // pdftotext may move the closing brackets of a right-to-left line
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function renderReportPdf(model: ReportModel, boundaries: DistrictFeatureCollection, opts: { browser?: Browser } = {}): Promise<Buffer> {
  const own = opts.browser === undefined ? await launchChromium() : undefined;
  const browser = opts.browser ?? own!.browser;
  try {
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      // nothing may be fetched: the HTML is self-contained, and any request is a bug
      await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
      const print = async (html: string): Promise<Buffer> => {
        await page.setContent(html, { waitUntil: 'load' });
        return page.pdf({
          format: 'A4', printBackground: true, displayHeaderFooter: true,
          headerTemplate: bannerTemplate(model, false), footerTemplate: bannerTemplate(model, true),
          margin: { top: '22mm', bottom: '20mm', left: '14mm', right: '14mm' },
        });
      };
      const first = await print(renderReportHtml(model, boundaries));
      const pages = sectionPages(first);
      if (pages === undefined) return first;
      return await print(renderReportHtml(model, boundaries, { tocPages: pages }));
    } finally {
      await context.close();
    }
  } finally {
    await own?.close();
  }
}
