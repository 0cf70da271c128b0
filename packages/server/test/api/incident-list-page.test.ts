/**
 * The DuckDB incident list (store/duckdb/incident-list.ts: times first, then the rows between the
 * page's first and last time) against a brute-force sort of what was written, on stores where most
 * incidents share their occurrence time with others, so that page boundaries fall inside runs of
 * ties; and its cache: a write is seen at once, and every call gets its own objects.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationRank, incidentIdFor, sourceKey, type Classification, type Incident, type Report } from '@baseerat/engine';
import { openStore } from '../../src/store/index.js';
import type { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import type { FieldCodec, IncidentFilter, Store } from '../../src/store/port.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

/** Identity encoding that counts the decodes of each field and of each record (by its id). */
const decodes = new Map<string, number>();
const countingCodec: FieldCodec = {
  encode: (plain) => `enc:${plain}`,
  decode: (stored, field, recordId) => {
    decodes.set(`${field} ${recordId}`, (decodes.get(`${field} ${recordId}`) ?? 0) + 1);
    return stored.slice(4);
  },
};
const decodeCount = (field: string) => [...decodes].filter(([k]) => k.startsWith(`${field} `)).reduce((a, [, n]) => a + n, 0);

const TIMES = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', '2024-02-03T10:00:00.000Z', '2024-02-03T10:00:00.001Z', '2025-06-01T00:00:00.000Z'];
const DISTRICTS = ['Quetta', 'Gwadar', 'Kech'];
const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];

function reportOf(i: number, t: string, district: string, classification: Classification, narrative: boolean): Report {
  const r: Report = {
    occurredAt: t, timePrecision: 'exact',
    location: { precision: 'district', district, province: 'Balochistan' },
    category: i % 2 === 0 ? 'TI.BOMB' : 'TI.CLASH', severity: { killed: i % 3, injured: 0, abducted: 0 },
    classification, reportingMode: 'public',
    source: { agency: i % 3 === 0 ? 'levies' : 'police', sourceId: `s${i}`, receivedAt: '2025-07-01T00:00:00.000Z', format: 'test', raw: `raw ${i}` },
  };
  if (narrative) r.narrative = `narrative ${i}`;
  return r;
}

const byListOrder = (a: Incident, b: Incident) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.occurredAt < b.occurredAt ? -1 : 1);
const matches = (inc: Incident, f: IncidentFilter) =>
  (f.districts === undefined || f.districts.includes(inc.location.district ?? '')) &&
  (f.maxClassification === undefined || classificationRank(inc.classification) <= classificationRank(f.maxClassification));

function seedIncidents() {
  const reports = Array.from({ length: 300 }, (_, i) => reportOf(i, TIMES[(i * 7) % TIMES.length]!, DISTRICTS[i % DISTRICTS.length]!, LEVELS[(i * 5) % 4]!, i % 4 === 0));
  // a third of the incidents carry two source records (narrative then in the incident row, not the report's)
  const incidents = [];
  for (let i = 0; i < reports.length; i++) {
    const r = reports[i]!;
    if (i % 3 === 1) {
      const twin: Report = { ...r, source: { ...r.source, sourceId: `t${i}`, agency: 'ctd' } };
      incidents.push({ id: incidentIdFor(sourceKey(r.source)), reports: [r, twin], links: [{ a: sourceKey(r.source), b: sourceKey(twin.source), rule: 'test', distanceKm: 0, hoursApart: 0 }] });
    } else {
      incidents.push({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] });
    }
  }
  return incidents;
}

