import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as csvParseSync } from 'csv-parse/sync';
import {
  newReaderStats, readCsv, readGeojson, readNdjson, type ByteSource, type ReaderItem, type ReaderStats,
} from '../../src/ingest/readers/index.js';

async function collect(gen: AsyncGenerator<ReaderItem[]>): Promise<ReaderItem[]> {
  const out: ReaderItem[] = [];
  for await (const items of gen) out.push(...items);
  return out;
}
const csv = async (text: string | ByteSource, opts = {}) => {
  const stats = newReaderStats();
  const items = await collect(readCsv(typeof text === 'string' ? [text] : text, stats, opts));
  return { items, stats };
};
const rows = (items: ReaderItem[]) => items.filter((i) => i.ok).map((i) => (i.ok ? i.row : {}));
const bad = (items: ReaderItem[]) => items.filter((i) => !i.ok).map((i) => (i.ok ? undefined : { line: i.line, raw: i.raw, why: i.issues[0]!.message }));

/** Splits text into byte chunks of `size`, to cross every boundary (multi-byte characters included). */
function chunks(text: string, size: number): Uint8Array[] {
  const b = Buffer.from(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

describe('CSV reader', () => {
  it('reads quoted delimiters, escaped quotes and quoted newlines, keeping raw text and first line', async () => {
    const { items } = await csv('id,text,n\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines",4\n4,x,5\n');
    expect(rows(items)).toEqual([
      { id: '1', text: 'a, b', n: '2' }, { id: '2', text: 'say "hi"', n: '3' }, { id: '3', text: 'two\nlines', n: '4' }, { id: '4', text: 'x', n: '5' },
    ]);
    expect(items.map((i) => i.line)).toEqual([2, 3, 4, 6]);
    expect(items[2]!.raw).toBe('3,"two\nlines",4');
  });

  it('strips a BOM and CRLF, honours other delimiters, counts blank lines', async () => {
    const { items, stats } = await csv('\uFEFFid;name\r\n\r\n1;Quetta\r\n;\r\n   \r\n2;"Gwa;dar"\r\n', { delimiter: ';' });
    expect(stats.columns).toEqual(['id', 'name']);
    expect(rows(items)).toEqual([{ id: '1', name: 'Quetta' }, { id: '2', name: 'Gwa;dar' }]);
    expect(stats.blankLines).toBe(3);
    const tab = await csv('a\tb\n1\t2\n', { delimiter: '\t' });
    expect(rows(tab.items)).toEqual([{ a: '1', b: '2' }]);
  });

  it('a short or long row is quarantined with the column count', async () => {
    const { items } = await csv('a,b,c\n1,2\n1,2,3,4\n1,2,3\n');
    expect(bad(items)).toEqual([
      { line: 2, raw: '1,2', why: 'wrong number of columns (2, expected 3)' },
      { line: 3, raw: '1,2,3,4', why: 'wrong number of columns (4, expected 3)' },
    ]);
    expect(rows(items)).toEqual([{ a: '1', b: '2', c: '3' }]);
  });

  it('broken quoting quarantines only the damaged line and reading continues', async () => {
    const text = [
      'id,a,b', '1,x,y', '2,"bro,ken', '3,p,q', '4,r,s', '5,"q""t",u', '6,ab"c,d', '7,"e"f,g', '8,ok,ok', '9,e,"unclosed', '10,a,b',
    ].join('\n');
    const { items } = await csv(text);
    expect(rows(items).map((r) => r.id)).toEqual(['1', '3', '4', '5', '8', '10']);
    expect(bad(items)).toEqual([
      { line: 3, raw: '2,"bro,ken', why: 'broken quoting: a quoted field opened on line 3 is not closed properly' },
      { line: 7, raw: '6,ab"c,d', why: 'broken quoting: a quote inside unquoted column 2' },
      { line: 8, raw: '7,"e"f,g', why: "broken quoting: unexpected 'f' after a closing quote in column 2" },
      { line: 10, raw: '9,e,"unclosed', why: 'broken quoting: a quote opened on line 10 is not closed before the end of the file' },
    ]);
  });

  it('csv-parse, by contrast, loses the rows after an unclosed quote (why this reader has its own scanner)', async () => {
    // if this starts failing, csv-parse has learnt to recover and could replace the scanner
    const { parse } = await import('csv-parse');
    const text = 'id,a,b\n1,x,y\n2,"bro,ken\n3,p,q\n4,r,s\n5,"q""t",u\n6,ok,ok\n';
    const got: string[] = [];
    const p = parse({ relax_column_count: true, skip_records_with_error: true, from_line: 2 });
    p.end(text);
    for await (const r of p) got.push((r as string[])[0]!);
    expect(got).not.toContain('3');
    expect(got).not.toContain('4');
    const mine = await csv(text);
    expect(rows(mine.items).map((r) => r.id)).toEqual(['1', '3', '4', '5', '6']);
  });

  it('an open quote that would swallow lines into a record of the wrong width is undone', async () => {
    // the quote on line 2 closes on line 4 with a valid-looking field end: 2 columns too many
    const { items } = await csv('a,b,c\n1,"x,y\n2,p,q\n3,"r",s\n');
    expect(rows(items).map((r) => r.a)).toEqual(['2', '3']);
    expect(bad(items)[0]!.line).toBe(2);
    // and one that never closes within maxRecordLines
    const many = ['a,b', '1,"open', ...Array.from({ length: 30 }, (_, i) => `${i + 2},v`)].join('\n');
    const r = await csv(many, { maxRecordLines: 10 });
    expect(bad(r.items)).toEqual([{ line: 2, raw: '1,"open', why: 'broken quoting: a quote opened on line 2 is not closed within 10 lines' }]);
    expect(rows(r.items)).toHaveLength(30);
  });

  it('gives the same result whatever the chunking, multi-byte characters included', async () => {
    const text = 'id,name,note\n1,کوئٹہ,"multi\nline"\n2,گوادر,"a ""q"""\n\n3,Ziarat,x\n';
    const whole = await csv(text);
    for (const size of [1, 2, 3, 7]) {
      const r = await csv(chunks(text, size));
      expect(r.items).toEqual(whole.items);
      expect(r.stats.bytesRead).toBe(Buffer.byteLength(text));
      expect(r.stats.blankLines).toBe(1);
    }
  });

  it('skips rows after the header (UCDP HXL row), trims when asked, de-duplicates header names', async () => {
    const r = await csv('id,name,name\n#id,#name,#x\n1 , Quetta ,z\n', { skipRowsAfterHeader: 1, trim: true });
    expect(r.stats.skippedRows).toBe(1);
    expect(rows(r.items)).toEqual([{ id: '1', name: 'Quetta', name_2: 'z' }]);
  });

  it('a broken header quarantines every row with that reason', async () => {
    const { items } = await csv('id,"na"me\n1,x\n');
    expect(bad(items)).toEqual([{ line: 1, raw: 'id,"na"me', why: "header: broken quoting: unexpected 'm' after a closing quote in column 2" }, { line: 2, raw: '1,x', why: "the header on line 1 could not be read (broken quoting: unexpected 'm' after a closing quote in column 2), so this row has no column names" }]);
  });

  it('a line longer than maxLineChars is cut and quarantined, not buffered', async () => {
    const long = 'x'.repeat(5000);
    const r = await csv(chunks(`a,b\n1,${long}\n2,y\n`, 100), { maxLineChars: 1000 });
    expect(bad(r.items)).toHaveLength(1);
    expect(bad(r.items)[0]!.line).toBe(2);
    expect(rows(r.items)).toEqual([{ a: '2', b: 'y' }]);
  });
});

describe('NDJSON reader', () => {
  it('quarantines invalid JSON and non-objects, counts blank lines', async () => {
    const stats = newReaderStats();
    const text = '{"id":1}\n\n{bad json}\n[1,2]\n"str"\nnull\n{"id":2,"nested":{"a":[1]}}\r\n';
    const items = await collect(readNdjson([text], stats));
    expect(rows(items)).toEqual([{ id: 1 }, { id: 2, nested: { a: [1] } }]);
    expect(bad(items).map((b) => [b!.line, b!.why.split(':')[0]])).toEqual([[3, 'invalid JSON'], [4, 'not a JSON object (got an array)'], [5, 'not a JSON object (got a string)'], [6, 'not a JSON object (got null)']]);
    expect(stats.blankLines).toBe(1);
    expect(stats.bytesRead).toBe(Buffer.byteLength(text));
  });
});

describe('GeoJSON reader', () => {
  const fcol = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
  it('turns Point features into rows with __lon/__lat; quarantines bad features', async () => {
    const stats = newReaderStats();
    const items = await collect(readGeojson(chunks(fcol([
      { type: 'Feature', geometry: { type: 'Point', coordinates: [67.0, 30.2] }, properties: { id: 'a' } },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: { id: 'b' } },
      { type: 'Feature', geometry: null, properties: null },
      { type: 'Point' },
      { type: 'Feature', properties: [1] },
    ]), 16), stats));
    expect(rows(items)).toEqual([{ id: 'a', __lon: 67.0, __lat: 30.2 }, { id: 'b', __geometryType: 'Polygon' }, {}]);
    expect(bad(items).map((b) => b!.line)).toEqual([4, 5]);
  });

  it('reports a file that is not a FeatureCollection, invalid, or over the size limit as one item', async () => {
    const one = async (text: string, opts = {}) => bad(await collect(readGeojson([text], newReaderStats(), opts)));
    expect(await one('{"type":"Feature"}')).toHaveLength(1);
    expect((await one('{oops'))[0]!.why).toMatch(/^invalid JSON/);
    expect((await one(fcol([]) + ' '.repeat(100), { maxBytes: 50 }))[0]!.why).toMatch(/larger than the 50 byte limit/);
    expect(await one('')).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

/** Every physical line is accounted for: the header, a blank line, or part of exactly one item's raw text. */
function accounted(text: string, items: ReaderItem[], stats: ReaderStats): boolean {
  const physical = text.replace(/^\uFEFF/, '').split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (physical === 0 || text.replace(/^\uFEFF/, '') === '') return items.length === 0;
  const inItems = items.reduce((s, i) => s + i.raw.split('\n').length, 0);
  const header = stats.headerLines;
  return inItems + stats.blankLines + header + stats.skippedRows === physical;
}

describe('reader properties (fixed seed)', () => {
  const csvChars = fc.constantFrom('a', 'b', '1', ',', '"', '\n', '\r\n', ' ', ';', '\t', 'ی', '\uFEFF', '');
  const csvText = fc.array(csvChars, { maxLength: 120 }).map((a) => a.join(''));

  it('CSV: no input throws, and no line is lost', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(csvText, fc.string()), fc.integer({ min: 1, max: 9 }), async (text, size) => {
      const stats = newReaderStats();
      const items = await collect(readCsv(chunks(text, size), stats, { maxRecordLines: 5 }));
      for (const i of items) if (!i.ok) expect(i.issues.length).toBeGreaterThan(0);
      expect(accounted(text.replace(/\r\n/g, '\n').replace(/\r$/, ''), items, stats)).toBe(true);
    }), { seed: 42, numRuns: 600 });
  });

  it('CSV: arbitrary bytes never throw', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      const items = await collect(readCsv([bytes], newReaderStats()));
      expect(Array.isArray(items)).toBe(true);
    }), { seed: 43, numRuns: 300 });
  });

  it('CSV: well-formed files parse exactly as csv-parse does (the reference)', async () => {
    const field = fc.oneof(fc.string({ maxLength: 6 }).filter((s) => !/[",\n\r]/.test(s)), fc.string({ maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`));
    const file = fc.integer({ min: 1, max: 5 }).chain((w) => fc.array(fc.array(field, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 8 }));
    await fc.assert(fc.asyncProperty(file, async (records) => {
      // a first column that is never empty: a line of only delimiters counts as blank here, not for csv-parse
      const text = records.map((r, i) => [`r${i}`, ...r].join(',')).join('\n');
      const expected = csvParseSync(text, { bom: true }) as string[][];
      const stats = newReaderStats();
      const items = await collect(readCsv([text], stats));
      expect(items.every((i) => i.ok)).toBe(true);
      // data rows compared; the header is trimmed and de-duplicated by design
      expect(items.map((i) => (i.ok ? stats.columns!.map((c) => i.row[c]) : []))).toEqual(expected.slice(1));
      expect(stats.columns).toHaveLength(expected[0]!.length);
    }), { seed: 44, numRuns: 400 });
  });

  it('NDJSON: arbitrary JSON values and junk lines never throw; objects come back intact', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string()), { maxLength: 20 }), async (lines) => {
      const text = lines.map((l) => l.replace(/[\n\r]/g, ' ')).join('\n');
      const stats = newReaderStats();
      const items = await collect(readNdjson([text], stats));
      expect(items.length + stats.blankLines).toBe(text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
      for (const i of items) if (i.ok) expect(JSON.parse(i.raw)).toEqual(i.row);
    }), { seed: 45, numRuns: 400 });
  });

  it('GeoJSON: arbitrary JSON never throws', async () => {
    const feature = fc.record({ type: fc.constantFrom('Feature', 'X'), geometry: fc.oneof(fc.jsonValue(), fc.record({ type: fc.constant('Point'), coordinates: fc.array(fc.double(), { maxLength: 3 }) })), properties: fc.jsonValue() }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constant('FeatureCollection'), features: fc.array(fc.oneof(feature, fc.jsonValue()), { maxLength: 6 }) })), async (doc) => {
      const items = await collect(readGeojson([JSON.stringify(doc) ?? ''], newReaderStats()));
      for (const i of items) expect(typeof i.line).toBe('number');
    }), { seed: 46, numRuns: 300 });
  });
});
