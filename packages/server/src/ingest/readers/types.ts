/**
 * What every reader yields: parsed rows with their raw text and 1-based line, or the problems of a
 * row that could not be parsed (quarantined by the pipeline). Readers never throw on bad input.
 */
import type { FieldIssue } from '@baseerat/engine';
import type { Row } from '../adapter.js';

export type ReaderItem =
  | { ok: true; row: Row; raw: string; line: number }
  | { ok: false; raw: string; line: number; issues: FieldIssue[] };

/** Running counts, mutated by the reader as it goes (read them between chunks for progress). */
export interface ReaderStats {
  /** Bytes consumed from the source so far. */
  bytesRead: number;
  /** Blank lines skipped (CSV: also lines made only of delimiters and spaces). */
  blankLines: number;
  /** CSV rows dropped by `skipRowsAfterHeader` (e.g. UCDP's HXL hashtag row). */
  skippedRows: number;
  /** Physical lines the CSV header took (0 before it is read; more than 1 with quoted newlines). */
  headerLines: number;
  /** CSV header as read (after de-duplication), once known. */
  columns?: string[];
}

export function newReaderStats(): ReaderStats {
  return { bytesRead: 0, blankLines: 0, skippedRows: 0, headerLines: 0 };
}

/** Bytes or text chunks, e.g. a `fs.ReadStream` or `[string]`. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Raw text kept in a quarantine record is cut to this many characters. */
export const MAX_RAW_KEPT = 64 * 1024;

export function clip(s: string, max = MAX_RAW_KEPT): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more characters]`;
}