describe('DuckDB incident list: late materialisation over tied times', () => {
  let store: DuckDBStore;
  let written: Incident[] = [];
  beforeAll(async () => {
    store = await openStore(':memory:', { duckdb: { threads: '1' }, codec: countingCodec });
    const incidents = seedIncidents();
    await store.writeBatch({ newIncidents: incidents, attachments: [], quarantine: [] });
    // the reference: each incident read back by id (getIncident, a query of its own), sorted here
    written = [];
    for (const inc of incidents) written.push((await store.getIncident(inc.id))!);
    written.sort(byListOrder);
  });
  afterAll(async () => { await store.close(); });

  it('every page of every filter equals the brute-force sorted slice (property, pages cut inside runs of ties)', async () => {
    expect(new Set(written.map((i) => i.occurredAt)).size).toBe(TIMES.length);
    let pages = 0, nonEmpty = 0;
    await fc.assert(fc.asyncProperty(
      fc.record({
        districts: fc.option(fc.subarray(DISTRICTS, { minLength: 1 }), { nil: undefined }),
        maxClassification: fc.option(fc.constantFrom(...LEVELS), { nil: undefined }),
      }),
      fc.integer({ min: 0, max: 110 }), fc.integer({ min: 0, max: 130 }),
      async (spec, offset, limit) => {
        const filter: IncidentFilter = { ...(spec.districts === undefined ? {} : { districts: spec.districts }), ...(spec.maxClassification === undefined ? {} : { maxClassification: spec.maxClassification }) };
        const all = written.filter((i) => matches(i, filter));
        const page = await store.listIncidents(filter, { offset, limit });
        expect(page.total).toBe(all.length);
        expect(page.items).toEqual(all.slice(offset, offset + limit));
        pages++;
        if (page.items.length > 0) nonEmpty++;
      }), { seed: 20261127, numRuns: 150 });
    expect(nonEmpty).toBeGreaterThan(pages / 2);
  });

  it('a write is seen by the next list (the cached page goes), and each call gets its own objects', async () => {
    const filter = { districts: ['Kech'] };
    const before = await store.listIncidents(filter, { offset: 0, limit: 1000 });
    before.items[0]!.sources[0]!.raw = 'changed by the caller';
    const again = await store.listIncidents(filter, { offset: 0, limit: 1000 });
    expect(again.items[0]!.sources[0]!.raw).not.toBe('changed by the caller');
    expect(again).toEqual({ ...before, items: again.items });
    const r = reportOf(1000, '2023-12-31T23:59:00.000Z', 'Kech', 'UNCLASSIFIED', true);
    await store.writeBatch({ newIncidents: [{ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] }], attachments: [], quarantine: [] });
    const after = await store.listIncidents(filter, { offset: 0, limit: 1000 });
    expect(after.total).toBe(before.total + 1);
    expect(after.items[0]!.id).toBe(incidentIdFor(sourceKey(r.source)));
    expect(after.items[0]!.narrative).toBe('narrative 1000');
  });

  it('a list decodes no raw record: each record once when the page is read (for its narrative), none when it is served again; a raw record read is decoded then', async () => {
    const filter = { districts: ['Gwadar'], maxClassification: 'SECRET' as const };
    decodes.clear();
    const first = await store.listIncidents(filter, { offset: 3, limit: 20 });
    const records = first.items.reduce((a, i) => a + i.sources.length, 0);
    expect(decodeCount('reports.record')).toBe(records);
    // the narratives are there (decoded from the records at read time, or from the incident row)
    expect(first.items.filter((i) => i.narrative !== undefined).length).toBeGreaterThan(0);
    decodes.clear();
    const again = await store.listIncidents(filter, { offset: 3, limit: 20 });
    const narratedSingles = again.items.filter((i) => i.sources.length === 1 && i.narrative !== undefined).length;
    expect(decodeCount('reports.record')).toBe(narratedSingles);
    expect(narratedSingles).toBeLessThan(records);
    decodes.clear();
    const raws = again.items.flatMap((i) => i.sources.map((x) => x.raw));
    expect(raws.every((r) => /^raw \d+$/.test(r))).toBe(true);
    expect(decodeCount('reports.record')).toBe(records - narratedSingles);
    expect(again).toEqual(first);
  });

  it('refuses a bad page as before', async () => {
    await expect(store.listIncidents({}, { offset: -1, limit: 5 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.listIncidents({}, { offset: 0, limit: 10_001 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('PostgreSQL incident list: the same pages as DuckDB, no raw record decoded', () => {
  let db: TestDatabase;
  let pgStore: Store;
  let duck: Store;
  beforeAll(async () => {
    db = await createTestDatabase();
    pgStore = await openStore(db.appUrl as `postgres://${string}`, { schema: 'list', maxConnections: 2, codec: countingCodec });
    duck = await openStore(':memory:', { duckdb: { threads: '1' } });
    const incidents = seedIncidents();
    await pgStore.writeBatch({ newIncidents: incidents, attachments: [], quarantine: [] });
    await duck.writeBatch({ newIncidents: incidents, attachments: [], quarantine: [] });
  });
  afterAll(async () => { await pgStore?.close(); await duck?.close(); await db?.drop(); });

  it('pages of several filters agree with the DuckDB store (raw records read out for the comparison)', async () => {
    for (const [filter, offset, limit] of [[{}, 0, 50], [{ districts: ['Quetta'] }, 17, 40], [{ maxClassification: 'RESTRICTED' }, 55, 60], [{ districts: ['Kech', 'Gwadar'], maxClassification: 'SECRET' }, 0, 500]] as const) {
      const a = await pgStore.listIncidents(filter as IncidentFilter, { offset, limit });
      const b = await duck.listIncidents(filter as IncidentFilter, { offset, limit });
      expect(a.total).toBe(b.total);
      expect(a.items.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
    }
  });

  it('a list decodes no raw record until one is read', async () => {
    decodes.clear();
    const page = await pgStore.listIncidents({ districts: ['Gwadar'] }, { offset: 0, limit: 30 });
    expect(decodeCount('reports.raw')).toBe(0);
    expect(page.items.some((i) => i.narrative !== undefined)).toBe(true);
    const raws = page.items.flatMap((i) => i.sources.map((x) => x.raw));
    expect(raws.every((r) => /^raw \d+$/.test(r))).toBe(true);
    expect(decodeCount('reports.raw')).toBe(raws.length);
  });
});
