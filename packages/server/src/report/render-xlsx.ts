/**
 * The XLSX annex: one worksheet per report table (numbers as numbers), a first sheet with the
 * report's text, and the classification in the first row of every sheet and in every printed page's
 * header and footer. Written with exceljs (MIT, pure JavaScript).
 */
import ExcelJS from 'exceljs';
import type { ReportModel } from './model.js';

const NUMFMT: Record<string, string> = { int: '#,##0', decimal: '#,##0.0', ratio: '0.00', p: '0.000', percent: '0', share: '0' };

export async function renderReportXlsx(model: ReportModel): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Baseerat (${model.generatedBy})`;
  wb.created = new Date(model.generatedAt);
  wb.title = model.title;
  const rtl = model.lang === 'ur';
  const head = `&C&"Arial,Bold"${model.classification}`;
  const foot = `&C${model.classification}&RPage &P of &N`;
  const sheet = (name: string) => {
    const ws = wb.addWorksheet(name, { views: [{ rightToLeft: rtl }], headerFooter: { oddHeader: head, oddFooter: foot } });
    const r = ws.addRow([model.classification]);
    r.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    r.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: model.classification === 'UNCLASSIFIED' ? 'FF007A33' : model.classification === 'SECRET' ? 'FFC8102E' : model.classification === 'CONFIDENTIAL' ? 'FF0033A0' : 'FFC25400' } };
    return ws;
  };
  const cover = sheet('Report');
  cover.addRow([model.title]).font = { bold: true, size: 14 };
  cover.addRow(['period', model.period.label, model.period.from, model.period.to]);
  cover.addRow(['scope', model.scope.district ?? model.scope.province]);
  cover.addRow(['generated', model.generatedAt, model.generatedBy]);
  cover.addRow(['districts read', model.districts.join(', ')]);
  cover.addRow([]);
  for (const s of model.sections) {
    cover.addRow([s.title]).font = { bold: true };
    for (const p of s.paragraphs) cover.addRow([p.text]);
    if (s.unavailable !== undefined) cover.addRow([s.unavailable]);
  }
  cover.getColumn(1).width = 100;
  const used = new Set<string>(['Report']);
  for (const s of model.sections) for (const tb of s.tables) {
    let name = tb.id.slice(0, 28);
    for (let k = 2; used.has(name); k++) name = `${tb.id.slice(0, 25)}-${k}`;
    used.add(name);
    const ws = sheet(name);
    ws.addRow([tb.title]).font = { bold: true };
    const hr = ws.addRow(tb.columns.map((c) => c.label));
    hr.font = { bold: true };
    for (const row of tb.rows) {
      ws.addRow(row.map((c, i) => {
        const kind = tb.columns[i]?.kind ?? 'text';
        if (kind === 'text' || typeof c.value !== 'number' || !Number.isFinite(c.value)) return c.display;
        return kind === 'percent' || kind === 'share' ? Math.round(c.value) : c.value;
      }));
    }
    tb.columns.forEach((c, i) => { const col = ws.getColumn(i + 1); col.width = Math.max(10, Math.min(60, c.label.length + 4)); const f = NUMFMT[c.kind]; if (f !== undefined) col.numFmt = f; });
    if (tb.note !== undefined) ws.addRow([tb.note]).font = { italic: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
