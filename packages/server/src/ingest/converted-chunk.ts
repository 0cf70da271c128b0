/**
 * A chunk of converted rows (reports, or quarantine items with their reasons) in columns: what the
 * parse worker (parse-worker.ts) sends to the main thread. Columns because the structured clone of
 * a few typed arrays and string arrays, plus one small object per report built on arrival, costs
 * the receiving thread far less than the clone (or JSON) of one object tree per report: measured
 * on 10,000 reports, about 0.3-0.8 us per row on arrival against 2-6 us for `JSON.parse` and 3-9 us
 * for the structured clone of the objects (noisy, on the shared machine).
 *
 * Exactness: `decodeReport` rebuilds each report with the keys in `ReportSchema`'s order (the order
 * every adapter's output has, since all go through `checkReport`), optional keys absent when they
 * were absent, so that the report equals the adapter's, key order included (tested in
 * test/ingest/parse-worker.test.ts). Low-cardinality strings (precisions, district, province,
 * category, agency, ...) go once per chunk in `symbols`.
 */
import type { FieldIssue, Location, Report } from '@baseerat/engine';

/** Report fields sent as indices into `symbols` (in this order, per item). */
const SYMBOLS = 12;
/** Numbers per item: lat, lon (NaN: absent), killed, injured, abducted. */
const NUMBERS = 5;

export interface ConvertedChunk {
  /** Items in the chunk, reports and quarantine items, in file order. */
  n: number;
  /** 1-based line of each item. */
  lines: Float64Array;
  /** Per item: 0 for a report, else 1 + its index in `failures`. */
  failedAt: Int32Array;
  failures: { raw: string; issues: FieldIssue[] }[];
  numbers: Float64Array;
  /** Per item `SYMBOLS` indices into `symbols`, -1 when the field is absent. */
  symbolRefs: Int32Array;
  symbols: string[];
  occurredAt: string[];
  reportedAt: (string | null)[];
  h3: (string | null)[];
  placeName: (string | null)[];
  narrative: (string | null)[];
  sourceId: string[];
  raw: string[];
}

/** Collects converted items of one chunk (worker side); `take()` returns the chunk and starts the next. */
export class ChunkEncoder {
  private lines: number[] = [];
  private failedAt: number[] = [];
  private failures: { raw: string; issues: FieldIssue[] }[] = [];
  private numbers: number[] = [];
  private symbolRefs: number[] = [];
  private symbols: string[] = [];
  private symbolIndex = new Map<string, number>();
  private occurredAt: string[] = [];
  private reportedAt: (string | null)[] = [];
  private h3: (string | null)[] = [];
  private placeName: (string | null)[] = [];
  private narrative: (string | null)[] = [];
  private sourceId: string[] = [];
  private raw: string[] = [];

  get size(): number {
    return this.lines.length;
  }

  private sym(v: string | undefined): number {
    if (v === undefined) return -1;
    let i = this.symbolIndex.get(v);
    if (i === undefined) {
      i = this.symbols.length;
      this.symbols.push(v);
      this.symbolIndex.set(v, i);
    }
    return i;
  }

  fail(line: number, raw: string, issues: FieldIssue[]): void {
    this.lines.push(line);
    this.failures.push({ raw, issues });
    this.failedAt.push(this.failures.length);
    this.numbers.push(NaN, NaN, 0, 0, 0);
    for (let k = 0; k < SYMBOLS; k++) this.symbolRefs.push(-1);
    this.occurredAt.push('');
    this.reportedAt.push(null);
    this.h3.push(null);
    this.placeName.push(null);
    this.narrative.push(null);
    this.sourceId.push('');
    this.raw.push('');
  }

