import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FieldIssue, Report } from '@baseerat/engine';
import { loadMappingFile, mappingAdapter, parseMapping, type Mapping } from '../../src/ingest/mapping.js';
import type { AdapterContext, Row } from '../../src/ingest/adapter.js';
import { FakeGeocoder } from './fakes.js';
import { isCanonicalValidReport } from '../../src/ingest/report-check.js';

const root = new URL('../../../../', import.meta.url).pathname;
const levies = JSON.parse(await import('node:fs/promises').then((f) => f.readFile(`${root}data/mappings/examples/levies.json`, 'utf8'))) as Mapping;

const ctx: AdapterContext = {
  geocoder: new FakeGeocoder(), agency: 'levies', receivedAt: '2024-03-05T00:00:00.000Z', classification: 'RESTRICTED', reportingMode: 'unknown',
};

const base: Row = {
  ref_no: 'LV-1', date: '01/03/2024', time: '10:15', lat: '30.18', lon: '67.01', place: '', district: 'Quetta', type: 'Blast',
  killed: '2', injured: '', abducted: '', target: 'Police', claimed_by: '', details: 'IED', class: 'R', reported: '',
};

function run(row: Partial<Row>, m: Mapping = levies): { ok: true; value: Report } | { ok: false; error: FieldIssue[] } {
  return mappingAdapter(m).toReport({ ...base, ...row }, 'raw text', 7, ctx);
}
function issues(row: Partial<Row>, m: Mapping = levies): string[] {
  const r = run(row, m);
  if (r.ok) throw new Error(`expected issues, got a report: ${JSON.stringify(r.value)}`);
  return r.error.map((i) => i.message);
}
function report(row: Partial<Row>, m: Mapping = levies): Report {
  const r = run(row, m);
  if (!r.ok) throw new Error(`expected a report, got ${JSON.stringify(r.error)}`);
  return r.value;
}
const withFields = (fields: Record<string, unknown>, top: Record<string, unknown> = {}): Mapping => ({ ...levies, ...top, fields: { ...levies.fields, ...fields } } as Mapping);

describe('mapping file validation', () => {
  it('accepts the shipped examples', async () => {
    for (const f of ['levies.json', 'rescue-1122.json', 'ctd-geojson.json']) {
      const a = await loadMappingFile(`${root}data/mappings/examples/${f}`);
      expect(a.name).toMatch(/^mapping:/);
    }
  });

  const fieldsOf = (doc: unknown) => {
    const r = parseMapping(doc);
    if (r.ok) throw new Error('expected errors');
    return r.error;
  };

  it('names an unknown key, at any depth', () => {
    expect(fieldsOf({ ...levies, agencyy: 'x' })).toEqual([{ field: 'agencyy', message: 'unknown key' }]);
    const e = fieldsOf(withFields({ occurredAt: { column: 'date', fromat: 'dd/MM/yyyy' } }));
    expect(e).toEqual([{ field: 'fields.occurredAt.fromat', message: 'unknown key' }]);
    expect(fieldsOf(withFields({ weather: { column: 'w' } })).map((i) => i.field)).toEqual(['fields.weather']);
  });

  it('names a missing required field', () => {
    const { sourceId: _s, ...rest } = levies.fields;
    const e = fieldsOf({ ...levies, fields: rest });
    expect(e.map((i) => i.field)).toEqual(['fields.sourceId']);
  });

  it('names a bad date pattern, category code, classification, time zone and reader', () => {
    const e = fieldsOf(withFields(
      { occurredAt: { column: 'date', format: 'dd/QQ/yyyy' }, category: { column: 'type', map: { Blast: 'TI.BOMBING' } }, classification: { column: 'class', map: { R: 'SECRETISH' } } },
      { timezone: 'Asia/Quetta', reader: 'xlsx' },
    ));
    const byField = Object.fromEntries(e.map((i) => [i.field, i.message]));
    expect(Object.keys(byField).sort()).toEqual(['reader', 'timezone'].sort());
    // zod stops before superRefine when base shapes fail: fix those and the rest is reported
    const e2 = fieldsOf(withFields({ occurredAt: { column: 'date', format: 'dd/QQ/yyyy' }, category: { column: 'type', map: { Blast: 'TI.BOMBING' } }, classification: { column: 'class', map: { R: 'SECRETISH' } } }));
    const m2 = Object.fromEntries(e2.map((i) => [i.field, i.message]));
    expect(m2['fields.occurredAt.format']).toMatch(/unknown letter 'Q'/);
    expect(m2['fields.category.map.Blast']).toMatch(/'TI.BOMBING' is not a taxonomy category code/);
    expect(m2['fields.classification.map.R']).toMatch(/'SECRETISH' is not a classification/);
    expect(byField.timezone).toMatch(/IANA/);
  });

  it('requires exactly one of column and value', () => {
    expect(fieldsOf(withFields({ province: { column: 'p', value: 'Balochistan' } }))).toEqual([
      { field: 'fields.province', message: 'give exactly one of "column" or "value"' },
    ]);
    expect(fieldsOf(withFields({ province: {} })).map((i) => i.field)).toEqual(['fields.province']);
  });

  it('rejects lat without lon and a timeColumn beside a pattern with hours', () => {
    const { lon: _l, ...noLon } = levies.fields;
    expect(fieldsOf({ ...levies, fields: noLon }).map((i) => i.field)).toEqual(['fields.lon']);
    expect(fieldsOf(withFields({ occurredAt: { column: 'date', format: 'dd/MM/yyyy HH:mm', timeColumn: 'time' } })).map((i) => i.field)).toEqual(['fields.occurredAt.timeColumn']);
  });

  it('loadMappingFile throws a CONFIG error that names the key', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/baseerat-mapping-');
    await writeFile(`${dir}/bad.json`, JSON.stringify(withFields({ killed: { column: 'killed', default: -1 } })));
    await expect(loadMappingFile(`${dir}/bad.json`)).rejects.toThrow(/fields\.killed\.default: '-1' is not a whole number/);
    await writeFile(`${dir}/broken.json`, '{ "agency": ');
    await expect(loadMappingFile(`${dir}/broken.json`)).rejects.toThrow(/not valid JSON/);
    await (await import('node:fs/promises')).rm(dir, { recursive: true, force: true });
  });
});

