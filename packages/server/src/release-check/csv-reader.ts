/**
 * A small RFC 4180 CSV reader of its own, so that the checker shares no code with the release
 * writer (a bug in a shared parser could hide a bad file from both). Quoted fields, doubled quotes,
 * CRLF or LF, embedded newlines. A byte-order mark is removed. Never throws: a malformed file
 * (unterminated quote, rows of the wrong width) comes back as problems.
 */
export interface CsvTable {
  header: string[];
  rows: string[][];
  problems: string[];
}

export function readCsvText(text: string): CsvTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  const problems: string[] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += ch; i++; continue;
    }
    if (ch === '"' && !fieldStarted) { quoted = true; fieldStarted = true; i++; continue; }
    if (ch === ',') { record.push(field); field = ''; fieldStarted = false; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      record.push(field); records.push(record);
      record = []; field = ''; fieldStarted = false;
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    // Unquoted run: slice up to the next delimiter rather than growing the string one character at a time.
    let j = i + 1;
    while (j < src.length) { const c = src[j]!; if (c === ',' || c === '\n' || c === '\r') break; j++; }
    field += src.slice(i, j); fieldStarted = true; i = j;
  }
  if (quoted) problems.push('the file ends inside a quoted field');
  if (fieldStarted || record.length > 0) { record.push(field); records.push(record); }
  // A blank line is not a record (but a line with one empty field in a one-column file would be: not our case).
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  const header = nonEmpty[0] ?? [];
  if (header.length === 0) problems.push('the file has no header');
  const rows = nonEmpty.slice(1);
  rows.forEach((r, j) => {
    if (r.length !== header.length) problems.push(`row ${j + 1} has ${r.length} fields, the header ${header.length}`);
  });
  return { header, rows, problems };
}
