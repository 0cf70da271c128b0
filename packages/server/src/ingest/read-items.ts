/**
 * What the pipeline and the parse worker share: the reader an adapter asks for, the check of a CSV
 * header against a mapping, and one row run through the adapter with a throw turned into a
 * quarantine reason (adapters must not throw, but a bug in one must not stop a file).
 */
import { BaseeratError, type FieldIssue, type Report, type Result } from '@baseerat/engine';
import type { Adapter, AdapterContext, Row } from './adapter.js';
import type { MappingAdapter } from './mapping.js';
import { readCsv, readGeojson, readNdjson, type ByteSource, type ReaderItem, type ReaderStats } from './readers/index.js';

/** The reader an adapter asks for, over a byte source. */
export function readItems(adapter: Adapter, source: ByteSource, stats: ReaderStats): AsyncGenerator<ReaderItem[]> {
  switch (adapter.reader) {
    case 'csv': {
      const o = adapter.csv ?? {};
      return readCsv(source, stats, {
        ...(o.delimiter === undefined ? {} : { delimiter: o.delimiter }),
        ...(o.skipRowsAfterHeader === undefined ? {} : { skipRowsAfterHeader: o.skipRowsAfterHeader }),
        ...(o.trim === undefined ? {} : { trim: o.trim }),
      });
    }
    case 'ndjson': return readNdjson(source, stats);
    case 'geojson': return readGeojson(source, stats);
    default: throw new BaseeratError('CONFIG', `adapter ${(adapter as Adapter).name}: unknown reader '${String((adapter as Adapter).reader)}'`, { field: 'reader' });
  }
}

/** `adapter.toReport`, with a throw turned into an issue naming the adapter. */
export function runAdapter(adapter: Adapter, row: Row, raw: string, line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> {
  try {
    return adapter.toReport(row, raw, line, ctx);
  } catch (e) {
    return { ok: false as const, error: [{ field: 'row', message: `adapter ${adapter.name} failed on this row: ${(e as Error)?.message ?? String(e)}` }] };
  }
}

export function hasCheckColumns(a: Adapter): a is MappingAdapter {
  return typeof (a as Partial<MappingAdapter>).checkColumns === 'function';
}

/**
 * Stops at the first CSV header that lacks a column the mapping reads (it would quarantine every
 * row); true once the header has been seen.
 */
export function checkHeader(adapter: Adapter, origin: string, stats: ReaderStats): boolean {
  if (adapter.reader !== 'csv' || stats.columns === undefined) return false;
  if (hasCheckColumns(adapter)) {
    const missing = adapter.checkColumns(stats.columns);
    if (missing.length > 0) {
      throw new BaseeratError('VALIDATION', `${origin}: ${missing.map((m) => m.message).join('; ')} (header: ${stats.columns.join(', ')})`, {
        field: missing[0]!.field, details: { issues: missing },
      });
    }
  }
  return true;
}
