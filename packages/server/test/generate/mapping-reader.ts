/**
 * Test-only reader of the agency mapping format, written from its specification (engine/synth/
 * mapping-file.ts), so that the generator's Reports can be checked against its own rows and mapping
 * files. The product's reader is the ingest pipeline's; this one exists so that the generator is
 * not only checked against itself.
 */
import { parse } from 'csv-parse/sync';
import type { Report } from '@baseerat/engine';
import { CLASSIFICATION_LEVELS, isCategoryCode } from '@baseerat/engine';
import type { DistrictGeometry, GazetteerPlace, MappingField, MappingFile } from '@baseerat/engine/synth/index';

type Raw = Record<string, unknown>;
const OFFSETS: Record<string, number> = { 'Asia/Karachi': 5 * 3_600_000, UTC: 0 };

/** Parse `value` with a pattern of yyyy MM dd HH mm ss XXX and quoted literals; epoch ms or undefined. */
export function parsePattern(value: string, format: string, timezone: string): number | undefined {
  if (format === 'iso') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  let re = '';
  const groups: string[] = [];
  for (let i = 0; i < format.length;) {
    const rest = format.slice(i);
    const tok = ['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss', 'XXX'].find((t) => rest.startsWith(t));
    if (tok !== undefined) {
      groups.push(tok);
      re += tok === 'yyyy' ? '(\\d{4})' : tok === 'XXX' ? '(Z|[+-]\\d{2}:\\d{2})' : '(\\d{2})';
      i += tok.length;
    } else if (format[i] === "'") {
      const j = format.indexOf("'", i + 1);
      re += format.slice(i + 1, j).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = j + 1;
    } else {
      re += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const m = new RegExp(`^${re}$`).exec(value);
  if (m === null) return undefined;
  const f: Record<string, string> = {};
  groups.forEach((g, k) => { f[g] = m[k + 1]!; });
  const y = Number(f['yyyy']), mo = Number(f['MM'] ?? 1), d = Number(f['dd'] ?? 1), H = Number(f['HH'] ?? 0), mi = Number(f['mm'] ?? 0), s = Number(f['ss'] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || H > 23 || mi > 59 || s > 59) return undefined;
  let offset = OFFSETS[timezone]!;
  const x = f['XXX'];
  if (x !== undefined) offset = x === 'Z' ? 0 : (x[0] === '-' ? -1 : 1) * (Number(x.slice(1, 3)) * 60 + Number(x.slice(4, 6))) * 60_000;
  return Date.UTC(y, mo - 1, d, H, mi, s) - offset;
}

export type ReadResult = { ok: true; report: Report } | { ok: false; why: string };

export interface ReaderContext { geometry: DistrictGeometry; places: readonly GazetteerPlace[]; receivedAt: string }

function get(row: Raw, f: MappingField | undefined): { v: string | number | undefined; bad?: string } {
  if (f === undefined) return { v: undefined };
  let v: unknown = f.value !== undefined ? f.value : f.column !== undefined ? row[f.column] : undefined;
  if (v === '' || v === null) v = undefined;
  if (v !== undefined && f.map !== undefined) {
    const m = f.map[String(v)];
    if (m === undefined) return { v: undefined, bad: `unmapped ${String(v)}` };
    v = m;
  }
  if (v === undefined && f.default !== undefined) v = f.default;
  return { v: v as string | number | undefined };
}

/** One data line (not blank) of a feed to a Report, or why not. */
export function readLine(mapping: MappingFile, header: string[] | undefined, line: string, ctx: ReaderContext): ReadResult {
  let row: Raw;
  try {
    if (mapping.reader === 'ndjson') row = JSON.parse(line) as Raw;
    else {
      const rec = (parse(line, { delimiter: mapping.delimiter ?? ',' }) as string[][])[0]!;
      row = Object.fromEntries(header!.map((h, i) => [h, rec[i] ?? '']));
    }
  } catch (e) {
    return { ok: false, why: `parse: ${(e as Error).message.slice(0, 40)}` };
  }
  const F = mapping.fields;
  const sourceId = get(row, F.sourceId).v;
  const date = get(row, F.occurredAt);
  if (sourceId === undefined || date.v === undefined) return { ok: false, why: 'missing sourceId or date' };
  let t = parsePattern(String(date.v), F.occurredAt!.format!, mapping.timezone);
  let timePrecision: Report['timePrecision'] = 'exact';
  if (F.occurredAt!.timeColumn !== undefined && t !== undefined) {
    const tv = row[F.occurredAt!.timeColumn];
    if (tv === undefined || tv === '') timePrecision = 'day';
    else {
      const hm = /^(\d{2}):(\d{2})$/.exec(String(tv));
      if (hm === null) return { ok: false, why: 'bad time' };
      t += (Number(hm[1]) * 60 + Number(hm[2])) * 60_000;
    }
  }
  if (t === undefined) return { ok: false, why: 'bad date' };
  const cat = get(row, F.category);
  if (cat.bad !== undefined || cat.v === undefined || !isCategoryCode(String(cat.v))) return { ok: false, why: 'unknown category' };
  const lat = get(row, F.lat).v, lon = get(row, F.lon).v;
  const location: Report['location'] = { precision: 'district', province: String(get(row, F.province).v) };
  let district = get(row, F.district).v as string | undefined;
  if (lat !== undefined && lon !== undefined) {
    const la = Number(lat), lo = Number(lon);
    if (!(la >= 23.5 && la <= 37.2 && lo >= 60.8 && lo <= 77.9)) return { ok: false, why: 'coordinates outside Pakistan' };
    location.lat = la; location.lon = lo; location.precision = 'exact';
    district ??= ctx.geometry.locate(la, lo);
  } else {
    const place = get(row, F.place).v;
    const p = place === undefined ? undefined : ctx.places.find((x) => x.name === place);
    if (p !== undefined) { location.lat = p.lat; location.lon = p.lon; location.precision = 'near'; location.placeName = p.name; }
  }
  if (district !== undefined) location.district = district;
  const cls = get(row, F.classification).v ?? mapping.classification;
  if (!(CLASSIFICATION_LEVELS as readonly string[]).includes(String(cls))) return { ok: false, why: 'bad classification' };
  const n = (k: 'killed' | 'injured' | 'abducted') => Number(get(row, F[k]).v ?? 0);
  const report: Report = {
    occurredAt: new Date(t).toISOString(), timePrecision, location, category: String(cat.v) as Report['category'],
    severity: { killed: n('killed'), injured: n('injured'), abducted: n('abducted') },
    classification: cls as Report['classification'], reportingMode: mapping.reportingMode,
    source: { agency: mapping.agency, sourceId: String(sourceId), receivedAt: ctx.receivedAt, format: `mapping:${mapping.agency}`, raw: line },
  };
  const rep = get(row, F.reportedAt).v;
  if (rep !== undefined) {
    const r = parsePattern(String(rep), F.reportedAt!.format!, mapping.timezone);
    if (r === undefined) return { ok: false, why: 'bad reportedAt' };
    report.reportedAt = new Date(r).toISOString();
  }
  for (const k of ['targetType', 'perpetrator', 'narrative'] as const) {
    const v = get(row, F[k]).v;
    if (v !== undefined) report[k] = String(v);
  }
  return { ok: true, report };
}