  report(line: number, r: Report): void {
    const l = r.location, s = r.severity, src = r.source;
    this.lines.push(line);
    this.failedAt.push(0);
    this.numbers.push(l.lat ?? NaN, l.lon ?? NaN, s.killed, s.injured, s.abducted);
    this.symbolRefs.push(
      this.sym(r.timePrecision), this.sym(l.precision), this.sym(l.district), this.sym(l.province), this.sym(r.category),
      this.sym(r.targetType), this.sym(r.perpetrator), this.sym(r.classification), this.sym(r.reportingMode),
      this.sym(src.agency), this.sym(src.receivedAt), this.sym(src.format),
    );
    this.occurredAt.push(r.occurredAt);
    this.reportedAt.push(r.reportedAt ?? null);
    this.h3.push(l.h3 ?? null);
    this.placeName.push(l.placeName ?? null);
    this.narrative.push(r.narrative ?? null);
    this.sourceId.push(src.sourceId);
    this.raw.push(src.raw);
  }

  take(): ConvertedChunk {
    const c: ConvertedChunk = {
      n: this.lines.length,
      lines: Float64Array.from(this.lines),
      failedAt: Int32Array.from(this.failedAt),
      failures: this.failures,
      numbers: Float64Array.from(this.numbers),
      symbolRefs: Int32Array.from(this.symbolRefs),
      symbols: this.symbols,
      occurredAt: this.occurredAt,
      reportedAt: this.reportedAt,
      h3: this.h3,
      placeName: this.placeName,
      narrative: this.narrative,
      sourceId: this.sourceId,
      raw: this.raw,
    };
    this.lines = []; this.failedAt = []; this.failures = []; this.numbers = []; this.symbolRefs = [];
    this.symbols = []; this.symbolIndex = new Map();
    this.occurredAt = []; this.reportedAt = []; this.h3 = []; this.placeName = []; this.narrative = []; this.sourceId = []; this.raw = [];
    return c;
  }
}

/** Symbol `k` of item base `b`, or undefined when absent. */
function symbolAt(c: ConvertedChunk, b: number, k: number): string | undefined {
  const j = c.symbolRefs[b + k]!;
  return j < 0 ? undefined : c.symbols[j];
}

/** The report of item `i` (which must not be a failure), keys in `ReportSchema`'s order. */
export function decodeReport(c: ConvertedChunk, i: number): Report {
  const num = c.numbers;
  const b = i * SYMBOLS, nb = i * NUMBERS;
  const location = {} as Location;
  const lat = num[nb]!, lon = num[nb + 1]!;
  if (!Number.isNaN(lat)) location.lat = lat;
  if (!Number.isNaN(lon)) location.lon = lon;
  location.precision = symbolAt(c, b, 1) as Location['precision'];
  const district = symbolAt(c, b, 2), province = symbolAt(c, b, 3);
  if (district !== undefined) location.district = district;
  if (province !== undefined) location.province = province;
  const h3 = c.h3[i], placeName = c.placeName[i];
  if (h3 != null) location.h3 = h3;
  if (placeName != null) location.placeName = placeName;

  const r = { occurredAt: c.occurredAt[i]!, timePrecision: symbolAt(c, b, 0) as Report['timePrecision'] } as Report;
  const reportedAt = c.reportedAt[i];
  if (reportedAt != null) r.reportedAt = reportedAt;
  r.location = location;
  r.category = symbolAt(c, b, 4) as Report['category'];
  r.severity = { killed: num[nb + 2]!, injured: num[nb + 3]!, abducted: num[nb + 4]! };
  const targetType = symbolAt(c, b, 5), perpetrator = symbolAt(c, b, 6), narrative = c.narrative[i];
  if (targetType !== undefined) r.targetType = targetType;
  if (perpetrator !== undefined) r.perpetrator = perpetrator;
  if (narrative != null) r.narrative = narrative;
  r.classification = symbolAt(c, b, 7) as Report['classification'];
  r.reportingMode = symbolAt(c, b, 8) as Report['reportingMode'];
  r.source = { agency: symbolAt(c, b, 9)!, sourceId: c.sourceId[i]!, receivedAt: symbolAt(c, b, 10)!, format: symbolAt(c, b, 11)!, raw: c.raw[i]! };
  return r;
}
