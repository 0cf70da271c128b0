/**
 * GeoJSON FeatureCollection reader. Parses the file whole, up to `maxBytes` (default 64 MiB), not
 * streamed: agency GeoJSON exports are small, and a larger file is reported (one quarantined item
 * naming the limit) rather than read into memory; convert big ones to NDJSON. Each feature becomes
 * a row of its properties plus `__lon` / `__lat` from a Point geometry (`__geometryType` for any
 * other geometry, which gives no coordinates). `line` is the 1-based feature index.
 */
import type { Row, RowValue } from '../adapter.js';
import { clip, type ByteSource, type ReaderItem, type ReaderStats } from './types.js';

export interface GeojsonReaderOptions {
  maxBytes?: number;
  /** Features per yielded array. */
  chunk?: number;
}

export const DEFAULT_GEOJSON_MAX_BYTES = 64 * 1024 * 1024;

const fail = (raw: string, line: number, message: string): ReaderItem => ({ ok: false, raw: clip(raw, 4096), line, issues: [{ field: 'file', message }] });

export function featureItem(f: unknown, index: number): ReaderItem {
  let raw: string;
  try { raw = JSON.stringify(f) ?? String(f); } catch { raw = String(f); }
  if (typeof f !== 'object' || f === null || Array.isArray(f) || (f as { type?: unknown }).type !== 'Feature') {
    return { ok: false, raw: clip(raw), line: index, issues: [{ field: 'feature', message: `feature ${index} is not a GeoJSON Feature object` }] };
  }
  const { properties, geometry } = f as { properties?: unknown; geometry?: unknown };
  if (properties !== undefined && properties !== null && (typeof properties !== 'object' || Array.isArray(properties))) {
    return { ok: false, raw: clip(raw), line: index, issues: [{ field: 'properties', message: `feature ${index}: properties is not an object` }] };
  }
  const row: Row = { ...((properties ?? {}) as Record<string, RowValue>) };
  if (typeof geometry === 'object' && geometry !== null) {
    const g = geometry as { type?: unknown; coordinates?: unknown };
    const c = g.coordinates;
    if (g.type === 'Point' && Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      row.__lon = c[0];
      row.__lat = c[1];
    } else {
      row.__geometryType = typeof g.type === 'string' ? g.type : 'unknown';
    }
  }
  return { ok: true, row, raw, line: index };
}

export async function* readGeojson(source: ByteSource, stats: ReaderStats, opts: GeojsonReaderOptions = {}): AsyncGenerator<ReaderItem[]> {
  const maxBytes = opts.maxBytes ?? DEFAULT_GEOJSON_MAX_BYTES;
  const chunk = opts.chunk ?? 10_000;
  const parts: Uint8Array[] = [];
  for await (const c of source as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof c === 'string' ? Buffer.from(c) : c;
    stats.bytesRead += bytes.byteLength;
    if (stats.bytesRead > maxBytes) {
      yield [fail('', 1, `GeoJSON file larger than the ${maxBytes} byte limit of this reader; convert it to NDJSON (one feature per line)`)];
      return;
    }
    parts.push(bytes);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(parts));
  if (text.trim() === '') return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    yield [fail(text, 1, `invalid JSON: ${(e as Error).message}`)];
    return;
  }
  const features = (doc as { features?: unknown } | null)?.features;
  if (typeof doc !== 'object' || doc === null || (doc as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray(features)) {
    yield [fail(text, 1, 'not a GeoJSON FeatureCollection (expected {"type": "FeatureCollection", "features": [...]})')];
    return;
  }
  for (let i = 0; i < features.length; i += chunk) {
    const out: ReaderItem[] = [];
    for (let k = i; k < Math.min(features.length, i + chunk); k++) out.push(featureItem(features[k], k + 1));
    yield out;
  }
}