describe('times', () => {
  it('reads dd/MM/yyyy with a time column in Asia/Karachi (UTC+5) as exact', () => {
    const r = report({});
    expect(r.occurredAt).toBe('2024-03-01T05:15:00.000Z');
    expect(r.timePrecision).toBe('exact');
  });

  it('a date without time is day precision, stored at local midnight', () => {
    const r = report({ time: '' });
    expect(r.occurredAt).toBe('2024-02-29T19:00:00.000Z');
    expect(r.timePrecision).toBe('day');
  });

  it('quarantines impossible dates and times with the format in the message', () => {
    expect(issues({ date: '31/02/2024' })).toEqual(["occurredAt: '31/02/2024' is not a valid date (format dd/MM/yyyy)"]);
    expect(issues({ date: '29/02/2023' })).toEqual(["occurredAt: '29/02/2023' is not a valid date (format dd/MM/yyyy)"]);
    expect(report({ date: '29/02/2024', time: '' }).occurredAt).toBe('2024-02-28T19:00:00.000Z');
    expect(issues({ date: '2024-03-01' })[0]).toMatch(/not a valid date \(format dd\/MM\/yyyy\)/);
    expect(issues({ time: '25:10' })).toEqual(["occurredAt: time '25:10' is not a valid time of day (format HH:mm, column time)"]);
    expect(issues({ date: '' })).toEqual(['occurredAt: empty (column date)']);
  });

  it('an offset in the value (XXX) wins over the zone', () => {
    expect(report({ reported: '2024-03-01T11:00:00+05:00' }).reportedAt).toBe('2024-03-01T06:00:00.000Z');
    expect(report({ reported: '2024-03-01T11:00:00Z' }).reportedAt).toBe('2024-03-01T11:00:00.000Z');
    expect(report({ reported: '2024-03-01T11:00:00-0330' }).reportedAt).toBe('2024-03-01T14:30:00.000Z');
    expect(issues({ reported: '2024-03-01 11:00' })[0]).toMatch(/^reportedAt: '2024-03-01 11:00' is not a valid date/);
  });

  it('converts other zones with DST through Intl', () => {
    const ny = withFields({ occurredAt: { column: 'date', format: 'yyyy-MM-dd HH:mm' } }, { timezone: 'America/New_York' });
    expect(report({ date: '2024-01-15 12:00' }, ny).occurredAt).toBe('2024-01-15T17:00:00.000Z'); // EST, UTC-5
    expect(report({ date: '2024-07-15 12:00' }, ny).occurredAt).toBe('2024-07-15T16:00:00.000Z'); // EDT, UTC-4
    const ldn = withFields({ occurredAt: { column: 'date', format: 'yyyy-MM-dd HH:mm' } }, { timezone: 'Europe/London' });
    expect(report({ date: '2024-03-31 00:30' }, ldn).occurredAt).toBe('2024-03-31T00:30:00.000Z');
    expect(report({ date: '2024-03-31 03:30' }, ldn).occurredAt).toBe('2024-03-31T02:30:00.000Z');
  });

  it('iso accepts date-only (day) and date-time with or without offset', () => {
    const iso = withFields({ occurredAt: { column: 'date', format: 'iso' } });
    expect(report({ date: '2024-03-01' }, iso)).toMatchObject({ occurredAt: '2024-02-29T19:00:00.000Z', timePrecision: 'day' });
    expect(report({ date: '2024-03-01T10:00' }, iso)).toMatchObject({ occurredAt: '2024-03-01T05:00:00.000Z', timePrecision: 'exact' });
    expect(report({ date: '2024-03-01 10:00:30.250Z' }, iso).occurredAt).toBe('2024-03-01T10:00:30.250Z');
    expect(issues({ date: '2024-13-01T10:00' }, iso)[0]).toMatch(/not a valid date \(format iso\)/);
  });

  it('single-digit day and month, quoted literals', () => {
    const m = withFields({ occurredAt: { column: 'date', format: "d.M.yyyy 'at' HH'h'" } });
    expect(report({ date: '1.3.2024 at 10h' }, m).occurredAt).toBe('2024-03-01T05:00:00.000Z');
  });
});

