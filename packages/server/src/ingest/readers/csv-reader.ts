/**
 * Streaming CSV reader (RFC 4180 with the usual relaxations) that survives broken files.
 *
 * Why not csv-parse's streaming parser: when a quote is opened and never closed properly,
 * csv-parse (7.x, `skip_records_with_error`) resumes in the middle of the damaged record and
 * swallows every following line up to the next stray quote, so good rows are lost silently. This
 * reader assembles records line by line instead and, when a record that spans several lines turns
 * out broken (an unclosed quote, a bad closing quote, the wrong number of columns, or more than
 * `maxRecordLines` lines), quarantines only the line where the quote opened and reads the lines
 * after it again as records of their own. csv-parse stays the reference: the property tests check
 * that both parse well-formed CSV to the same records.
 *
 * Memory: one chunk of the file plus at most `maxRecordLines` buffered lines. Time: linear in the
 * file for records on one line; a record on k lines is re-scanned k times (k <= maxRecordLines).
 */
import type { FieldIssue } from '@baseerat/engine';
import type { Row } from '../adapter.js';
import { splitLines } from './lines.js';
import { clip, type ByteSource, type ReaderItem, type ReaderStats } from './types.js';

export interface CsvReaderOptions {
  /** One character; default ','. */
  delimiter?: string;
  /** Records to drop after the header (counted in `stats.skippedRows`). */
  skipRowsAfterHeader?: number;
  /** Trim spaces around fields (and allow them after a closing quote). */
  trim?: boolean;
  /** Longest record, in physical lines, before an open quote is judged broken (default 200). */
  maxRecordLines?: number;
  maxLineChars?: number;
}

type Split = { kind: 'fields'; fields: string[] } | { kind: 'open' } | { kind: 'broken'; why: string };

const OPEN: Split = { kind: 'open' };

/** Splits one record's text into fields; `open` when it ends inside a quoted field. */
export function splitRecord(s: string, d: string, trim: boolean): Split {
  const fields: string[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    if (trim) while (i < n && (s[i] === ' ' || s[i] === '\t') && s[i] !== d) i++;
    if (i < n && s.charCodeAt(i) === 34) {
      i++;
      let buf = '';
      let seg = i;
      for (;;) {
        const j = s.indexOf('"', i);
        if (j < 0) return OPEN;
        if (s.charCodeAt(j + 1) === 34) {
          buf += s.slice(seg, j + 1);
          i = j + 2;
          seg = i;
          continue;
        }
        buf += s.slice(seg, j);
        i = j + 1;
        break;
      }
      if (trim) while (i < n && (s[i] === ' ' || s[i] === '\t') && s[i] !== d) i++;
      fields.push(buf);
      if (i >= n) return { kind: 'fields', fields };
      if (s[i] !== d) return { kind: 'broken', why: `broken quoting: unexpected '${s[i]}' after a closing quote in column ${fields.length}` };
      i++;
      if (i >= n) { fields.push(''); return { kind: 'fields', fields }; }
      continue;
    }
    const j = s.indexOf(d, i);
    const end = j < 0 ? n : j;
    const v = s.slice(i, end);
    if (v.indexOf('"') >= 0) return { kind: 'broken', why: `broken quoting: a quote inside unquoted column ${fields.length + 1}` };
    fields.push(trim ? v.trim() : v);
    if (j < 0) return { kind: 'fields', fields };
    i = j + 1;
    if (i >= n) { fields.push(''); return { kind: 'fields', fields }; }
  }
}

function isBlank(line: string, d: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== d && c !== ' ' && c !== '\t') return false;
  }
  return true;
}

function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    let name = f.trim();
    if (name === '') name = `column_${i + 1}`;
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    return k === 0 ? name : `${name}_${k + 1}`;
  });
}

const issue = (field: string, message: string, value?: string): FieldIssue =>
  value === undefined ? { field, message } : { field, value, message };

/**
 * Reads CSV with a header row. Yields one array of items per chunk of input (never per row, so that
 * a caller pays one await per chunk). Blank lines are counted in `stats.blankLines`, not yielded.
 */
