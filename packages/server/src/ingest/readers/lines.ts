/**
 * Streaming line splitter shared by the CSV and NDJSON readers: bytes in, batches of lines out, in
 * constant memory. Decodes UTF-8 across chunk boundaries (invalid bytes become U+FFFD rather than
 * an error), drops a leading byte-order mark, strips `\r` of CRLF files, and cuts a line longer
 * than `maxLineChars` instead of buffering it (so a file without newlines cannot exhaust memory).
 */
import type { ByteSource, ReaderStats } from './types.js';

export interface LineBatch {
  lines: string[];
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  /** Line numbers whose text was cut at `maxLineChars`. */
  cut?: Set<number>;
}

export const DEFAULT_MAX_LINE_CHARS = 4 * 1024 * 1024;

export async function* splitLines(source: ByteSource, stats: ReaderStats, maxLineChars = DEFAULT_MAX_LINE_CHARS): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let carry = '';
  let cutting = false; // inside an overlong line: discard until its newline
  let lineNo = 1;
  let first = true;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    let text: string;
    if (typeof chunk === 'string') {
      stats.bytesRead += Buffer.byteLength(chunk);
      text = chunk;
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } else {
      stats.bytesRead += chunk.byteLength;
      text = decoder.decode(chunk, { stream: true });
    }
    first = false;
    if (text.length === 0) continue;
    const batch: LineBatch = { lines: [], firstLine: lineNo };
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      let line = cutting ? carry : carry + text.slice(start, nl);
      if (cutting) {
        (batch.cut ??= new Set()).add(lineNo);
        cutting = false;
      }
      carry = '';
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      batch.lines.push(line);
      lineNo++;
      start = nl + 1;
    }
    if (!cutting) {
      carry += text.slice(start);
      if (carry.length > maxLineChars) {
        carry = carry.slice(0, maxLineChars);
        cutting = true;
      }
    }
    if (batch.lines.length > 0) yield batch;
  }
  const tail = decoder.decode();
  if (!cutting) carry += tail;
  if (carry.length > 0 || cutting) {
    if (carry.charCodeAt(carry.length - 1) === 13) carry = carry.slice(0, -1);
    const batch: LineBatch = { lines: [carry], firstLine: lineNo };
    if (cutting) batch.cut = new Set([lineNo]);
    yield batch;
  }
}