describe('location', () => {
  it('coordinates: exact, district by point in polygon, h3 cell', () => {
    const r = report({});
    expect(r.location).toMatchObject({ lat: 30.18, lon: 67.01, precision: 'exact', district: 'Quetta', province: 'Balochistan' });
    expect(r.location.h3).toMatch(/^[0-9a-f]{15}$/);
  });

  it('coordinates outside the districts are quarantined, with a hint when swapped', () => {
    expect(issues({ lat: '12.3', lon: '40.1' })).toEqual(["coordinates 12.3, 40.1 are outside Pakistan's districts (and more than 2 km from any)"]);
    expect(issues({ lat: '67.01', lon: '30.18' })[0]).toMatch(/swapped, they would fall in Quetta/);
    expect(issues({ lat: '95', lon: '67' })).toEqual(['coordinates 95, 67 are not valid (latitude -90..90, longitude -180..180)']);
    expect(issues({ lat: '30.1', lon: '' })[0]).toMatch(/are not a pair of numbers/);
    expect(issues({ lat: 'north', lon: '67' })[0]).toMatch(/are not a pair of numbers/);
  });

  it('a place from the gazetteer is near, with its coordinates', () => {
    const r = report({ lat: '', lon: '', place: 'Pasni', district: '' });
    expect(r.location).toMatchObject({ precision: 'near', lat: 25.26, lon: 62.45, district: 'Gwadar', placeName: 'Pasni' });
    expect(r.location.h3).toBeDefined();
  });

  it('only a district name: district precision, never a point', () => {
    const r = report({ lat: '', lon: '', place: '', district: 'Kwatah' });
    expect(r.location).toEqual({ precision: 'district', district: 'Quetta', province: 'Balochistan' });
    const r2 = report({ lat: '', lon: '', place: 'Unknown Village', district: 'gwadar' });
    expect(r2.location).toEqual({ precision: 'district', district: 'Gwadar', province: 'Balochistan', placeName: 'Unknown Village' });
  });

  it('unknown district or unknown place alone are quarantined; no location at all is the province', () => {
    expect(issues({ lat: '', lon: '', district: 'Atlantis' })).toEqual(["district: 'Atlantis' is not a known district of Balochistan"]);
    expect(issues({ lat: '', lon: '', district: '', place: 'Nowhere' })).toEqual(["place: 'Nowhere' is not in the gazetteer and no district is given"]);
    expect(report({ lat: '', lon: '', district: '' }).location).toEqual({ precision: 'province', province: 'Balochistan' });
  });

  it('a stated coarse precision drops the coordinates', () => {
    const m = withFields({ precision: { column: 'prec', map: { '1': 'exact', '2': 'near', '3': 'district' } } });
    expect(report({ prec: '3' } as Row, m).location).toEqual({ precision: 'district', district: 'Quetta', province: 'Balochistan' });
    expect(report({ prec: '2' } as Row, m).location.precision).toBe('near');
    expect(issues({ prec: '9' } as Row, m)).toEqual(["precision: '9' is not in the mapping for column prec"]);
  });
});

