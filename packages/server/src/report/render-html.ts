/**
 * The report as one self-contained HTML file: inline CSS, charts as inline SVG (ECharts server-side
 * rendering), maps as inline SVG (svg-map.ts), no script, no remote resource. The same HTML is what
 * Chromium prints to PDF (render-pdf.ts adds the per-page classification banner and page numbers).
 * The Urdu edition is dir="rtl" with Urdu-capable fonts that Debian ships (fonts-noto-extra: Noto
 * Naskh Arabic; Noto Nastaliq Urdu where installed); without them the browser falls back to any
 * Arabic-script font it has, and the report still renders.
 */
import * as echarts from 'echarts';
import type { DistrictFeatureCollection } from '@baseerat/engine';
import type { ChartSpec, ReportModel, ReportSection, ReportTable } from './model.js';
import { localIsoDate } from './period.js';
import { periodName, sectionTitle, t } from './strings.js';
import { renderMapSvg } from './svg-map.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const CLASSIFICATION_COLOURS: Record<string, string> = {
  UNCLASSIFIED: '#007a33', RESTRICTED: '#c25400', CONFIDENTIAL: '#0033a0', SECRET: '#c8102e',
};

export function renderChartSvg(spec: ChartSpec, width = 680, height = 260): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const series: echarts.SeriesOption[] = [];
    if (spec.intervals !== undefined) {
      const { lower, upper } = spec.intervals;
      series.push({ type: 'bar', stack: 'iv', data: lower, itemStyle: { color: 'transparent' }, silent: true, barWidth: '40%' });
      series.push({ type: 'bar', stack: 'iv', data: upper.map((u, i) => u - lower[i]!), itemStyle: { color: '#f3b9a6' }, name: '90%', barWidth: '40%' });
      for (const s of spec.series) series.push({ type: 'scatter', name: s.name, data: s.values, itemStyle: { color: '#b2182b' }, symbolSize: 9 });
    } else {
      for (const s of spec.series) series.push(spec.kind === 'line'
        ? { type: 'line', name: s.name, data: s.values, symbolSize: 4, lineStyle: { width: 2, color: '#b2182b' }, itemStyle: { color: '#b2182b' } }
        : { type: 'bar', name: s.name, data: s.values, itemStyle: { color: '#b2182b' } });
    }
    chart.setOption({
      animation: false,
      grid: { left: 44, right: 16, top: 16, bottom: spec.categories.length > 14 ? 56 : 36 },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { fontSize: 10, rotate: spec.categories.length > 14 ? 60 : 0, interval: spec.categories.length > 24 ? 2 : 0 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 } },
      series,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function tableHtml(tb: ReportTable): string {
  const head = tb.columns.map((c) => `<th class="${c.kind}">${esc(c.label)}</th>`).join('');
  const body = tb.rows.map((r) => `<tr>${r.map((c, i) => `<td class="${tb.columns[i]?.kind ?? 'text'}">${esc(c.display)}</td>`).join('')}</tr>`).join('');
  return `<figure class="table" id="t-${esc(tb.id)}"><figcaption>${esc(tb.title)}</figcaption><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${tb.note === undefined ? '' : `<p class="note">${esc(tb.note)}</p>`}</figure>`;
}

function sectionHtml(s: ReportSection, n: number, model: ReportModel, boundaries: DistrictFeatureCollection): string {
  // The page marker sits alone on its line (left to right even in the Urdu edition), so that
  // pdftotext finds it for the contents' page numbers.
  const out: string[] = [`<section id="s-${s.id}" class="section s-${s.id}"><div class="mk" dir="ltr">[[S${n}]]</div><h2>${n}. ${esc(s.title)}</h2>`];
  const bullets = s.paragraphs.filter((p) => p.bullet === true), plain = s.paragraphs.filter((p) => p.bullet !== true);
  for (const p of plain) out.push(`<p>${esc(p.text)}</p>`);
  if (bullets.length > 0) out.push(`<ul class="developments">${bullets.map((p) => `<li>${esc(p.text)}</li>`).join('')}</ul>`);
  if (s.unavailable !== undefined) out.push(`<p class="unavailable">${esc(s.unavailable)}</p>`);
  for (const m of s.maps) out.push(`<figure class="map" dir="ltr"><figcaption>${esc(m.title)}</figcaption>${renderMapSvg(m, boundaries)}</figure>`);
  for (const c of s.charts) out.push(`<figure class="chart" dir="ltr"><figcaption>${esc(c.title)}</figcaption>${renderChartSvg(c)}</figure>`);
  // the developments section repeats no table; the summary's key figures come right after its text
  for (const tb of s.tables) if (tb.annexOnly !== true) out.push(tableHtml(tb));
  out.push('</section>');
  void model;
  return out.join('\n');
}

export interface RenderHtmlOptions {
  /** Section number -> page, filled by the PDF renderer's second pass. */
  tocPages?: Record<string, number>;
}

export function renderReportHtml(model: ReportModel, boundaries: DistrictFeatureCollection, opts: RenderHtmlOptions = {}): string {
  const lang = model.lang;
  const rtl = lang === 'ur';
  const colour = CLASSIFICATION_COLOURS[model.classification] ?? '#333';
  const banner = `<div class="banner">${esc(model.classification)}</div>`;
  const toc = model.sections.map((s, i) => `<li><a href="#s-${s.id}">${i + 1}. ${esc(sectionTitle(lang, s.id))}</a><span class="pg">${opts.tocPages?.[String(i + 1)] ?? ''}</span></li>`).join('');
  const fontStack = rtl
    ? `"Noto Nastaliq Urdu", "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif`
    : `"DejaVu Sans", "Liberation Sans", "Noto Sans", Arial, sans-serif`;
  const css = `
    @page { size: A4; margin: 22mm 14mm 20mm 14mm; }
    body { font-family: ${fontStack}; font-size: 10.5pt; color: #111; margin: 0; line-height: ${rtl ? 1.9 : 1.45}; }
    .banner { background: ${colour}; color: #fff; text-align: center; font-weight: bold; padding: 3px 0; font-family: "DejaVu Sans", sans-serif; }
    @media print { .banner.screen { display: none; } }
    .cover { padding: 10mm 0 6mm; border-bottom: 2px solid #222; margin-bottom: 6mm; }
    .cover h1 { font-size: 20pt; margin: 0 0 4mm; }
    .cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 0; }
    .cover dt { font-weight: bold; }
    .cover dd { margin: 0; }
    .classification { color: ${colour}; }
    nav.toc ol { list-style: none; padding: 0; margin: 0; }
    nav.toc li { display: flex; border-bottom: 1px dotted #999; padding: 1mm 0; }
    nav.toc li a { flex: 1; color: #111; text-decoration: none; }
    nav.toc .pg { min-width: 10mm; text-align: ${rtl ? 'left' : 'right'}; }
    section { break-before: page; }
    section.s-summary { break-before: auto; }
    h2 { font-size: 14pt; border-bottom: 1px solid #999; padding-bottom: 1mm; }
    section { position: relative; }
    .mk { position: absolute; top: 0; left: 0; font-size: 2px; line-height: 2px; color: #fff; unicode-bidi: isolate; }
    ul.developments li { margin-bottom: 1.5mm; }
    figure { margin: 3mm 0 5mm; break-inside: avoid; }
    figure.table { break-inside: auto; }
    figcaption { font-weight: bold; margin-bottom: 1mm; }
    table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
    th, td { border: 1px solid #bbb; padding: 0.6mm 1.5mm; text-align: ${rtl ? 'right' : 'left'}; vertical-align: top; }
    th { background: #eee; }
    td.int, td.decimal, td.percent, td.share, td.p, td.ratio { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; direction: ltr; }
    .note { font-size: 8pt; color: #444; margin: 1mm 0 0; }
    .unavailable { font-style: italic; color: #444; background: #f5f5f5; padding: 2mm; }
    figure.map svg, figure.chart svg { max-width: 100%; height: auto; }
  `;
  const generated = t(lang, 'generated').replace('{at}', esc(model.generatedAt.slice(0, 16).replace('T', ' ') + ' UTC')).replace('{by}', esc(model.generatedBy));
  const scope = model.scope.district ?? model.scope.province;
  return `<!doctype html>
<html lang="${lang}" dir="${rtl ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="classification" content="${esc(model.classification)}">
<title>${esc(model.title)}</title>
<style>${css}</style></head>
<body>
${banner.replace('class="banner"', 'class="banner screen"')}
<header class="cover">
<h1>${esc(model.title)}</h1>
<dl>
<dt>${esc(t(lang, 'classification'))}</dt><dd><strong class="classification">${esc(model.classification)}</strong></dd>
<dt>${esc(t(lang, 'period'))}</dt><dd>${esc(periodName(lang, model.period.label))} (<bdi dir="ltr">${esc(localIsoDate(Date.parse(model.period.from)))} – ${esc(localIsoDate(Date.parse(model.period.to) - 1))}</bdi>, ${rtl ? 'پاکستانی وقت' : 'Pakistan time'})</dd>
<dt>${esc(t(lang, 'scope'))}</dt><dd>${esc(scope)}</dd>
<dt></dt><dd>${generated}</dd>
</dl>
</header>
<nav class="toc"><h2>${esc(t(lang, 'toc'))}</h2><ol>${toc}</ol></nav>
${model.sections.map((s, i) => sectionHtml(s, i + 1, model, boundaries)).join('\n')}
${banner.replace('class="banner"', 'class="banner screen"')}
</body></html>`;
}
