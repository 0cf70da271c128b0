/**
 * generateReport: build the model (build-report.ts), render the formats asked for, write them to a
 * directory or into the archive (with its index row), and return what was written. The CLI, the
 * API and the scheduler all call this, so a report is the same however it was asked for.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { BaseeratError, type DistrictFeatureCollection } from '@baseerat/engine';
import type { AnalysisContext } from '../analysis/index.js';
import { loadDistrictsGeoJSON } from '../reference/geography.js';
import { REPORT_FORMATS, type ArchivedReport, type ReportArchive, type ReportFormat } from './archive.js';
import { buildReport, type BuildReportOptions } from './build-report.js';
import type { ReportModel } from './model.js';
import { renderReportHtml } from './render-html.js';
import { renderReportPdf } from './render-pdf.js';
import { renderReportXlsx } from './render-xlsx.js';

export interface GenerateReportOptions extends BuildReportOptions {
  formats: readonly ReportFormat[];
  /** Write the files here as `<template>-<period>[-<district>]-<lang>.<ext>`. */
  outDir?: string;
  /** Or archive them (files and an index row). */
  archive?: ReportArchive;
  /** Name of the schedule that asked (archive row). */
  schedule?: string;
  /** A browser to reuse for the PDF (the scheduler and tests keep one). */
  browser?: Browser;
  /** Called with the model before anything is rendered or written: throw to refuse (the API's label check). */
  authorize?: (model: ReportModel) => Promise<void> | void;
}

export interface GeneratedReport {
  id: string;
  model: ReportModel;
  files: Partial<Record<ReportFormat, string>>;
  archived?: ArchivedReport;
  /** Milliseconds spent building the model and rendering each format. */
  timings: Partial<Record<'model' | ReportFormat, number>>;
}

export function parseFormats(text: string): ReportFormat[] {
  const out = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const f of out) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new BaseeratError('VALIDATION', `format ${JSON.stringify(f)} is not one of ${REPORT_FORMATS.join(', ')}`, { field: 'format' });
  if (out.length === 0) throw new BaseeratError('VALIDATION', 'give at least one format', { field: 'format' });
  return [...new Set(out)] as ReportFormat[];
}

export function reportId(model: ReportModel): string {
  const h = createHash('sha256').update(JSON.stringify([model.template, model.period.label, model.scope, model.lang, model.generatedAt, model.generatedBy])).digest('hex');
  return `rpt_${h.slice(0, 20)}`;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function reportFileStem(model: ReportModel): string {
  return [model.template, model.period.label, ...(model.scope.district === null ? [] : [slug(model.scope.district)]), model.lang].join('-');
}

export async function renderFormat(model: ReportModel, format: ReportFormat, boundaries: DistrictFeatureCollection, browser?: Browser): Promise<Buffer> {
  switch (format) {
    case 'json': return Buffer.from(JSON.stringify(model, null, 1));
    case 'html': return Buffer.from(renderReportHtml(model, boundaries));
    case 'pdf': return renderReportPdf(model, boundaries, browser === undefined ? {} : { browser });
    case 'xlsx': return renderReportXlsx(model);
  }
}

export async function generateReport(ctx: AnalysisContext, o: GenerateReportOptions): Promise<GeneratedReport> {
  const timings: GeneratedReport['timings'] = {};
  let t0 = performance.now();
  const model = await buildReport(ctx, o);
  timings.model = performance.now() - t0;
  await o.authorize?.(model);
  const id = reportId(model);
  const boundaries = loadDistrictsGeoJSON(model.scope.province);
  const files: GeneratedReport['files'] = {};
  const dir = o.archive !== undefined ? o.archive.reportDir(id) : o.outDir !== undefined ? resolve(o.outDir) : undefined;
  if (dir === undefined) throw new BaseeratError('VALIDATION', 'give an output directory or an archive', { field: 'out' });
  mkdirSync(dir, { recursive: true });
  for (const f of o.formats) {
    t0 = performance.now();
    const bytes = await renderFormat(model, f, boundaries, o.browser);
    timings[f] = performance.now() - t0;
    const file = join(dir, o.archive !== undefined ? `report.${f}` : `${reportFileStem(model)}.${f}`);
    writeFileSync(file, bytes);
    files[f] = file;
  }
  let archived: ArchivedReport | undefined;
  if (o.archive !== undefined) {
    if (files.json === undefined) writeFileSync(join(dir, 'report.json'), JSON.stringify(model, null, 1));
    archived = {
      id, template: model.template, period: model.period.label, lang: model.lang, province: model.scope.province, district: model.scope.district,
      classification: model.classification, districts: model.districts, title: model.title,
      formats: [...new Set<ReportFormat>([...o.formats, 'json'])], generatedBy: model.generatedBy, generatedAt: model.generatedAt, schedule: o.schedule ?? null,
    };
    await o.archive.record(archived);
  }
  return { id, model, files, ...(archived === undefined ? {} : { archived }), timings };
}