describe('categories, counts, classification', () => {
  it('maps exactly, then case-insensitively; names the unmapped value and column', () => {
    expect(report({ type: 'blast' }).category).toBe('TI.BOMB');
    expect(report({ type: 'FIRING' }).category).toBe('TI.ASSAULT');
    expect(report({ type: 'CR.MURDER' }).category).toBe('CR.MURDER');
    expect(issues({ type: 'Blst' })).toEqual(["category: 'Blst' is not in the mapping for column type"]);
  });

  it('counts: default when empty, whole numbers only', () => {
    expect(report({ killed: '', injured: '3' }).severity).toEqual({ killed: 0, injured: 3, abducted: 0 });
    expect(issues({ killed: '-1' })).toEqual(["killed: '-1' is not a whole number >= 0 (column killed)"]);
    expect(issues({ injured: 'two' })).toEqual(["injured: 'two' is not a whole number >= 0 (column injured)"]);
  });

  it('classification from the row, else the mapping, else the context', () => {
    expect(report({ class: 'C' }).classification).toBe('CONFIDENTIAL');
    expect(report({ class: '' }).classification).toBe('RESTRICTED');
    const { classification: _c, ...noTop } = levies;
    const m = { ...noTop, fields: { ...levies.fields, classification: undefined } } as unknown as Mapping;
    expect(report({}, { ...m, fields: Object.fromEntries(Object.entries(m.fields).filter(([, v]) => v !== undefined)) } as Mapping).classification).toBe(ctx.classification);
    expect(issues({ class: 'TS' })).toEqual(["classification: 'TS' is not in the mapping for column class"]);
  });

  it('collects every issue of a row, and keeps the source record', () => {
    expect(issues({ ref_no: '', type: 'Blst', killed: 'x' })).toHaveLength(3);
    const r = report({ claimed_by: 'BLA' });
    expect(r.source).toEqual({ agency: 'levies', sourceId: 'LV-1', receivedAt: '2024-03-05T00:00:00.000Z', format: 'mapping:levies', raw: 'raw text' });
    expect(r.perpetrator).toBe('BLA');
    expect(r.reportingMode).toBe('public');
    expect(r.narrative).toBe('IED');
  });

  it('reads nested NDJSON properties and numbers', () => {
    const m = JSON.parse(JSON.stringify({
      agency: 'r', reader: 'ndjson',
      fields: { sourceId: { column: 'id' }, occurredAt: { column: 't' }, lat: { column: 'loc.lat' }, lon: { column: 'loc.lon' }, category: { column: 'c' }, killed: { column: 'k' } },
    }));
    const parsed = parseMapping(m);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const r = mappingAdapter(parsed.value).toReport({ id: 7, t: '2024-03-01T10:00:00Z', loc: { lat: 25.1, lon: 62.1 }, c: 'TI.BOMB', k: 3 }, '{}', 1, ctx);
    expect(r.ok && r.value).toMatchObject({ location: { district: 'Gwadar', precision: 'exact' }, severity: { killed: 3 }, source: { sourceId: '7' } });
  });

  it('checkColumns names the field whose column is missing from a header', () => {
    const cols = Object.keys(base).filter((c) => c !== 'ref_no' && c !== 'killed');
    // killed has a default, so it may be absent
    expect(mappingAdapter(levies).checkColumns(cols)).toEqual([{ field: 'fields.sourceId.column', value: 'ref_no', message: "fields.sourceId.column: column 'ref_no' is not in the file's header" }]);
  });
});

