/**
 * Streaming NDJSON reader: one JSON object per line. A line that is not valid JSON, or is JSON but
 * not an object, is yielded as a bad item (quarantined) and reading continues. Memory: one chunk
 * of the file plus one line (cut at `maxLineChars`).
 */
import type { Row } from '../adapter.js';
import { splitLines } from './lines.js';
import { clip, type ByteSource, type ReaderItem, type ReaderStats } from './types.js';

export interface NdjsonReaderOptions {
  maxLineChars?: number;
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** Turns one decoded JSON value into a reader item (shared with the live endpoint). */
export function objectItem(value: unknown, raw: string, line: number): ReaderItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, raw: clip(raw), line, issues: [{ field: 'row', value: clip(raw, 200), message: `not a JSON object (got ${kindOf(value)})` }] };
  }
  return { ok: true, row: value as Row, raw, line };
}

export async function* readNdjson(source: ByteSource, stats: ReaderStats, opts: NdjsonReaderOptions = {}): AsyncGenerator<ReaderItem[]> {
  for await (const { lines, firstLine, cut } of splitLines(source, stats, opts.maxLineChars)) {
    const out: ReaderItem[] = [];
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      const no = firstLine + k;
      if (cut !== undefined && cut.has(no)) {
        out.push({ ok: false, raw: clip(line), line: no, issues: [{ field: 'row', message: `line longer than ${line.length} characters; the rest of it was not read` }] });
        continue;
      }
      if (line.trim() === '') { stats.blankLines++; continue; }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        out.push({ ok: false, raw: clip(line), line: no, issues: [{ field: 'row', message: `invalid JSON: ${(e as Error).message}` }] });
        continue;
      }
      out.push(objectItem(value, line, no));
    }
    if (out.length > 0) yield out;
  }
}