export async function* readCsv(source: ByteSource, stats: ReaderStats, opts: CsvReaderOptions = {}): AsyncGenerator<ReaderItem[]> {
  const d = opts.delimiter ?? ',';
  const trim = opts.trim ?? false;
  const maxLines = Math.max(1, opts.maxRecordLines ?? 200);
  let toSkip = opts.skipRowsAfterHeader ?? 0;
  let header: string[] | undefined;
  let headerBroken: { line: number; why: string } | undefined;
  // physical lines of the record being assembled
  let pend: string[] = [];
  let pendNo: number[] = [];
  let out: ReaderItem[] = [];

  const bad = (raw: string, line: number, issues: FieldIssue[]) => { out.push({ ok: false, raw: clip(raw), line, issues }); };

  const emit = (fields: string[], raw: string, line: number): void => {
    if (header === undefined && headerBroken === undefined) {
      header = headerNames(fields);
      stats.columns = header;
      stats.headerLines = raw.split('\n').length;
      return;
    }
    if (headerBroken !== undefined) {
      bad(raw, line, [issue('header', `the header on line ${headerBroken.line} could not be read (${headerBroken.why}), so this row has no column names`)]);
      return;
    }
    if (toSkip > 0) { toSkip--; stats.skippedRows++; return; }
    const h = header!;
    const row: Row = {};
    for (let k = 0; k < h.length; k++) row[h[k]!] = fields[k];
    out.push({ ok: true, row, raw, line });
  };

  // the header line itself is reported too, so that no line goes unaccounted
  const breakHeader = (raw: string, line: number, why: string) => {
    headerBroken = { line, why };
    bad(raw, line, [issue('header', `header: ${why}`)]);
  };

  const wrongCount = (fields: string[], raw: string, line: number) => {
    if (toSkip > 0 && header !== undefined) { toSkip--; stats.skippedRows++; return; }
    bad(raw, line, [issue('row', `wrong number of columns (${fields.length}, expected ${header!.length})`, String(fields.length))]);
  };

  const brokenFirstLine = (why: string) => {
    // quarantine only the line where the damage starts; the lines after it are read again
    const raw = pend[0]!;
    const line = pendNo[0]!;
    const restText = pend.slice(1);
    const restNo = pendNo.slice(1);
    pend = [];
    pendNo = [];
    if (header === undefined && headerBroken === undefined) breakHeader(raw, line, why);
    else bad(raw, line, [issue('row', why)]);
    for (let k = 0; k < restText.length; k++) feed(restText[k]!, restNo[k]!, false);
  };

  const tryRecord = (atEof: boolean) => {
    const raw = pend.length === 1 ? pend[0]! : pend.join('\n');
    const sp = splitRecord(raw, d, trim);
    const multi = pend.length > 1;
    if (sp.kind === 'open') {
      if (atEof || pend.length >= maxLines) {
        brokenFirstLine(`broken quoting: a quote opened on line ${pendNo[0]} is not closed${atEof ? ' before the end of the file' : ` within ${maxLines} lines`}`);
      }
      return;
    }
    if (sp.kind === 'broken') {
      if (multi) brokenFirstLine(`broken quoting: a quoted field opened on line ${pendNo[0]} is not closed properly`);
      else {
        const line = pendNo[0]!;
        pend = []; pendNo = [];
        if (header === undefined && headerBroken === undefined) breakHeader(raw, line, sp.why);
        else bad(raw, line, [issue('row', sp.why)]);
      }
      return;
    }
    const line = pendNo[0]!;
    if (header !== undefined && headerBroken === undefined && sp.fields.length !== header.length) {
      if (multi) { brokenFirstLine(`broken quoting: a quoted field opened on line ${line} spans ${pend.length} lines and gives ${sp.fields.length} columns, expected ${header.length}`); return; }
      pend = []; pendNo = [];
      wrongCount(sp.fields, raw, line);
      return;
    }
    pend = []; pendNo = [];
    emit(sp.fields, raw, line);
  };

  function feed(line: string, no: number, cut: boolean) {
    if (pend.length === 0) {
      if (cut) {
        if (header === undefined && headerBroken === undefined) breakHeader(line, no, 'line too long');
        else bad(line, no, [issue('row', `line longer than ${line.length} characters; the rest of it was not read`)]);
        return;
      }
      if (isBlank(line, d)) { stats.blankLines++; return; }
    }
    pend.push(line);
    pendNo.push(no);
    tryRecord(false);
  }

  for await (const batch of splitLines(source, stats, opts.maxLineChars)) {
    const { lines, firstLine, cut } = batch;
    for (let k = 0; k < lines.length; k++) {
      const no = firstLine + k;
      feed(lines[k]!, no, cut !== undefined && cut.has(no));
    }
    if (out.length > 0) { yield out; out = []; }
  }
  while (pend.length > 0) tryRecord(true);
  if (out.length > 0) yield out;
}