describe('values as a live NDJSON feed writes them read as their text forms do', () => {
  // The adapter reads whole JSON numbers of counts and canonical ISO times (toISOString's form) without
  // writing them out and parsing them back; each must give what the text path gives: the count as a
  // string, the time with +00:00 for its Z (which the general ISO scanner reads).
  const parsed = parseMapping(JSON.parse(JSON.stringify({
    agency: 'live', reader: 'ndjson',
    fields: {
      sourceId: { column: 'id' }, occurredAt: { column: 't', format: 'iso' }, reportedAt: { column: 'r', format: 'iso' }, lat: { column: 'lat' }, lon: { column: 'lon' },
      category: { column: 'c' }, killed: { column: 'k', default: 0 }, injured: { column: 'w' }, abducted: { column: 'a', default: 0 },
    },
  })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const adapter = mappingAdapter(parsed.value);
  const count = fc.oneof({ arbitrary: fc.nat(), weight: 6 }, fc.integer({ min: -3, max: 3 }), fc.constantFrom(-0, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 0.5, 2.0000001),
    fc.double({ noNaN: true, noDefaultInfinity: true }));
  const canonical = fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map((ms) => new Date(ms).toISOString());
  /** Canonical in shape but not a real time (30 February, 24:00, minute 60), or not canonical (no Z). */
  const shaped = fc.tuple(canonical, fc.constantFrom('-02-30T', 'T24:', ':60:', '.000Z', '0Z')).map(([s, bad]) =>
    bad === '.000Z' ? s.replace(/\.\d{3}Z$/, 'Z') : bad === '0Z' ? s.replace(/Z$/, '') : bad === '-02-30T' ? s.replace(/-\d{2}-\d{2}T/, bad) : bad === 'T24:' ? s.replace(/T\d{2}:/, bad) : s.replace(/:\d{2}:/, bad));
  const time = fc.oneof(canonical, canonical, shaped);
  const asText = (t: string) => t.replace(/Z$/, '+00:00');

  it('counts (numbers and strings) and times (canonical and +00:00): the same report, or issues on the same fields', () => {
    let reports = 0;
    fc.assert(fc.property(count, count, count, time, fc.option(time, { nil: undefined }), canonical, (k, w, a, t, r, before) => {
      const row: Row = { id: 'X-1', t, lat: 25.1, lon: 62.1, c: 'TI.BOMB', k, w, a };
      if (r !== undefined) row['r'] = r;
      const text: Row = { ...row, t: asText(t), k: String(k), w: String(w), a: String(a) };
      if (r !== undefined) text['r'] = asText(r);
      const x = adapter.toReport(row, 'raw', 1, ctx);
      // a row read in between, with other times: nothing of it may show in the next row's report
      adapter.toReport({ ...row, t: before, r: before }, 'raw', 1, ctx);
      const y = adapter.toReport(text, 'raw', 1, ctx);
      expect(x.ok).toBe(y.ok);
      if (x.ok && y.ok) { expect(x.value).toEqual(y.value); reports++; }
      if (!x.ok && !y.ok) expect(x.error.map((i) => i.field)).toEqual(y.error.map((i) => i.field));
    }), { seed: 20261127, numRuns: 3000 });
    // not vacuous: many rows give a report
    expect(reports).toBeGreaterThan(300);
  });
});

describe('the mapping adapter never throws', () => {
  const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
  const keys = [...Object.keys(base), 'prec', 'loc'];
  it('on arbitrary rows', () => {
    const adapter = mappingAdapter(levies);
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys, 'other'), value), fc.boolean(), (row, keep) => {
      const r = adapter.toReport(keep ? { ...base, ...(row as Row) } : (row as Row), 'raw', 1, ctx);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      // a report is what zod returns unchanged, its own objects checked for symbol keys too (toReport does not look for them)
      else expect(isCanonicalValidReport(r.value)).toBe(true);
      for (const i of r.ok ? [] : r.error) expect(typeof i.message).toBe('string');
    }), { seed: 20260101, numRuns: 2000 });
  });

  it('on arbitrary mapping documents (parseMapping returns issues)', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => {
      const r = parseMapping(doc);
      expect(r.ok).toBe(false);
    }), { seed: 7, numRuns: 500 });
  });
});
