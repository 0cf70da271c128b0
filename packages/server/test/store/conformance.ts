/**
 * The Store conformance suite: what every Store implementation (DuckDB now, PostgreSQL later)
 * must do, written against the port in `src/store/port.ts` alone. Run it with
 * `describeStoreConformance('name', makeStore)`, where `makeStore` returns a fresh, empty, migrated
 * store each time it is called.
 *
 * Expected values are computed independently of the store: consolidation with the engine's
 * `consolidate`, filters by a brute-force predicate over the same in-memory incidents.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BaseeratError, CATEGORY_CODES, CLASSIFICATION_LEVELS, IncidentSchema, LOCATION_PRECISIONS, REPORTING_MODES, TIME_PRECISIONS,
  categoryGroup, classificationRank, consolidate, incidentIdFor, sourceKey,
  type CategoryCode, type Classification, type Incident, type Link, type Report,
} from '@baseerat/engine';
import type { IncidentFilter, IngestBatch, QuarantineRecord, Store } from '../../src/store/port.js';

const SEED = 20241126;

// ---------- constructed data ----------

export interface ReportSpec {
  agency?: string;
  sourceId: string;
  occurredAt?: string;
  receivedAt?: string;
  timePrecision?: Report['timePrecision'];
  lat?: number;
  lon?: number;
  precision?: Report['location']['precision'];
  district?: string;
  province?: string;
  h3?: string;
  category?: CategoryCode;
  killed?: number;
  injured?: number;
  abducted?: number;
  classification?: Classification;
  reportingMode?: Report['reportingMode'];
  perpetrator?: string;
  targetType?: string;
  narrative?: string;
  reportedAt?: string;
}

export function report(s: ReportSpec): Report {
  const location: Report['location'] = { precision: s.precision ?? (s.lat === undefined ? 'district' : 'exact') };
  if (s.lat !== undefined) location.lat = s.lat;
  if (s.lon !== undefined) location.lon = s.lon;
  if (s.district !== undefined) location.district = s.district;
  if (s.province !== undefined) location.province = s.province;
  if (s.h3 !== undefined) location.h3 = s.h3;
  const r: Report = {
    occurredAt: s.occurredAt ?? '2024-03-01T10:15:00.000Z',
    timePrecision: s.timePrecision ?? 'exact',
    location,
    category: s.category ?? 'TI.BOMB',
    severity: { killed: s.killed ?? 0, injured: s.injured ?? 0, abducted: s.abducted ?? 0 },
    classification: s.classification ?? 'RESTRICTED',
    reportingMode: s.reportingMode ?? 'public',
    source: { agency: s.agency ?? 'police', sourceId: s.sourceId, receivedAt: s.receivedAt ?? '2024-03-01T11:00:00.000Z', format: 'csv', raw: `raw,${s.sourceId}` },
  };
  if (s.perpetrator !== undefined) r.perpetrator = s.perpetrator;
  if (s.targetType !== undefined) r.targetType = s.targetType;
  if (s.narrative !== undefined) r.narrative = s.narrative;
  if (s.reportedAt !== undefined) r.reportedAt = s.reportedAt;
  return r;
}

const key = (r: Report) => sourceKey(r.source);
const single = (r: Report) => ({ id: incidentIdFor(key(r)), reports: [r], links: [] as Link[] });
const batch = (b: Partial<IngestBatch>): IngestBatch => ({ newIncidents: b.newIncidents ?? [], attachments: b.attachments ?? [], quarantine: b.quarantine ?? [] });
const link = (a: Report, b: Report): Link => ({ a: key(a), b: key(b), rule: 'test', distanceKm: 0.5, hoursApart: 1 });

function quarantineRecord(runId: string, line: number, origin = 'levies.csv'): QuarantineRecord {
  return { runId, agency: 'levies', origin, line, raw: `bad,row,${line}`, reasons: [{ field: 'date', value: 'x', message: 'not a date' }] };
}

/** Every incident of the store, through the paginated list. */
async function allIncidents(store: Store, filter: IncidentFilter = {}, limit = 7): Promise<Incident[]> {
  const out: Incident[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await store.listIncidents(filter, { offset, limit });
    expect(page.offset).toBe(offset);
    expect(page.limit).toBe(limit);
    out.push(...page.items);
    if (page.items.length < limit) {
      expect(page.total).toBe(out.length);
      break;
    }
  }
  return out;
}

/** The brute-force reading of IncidentFilter over in-memory incidents. */
export function matches(inc: Incident, f: IncidentFilter): boolean {
  const t = Date.parse(inc.occurredAt);
  if (f.from !== undefined && t < Date.parse(f.from)) return false;
  if (f.to !== undefined && t >= Date.parse(f.to)) return false;
  const inList = (list: readonly string[] | undefined, v: string | undefined) => list === undefined || (v !== undefined && list.includes(v));
  if (!inList(f.districts, inc.location.district)) return false;
  if (!inList(f.provinces, inc.location.province)) return false;
  if (!inList(f.categories, inc.category)) return false;
  if (!inList(f.groups, categoryGroup(inc.category))) return false;
  if (f.agencies !== undefined && !inc.sources.some((s) => f.agencies!.includes(s.agency))) return false;
  if (f.maxClassification !== undefined && classificationRank(inc.classification) > classificationRank(f.maxClassification)) return false;
  if (f.bbox !== undefined) {
    const { lat, lon } = inc.location;
    if (lat === undefined || lon === undefined) return false;
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) return false;
  }
  return true;
}

const byTimeThenId = (a: Incident, b: Incident) => {
  const d = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

async function expectError(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BaseeratError);
  expect((e as BaseeratError).code).toBe(code);
}

// ---------- random data for the filter properties ----------

const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Khuzdar'];
const PROVINCES = ['Balochistan', 'Sindh'];
const AGENCIES = ['police', 'levies', 'fc'];
const CATS: CategoryCode[] = ['TI.BOMB', 'TI.TARGETED', 'CR.ROBBERY', 'CR.KFR', 'PO.PROTEST', 'SO.ARREST'];

const reportArb = (i: number) => fc.record({
  agency: fc.constantFrom(...AGENCIES),
  // minutes since 2023-01-01 over two years
  minute: fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }),
  located: fc.boolean(),
  lat: fc.double({ min: 25, max: 31, noNaN: true }),
  lon: fc.double({ min: 61, max: 70, noNaN: true }),
  district: fc.option(fc.constantFrom(...DISTRICTS), { nil: undefined }),
  province: fc.option(fc.constantFrom(...PROVINCES), { nil: undefined }),
  category: fc.constantFrom(...CATS),
  classification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  perpetrator: fc.option(fc.constantFrom('BLA', 'TTP'), { nil: undefined }),
  killed: fc.nat(5),
}).map((g): Report => report({
  agency: g.agency,
  sourceId: `R${i}`,
  occurredAt: new Date(Date.UTC(2023, 0, 1) + g.minute * 60_000).toISOString(),
  receivedAt: new Date(Date.UTC(2023, 0, 1) + g.minute * 60_000 + 3_600_000).toISOString(),
  ...(g.located ? { lat: g.lat, lon: g.lon, precision: 'exact' as const } : { precision: 'district' as const }),
  ...(g.district === undefined ? {} : { district: g.district }),
  ...(g.province === undefined ? {} : { province: g.province }),
  category: g.category,
  classification: g.classification,
  ...(g.perpetrator === undefined ? {} : { perpetrator: g.perpetrator }),
  killed: g.killed,
}));

/** 1..25 reports grouped into incidents of 1-3 reports. */
const datasetArb = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => reportArb(i))), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n })),
).map(([reports, sizes]) => {
  const groups: Report[][] = [];
  for (let i = 0, g = 0; i < reports.length; g++) {
    groups.push(reports.slice(i, i + sizes[g]!));
    i += sizes[g]!;
  }
  return groups.map((rs) => ({ id: incidentIdFor(key(rs[0]!)), reports: rs, links: rs.slice(1).map((r) => link(rs[0]!, r)) }));
});

const filterArb: fc.Arbitrary<IncidentFilter> = fc.record({
  from: fc.integer({ min: 0, max: 730 }).map((d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString()),
  to: fc.integer({ min: 0, max: 760 }).map((d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString()),
  districts: fc.subarray(DISTRICTS),
  provinces: fc.subarray(PROVINCES),
  categories: fc.subarray(CATS),
  groups: fc.subarray(['terrorism', 'crime', 'public_order', 'security_operations'] as const),
  agencies: fc.subarray(AGENCIES),
  maxClassification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  bbox: fc.tuple(fc.double({ min: 61, max: 66, noNaN: true }), fc.double({ min: 25, max: 28, noNaN: true }), fc.double({ min: 64, max: 70, noNaN: true }), fc.double({ min: 27, max: 31, noNaN: true })),
}, { requiredKeys: [] }) as fc.Arbitrary<IncidentFilter>;

// ---------- the suite ----------

/** Filters the listPoints check runs under. */
const LIST_POINTS_FILTERS: IncidentFilter[] = [{}, { districts: ['Kech'] }, { categories: ['TI.BOMB'], maxClassification: 'RESTRICTED' }, { from: '2024-01-01T05:00:00.000Z', to: '2024-01-01T20:00:00.000Z' }];

/** The listPoints fixture: 90 reports, every fifth without coordinates; occurrence times repeat (ties broken by id). */
export function pointsReports(): Report[] {
  const districts = ['Quetta', 'Kech', 'Gwadar'];
  const cats = ['TI.BOMB', 'CR.ROBBERY', 'PO.PROTEST'] as const;
  return Array.from({ length: 90 }, (_, i) => report({
    sourceId: `P${i}`, district: districts[i % 3]!, category: cats[(i * 7) % 3]!, classification: i % 4 === 0 ? 'SECRET' : 'RESTRICTED',
    occurredAt: new Date(Date.UTC(2024, 0, 1) + ((i * 37) % 30) * 3_600_000).toISOString(),
    ...(i % 5 === 0 ? { precision: 'district' as const } : { lat: 30 + (i % 9) / 10, lon: 66 + (i % 7) / 10 }),
  }));
}

/** What listPoints must give: the newest `limit` incidents with coordinates of the full list, and the count of all matches. */
export async function pointsOfFullList(store: Store, f: IncidentFilter, limit: number) {
  const all = (await store.listIncidents(f, { offset: 0, limit: 1000 })).items;
  const pts = all.filter((i) => i.location.lat !== undefined && i.location.lon !== undefined)
    .sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1))
    .slice(0, limit).map((i) => ({ id: i.id, lon: i.location.lon!, lat: i.location.lat!, category: i.category, occurredAt: i.occurredAt }));
  return { items: pts, total: all.length };
}

export function describeStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('listPoints: the most recent incidents with coordinates, newest first (ties by id), as the full list gives them; total counts all', async () => {
      const rs = pointsReports();
      await store.writeBatch(batch({ newIncidents: rs.map(single) }));
      for (const f of LIST_POINTS_FILTERS) {
        for (const limit of [1, 7, 500]) expect(await store.listPoints(f, limit), `${JSON.stringify(f)} ${limit}`).toEqual(await pointsOfFullList(store, f, limit));
      }
      await expect(store.listPoints({}, 0)).rejects.toThrow(BaseeratError);
    });

    it('migrate is idempotent and a new store is empty', async () => {
      await store.migrate();
      await store.migrate();
      const s = await store.stats();
      expect(s).toEqual({ total: 0, reports: 0, quarantined: 0, byProvince: {}, byDistrict: {}, byCategory: {}, byMonth: {}, byAgency: {} });
      expect(await store.listRuns()).toEqual([]);
    });

    it('stores consolidated incidents that round-trip through the strict IncidentSchema', async () => {
      const a = report({ sourceId: 'A1', lat: 30.18, lon: 66.99, district: 'Quetta', province: 'Balochistan', h3: '872a1072bffffff', narrative: 'blast near market', perpetrator: 'BLA', targetType: 'police', killed: 2, reportedAt: '2024-03-01T10:30:00.000Z' });
      const b = report({ agency: 'levies', sourceId: 'B1', precision: 'district', district: 'Quetta', receivedAt: '2024-03-01T12:00:00.000Z', killed: 3, injured: 4, classification: 'SECRET', narrative: 'IED' });
      const minimal = report({ sourceId: 'M1', precision: 'unknown', category: 'CR.THEFT' });
      const linked = { id: incidentIdFor(key(a)), reports: [a, b], links: [link(a, b)] };
      const res = await store.writeBatch(batch({ newIncidents: [linked, single(minimal)] }));
      expect(res).toEqual({ inserted: 2, attached: 0, duplicates: 0, quarantined: 0 });

      const got = await store.getIncident(linked.id);
      const expected = consolidate(linked.id, [a, b], linked.links);
      expect(got).toEqual(expected);
      expect(IncidentSchema.parse(got)).toEqual(got);
      expect(got!.narrative).toBe('[police] blast near market\n[levies] IED');

      const m = await store.getIncident(incidentIdFor('police:M1'));
      expect(m).toEqual(consolidate(incidentIdFor('police:M1'), [minimal], []));
      // absent optional fields are absent keys, not undefined or null
      expect(Object.keys(m!).sort()).toEqual(['category', 'classification', 'id', 'links', 'location', 'occurredAt', 'reportingMode', 'severity', 'sources', 'timePrecision']);
      expect(Object.keys(m!.location)).toEqual(['precision']);
      expect(await store.getIncident('inc_missing')).toBeUndefined();
      expect(await store.reportsOf(linked.id)).toEqual([a, b]);
    });

    it('is idempotent: re-writing a batch adds nothing and counts duplicates', async () => {
      const rs = [1, 2, 3].map((i) => report({ sourceId: `P${i}`, district: 'Kech' }));
      const b = batch({ newIncidents: rs.map(single), quarantine: [quarantineRecord('run1', 4)] });
      expect(await store.writeBatch(b)).toEqual({ inserted: 3, attached: 0, duplicates: 0, quarantined: 1 });
      const before = await store.stats();
      expect(await store.writeBatch(b)).toEqual({ inserted: 0, attached: 0, duplicates: 3, quarantined: 0 });
      expect(await store.stats()).toEqual(before);
      expect(await store.existingSourceKeys(['police:P1', 'police:P3', 'police:P9', 'levies:P1'])).toEqual(new Set(['police:P1', 'police:P3']));
      // the same source record twice in one batch is stored once
      const d = report({ sourceId: 'D1' });
      expect(await store.writeBatch(batch({ newIncidents: [single(d), { ...single(d), id: 'inc_other' }] }))).toEqual({ inserted: 1, attached: 0, duplicates: 1, quarantined: 0 });
      expect(await store.countIncidents({})).toBe(4);
    });

    it('is idempotent for every report, not only those that created their incident: linked, attached, unlinked, under another id', async () => {
      const a = report({ sourceId: 'K1' }), b = report({ agency: 'levies', sourceId: 'K2' }), c = report({ agency: 'fc', sourceId: 'K3' });
      const d = report({ sourceId: 'K4' }), e = report({ agency: 'cid', sourceId: 'K5' });
      const id = incidentIdFor(key(a));
      await store.writeBatch(batch({ newIncidents: [{ id, reports: [a, b], links: [link(a, b)] }, { ...single(d), id: 'inc_chosen_by_caller' }] }));
      await store.writeBatch(batch({ attachments: [{ incidentId: id, reports: [c, e], links: [] }] }));
      await store.unlink(id, key(e));
      // each report again, as the incident it would create alone: all five are duplicates, nothing is added
      const again = batch({ newIncidents: [a, b, c, d, e].map(single) });
      expect(await store.writeBatch(again)).toEqual({ inserted: 0, attached: 0, duplicates: 5, quarantined: 0 });
      expect(await store.existingSourceKeys([a, b, c, d, e].map(key))).toEqual(new Set([a, b, c, d, e].map(key)));
      expect(await store.countIncidents({})).toBe(3);
    });

    it('an agency name with a colon does not confuse source keys', async () => {
      const r = report({ agency: 'ctd:quetta', sourceId: 'x:1' });
      await store.writeBatch(batch({ newIncidents: [single(r)] }));
      expect(await store.existingSourceKeys(['ctd:quetta:x:1', 'ctd:quetta:x', 'ctd:quetta'])).toEqual(new Set(['ctd:quetta:x:1']));
    });

    it('is atomic: a batch that fails part-way leaves nothing behind', async () => {
      const first = report({ sourceId: 'S1' });
      await store.writeBatch(batch({ newIncidents: [single(first)] }));
      const before = await store.stats();
      const ok1 = report({ sourceId: 'OK1' });
      const ok2 = report({ sourceId: 'OK2' });
      // valid new incidents and quarantine rows, then an attachment to an incident that does not exist
      await expectError(store.writeBatch(batch({
        newIncidents: [single(ok1), single(ok2)],
        attachments: [{ incidentId: incidentIdFor(key(first)), reports: [report({ sourceId: 'OK3' })], links: [] }, { incidentId: 'inc_nowhere', reports: [report({ sourceId: 'OK4' })], links: [] }],
        quarantine: [quarantineRecord('runX', 1)],
      })), 'NOT_FOUND');
      expect(await store.stats()).toEqual(before);
      expect(await store.existingSourceKeys(['police:OK1', 'police:OK2', 'police:OK3', 'police:OK4'])).toEqual(new Set());
      expect((await store.reportsOf(incidentIdFor(key(first)))).length).toBe(1);
      // two new incidents with one id
      await expectError(store.writeBatch(batch({ newIncidents: [single(ok1), { id: incidentIdFor(key(ok1)), reports: [ok2], links: [] }] })), 'CONFLICT');
      expect(await store.stats()).toEqual(before);
      // an incident with no report
      await expectError(store.writeBatch(batch({ newIncidents: [single(ok1), { id: 'inc_empty', reports: [], links: [] }] })), 'VALIDATION');
      expect(await store.stats()).toEqual(before);
      // a report with a category outside the taxonomy, after a valid one
      const bad = { ...report({ sourceId: 'BAD' }), category: 'NOPE' as CategoryCode };
      await expectError(store.writeBatch(batch({ newIncidents: [single(ok1), single(bad)] })), 'VALIDATION');
      expect(await store.stats()).toEqual(before);
      // the store still works after the failures
      expect((await store.writeBatch(batch({ newIncidents: [single(ok1)] }))).inserted).toBe(1);
    });

    it('attaches reports to a stored incident and re-consolidates it from all its reports', async () => {
      const a = report({ sourceId: 'A', lat: 30.1, lon: 66.9, precision: 'near', killed: 1 });
      const id = incidentIdFor(key(a));
      await store.writeBatch(batch({ newIncidents: [single(a)] }));
      const b = report({ agency: 'levies', sourceId: 'B', lat: 30.11, lon: 66.91, precision: 'exact', receivedAt: '2024-03-01T12:00:00.000Z', killed: 4, classification: 'CONFIDENTIAL' });
      const c = report({ agency: 'fc', sourceId: 'C', precision: 'district', district: 'Quetta', receivedAt: '2024-03-01T09:00:00.000Z', reportingMode: 'discovered' });
      const res = await store.writeBatch(batch({ attachments: [{ incidentId: id, reports: [b, a], links: [link(a, b)] }, { incidentId: id, reports: [c], links: [link(a, c)] }] }));
      expect(res).toEqual({ inserted: 0, attached: 2, duplicates: 1, quarantined: 0 });
      const got = await store.getIncident(id);
      expect(got).toEqual(consolidate(id, [a, b, c], [link(a, b), link(a, c)]));
      expect(got!.location.precision).toBe('exact');
      expect(got!.severity.killed).toBe(4);
      expect(got!.location.district).toBe('Quetta');
      expect((await store.reportsOf(id)).map(key)).toEqual(['fc:C', 'police:A', 'levies:B']);
      expect(await store.countIncidents({})).toBe(1);
      // attaching to an incident created in the same batch
      const d = report({ sourceId: 'D' });
      const e = report({ agency: 'fc', sourceId: 'E', receivedAt: '2024-03-01T11:30:00.000Z' });
      await store.writeBatch(batch({ newIncidents: [single(d)], attachments: [{ incidentId: incidentIdFor(key(d)), reports: [e], links: [link(d, e)] }] }));
      expect(await store.getIncident(incidentIdFor(key(d)))).toEqual(consolidate(incidentIdFor(key(d)), [d, e], [link(d, e)]));
    });

    it('unlink moves an attached source record to its own incident and keeps every report', async () => {
      const a = report({ sourceId: 'A', killed: 1 });
      const b = report({ agency: 'levies', sourceId: 'B', receivedAt: '2024-03-01T12:00:00.000Z', killed: 5 });
      const c = report({ agency: 'fc', sourceId: 'C', receivedAt: '2024-03-01T13:00:00.000Z' });
      const id = incidentIdFor(key(a));
      await store.writeBatch(batch({ newIncidents: [{ id, reports: [a, b, c], links: [link(a, b), link(a, c)] }] }));
      const moved = await store.unlink(id, key(b));
      expect(moved).toBe(incidentIdFor(key(b)));
      expect(await store.getIncident(id)).toEqual(consolidate(id, [a, c], [link(a, c)]));
      expect(await store.getIncident(moved)).toEqual(consolidate(moved, [b], []));
      expect((await store.stats()).reports).toBe(3);
      expect(await store.countIncidents({})).toBe(2);
      // the detached record stays where unlink put it: ingesting it again is a duplicate, not a move back
      const again = await store.writeBatch(batch({ attachments: [{ incidentId: id, reports: [b], links: [link(a, b)] }] }));
      expect(again).toEqual({ inserted: 0, attached: 0, duplicates: 1, quarantined: 0 });
      expect(await store.getIncident(moved)).toEqual(consolidate(moved, [b], []));
    });

    it('unlink of the creating record: it keeps its id, the rest take the id of their earliest report', async () => {
      const a = report({ sourceId: 'A', receivedAt: '2024-03-01T11:00:00.000Z' });
      const b = report({ agency: 'levies', sourceId: 'B', receivedAt: '2024-03-01T12:00:00.000Z' });
      const c = report({ agency: 'fc', sourceId: 'C', receivedAt: '2024-03-01T13:00:00.000Z' });
      const id = incidentIdFor(key(a));
      await store.writeBatch(batch({ newIncidents: [{ id, reports: [a, b, c], links: [link(a, b), link(b, c)] }] }));
      const moved = await store.unlink(id, key(a));
      expect(moved).toBe(id);
      expect(await store.getIncident(id)).toEqual(consolidate(id, [a], []));
      const restId = incidentIdFor(key(b));
      expect(await store.getIncident(restId)).toEqual(consolidate(restId, [b, c], [link(b, c)]));
      expect((await store.reportsOf(restId)).map(key)).toEqual(['levies:B', 'fc:C']);
      const all = await allIncidents(store);
      expect(all.flatMap((i) => i.sources.map((s) => sourceKey(s))).sort()).toEqual(['fc:C', 'levies:B', 'police:A']);
    });

    it('unlink refuses what it cannot do', async () => {
      const a = report({ sourceId: 'A' });
      await store.writeBatch(batch({ newIncidents: [single(a)] }));
      await expectError(store.unlink('inc_nowhere', key(a)), 'NOT_FOUND');
      await expectError(store.unlink(incidentIdFor(key(a)), 'police:ZZ'), 'NOT_FOUND');
      await expectError(store.unlink(incidentIdFor(key(a)), key(a)), 'CONFLICT');
      expect(await store.getIncident(incidentIdFor(key(a)))).toEqual(consolidate(incidentIdFor(key(a)), [a], []));
    });

    it('filters, pages, counts and columns agree with a brute-force filter (property)', async () => {
      // One store for all runs (a store per run costs more than the checks): each run adds a
      // dataset with its own source ids, and every check is against all the data written so far.
      const written: Incident[] = [];
      let run = 0;
      await fc.assert(
        fc.asyncProperty(datasetArb, fc.array(filterArb, { minLength: 3, maxLength: 3 }), async (dataset, filters) => {
          const tag = `run${run++}-`;
          const incidents = dataset.map((n) => {
            const reports = n.reports.map((r) => ({ ...r, source: { ...r.source, sourceId: tag + r.source.sourceId } }));
            return { id: incidentIdFor(key(reports[0]!)), reports, links: reports.slice(1).map((r) => link(reports[0]!, r)) };
          });
          await store.writeBatch(batch({ newIncidents: incidents }));
          written.push(...incidents.map((n) => consolidate(n.id, n.reports, n.links)));
          const expectedAll = [...written].sort(byTimeThenId);
          for (const f of [{}, ...filters]) {
            const expected = expectedAll.filter((inc) => matches(inc, f));
            expect(await allIncidents(store, f, 40)).toEqual(expected);
            expect(await store.countIncidents(f)).toBe(expected.length);
            const cols = await store.readColumns(f);
            expect(cols.length).toBe(expected.length);
            expect(cols.id).toEqual(expected.map((i) => i.id));
            const st = await store.stats(f);
            expect(st.total).toBe(expected.length);
            expect(st.reports).toBe(expected.reduce((k, i) => k + i.sources.length, 0));
          }
        }),
        { seed: SEED, numRuns: 10, endOnFailure: true },
      );
    });

    it('readColumns carries the same values as listIncidents', async () => {
      const rs = [
        report({ sourceId: '1', lat: 30.2, lon: 67, district: 'Quetta', province: 'Balochistan', h3: '872a1072bffffff', perpetrator: 'BLA', killed: 3, injured: 1, abducted: 2, classification: 'SECRET', timePrecision: 'day', reportingMode: 'discovered' }),
        report({ sourceId: '2', occurredAt: '2023-05-01T00:00:00.000Z', precision: 'province', province: 'Sindh', category: 'CR.KFR', classification: 'UNCLASSIFIED' }),
        report({ sourceId: '3', occurredAt: '2024-01-01T00:00:00.000Z', lat: 25.1, lon: 62.3, district: 'Gwadar', category: 'PO.PROTEST' }),
      ];
      const extra = report({ agency: 'fc', sourceId: '4', receivedAt: '2024-03-02T00:00:00.000Z' });
      await store.writeBatch(batch({ newIncidents: [{ ...single(rs[0]!), reports: [rs[0]!, extra], links: [link(rs[0]!, extra)] }, single(rs[1]!), single(rs[2]!)] }));
      // one incident whose id does not follow the usual pattern, and an odd H3 text
      await store.writeBatch(batch({ newIncidents: [{ id: 'manual-7', reports: [report({ sourceId: '5', occurredAt: '2022-01-01T00:00:00.000Z', lat: 29, lon: 66, h3: '872a1072bfffffa' })], links: [] }] }));
      const listed = await allIncidents(store);
      const cols = await store.readColumns({});
      expect(cols.length).toBe(listed.length);
      listed.forEach((inc, i) => {
        expect(cols.id[i]).toBe(inc.id);
        expect(cols.time[i]).toBe(Date.parse(inc.occurredAt));
        expect(TIME_PRECISIONS[cols.timePrecision[i]!]).toBe(inc.timePrecision);
        expect(cols.lat[i]).toBe(inc.location.lat ?? NaN);
        expect(cols.lon[i]).toBe(inc.location.lon ?? NaN);
        expect(LOCATION_PRECISIONS[cols.locationPrecision[i]!]).toBe(inc.location.precision);
        expect(cols.districtNames[cols.district[i]!]).toBe(inc.location.district);
        expect(cols.provinceNames[cols.province[i]!]).toBe(inc.location.province);
        expect(CATEGORY_CODES[cols.category[i]!]).toBe(inc.category);
        expect([cols.killed[i], cols.injured[i], cols.abducted[i]]).toEqual([inc.severity.killed, inc.severity.injured, inc.severity.abducted]);
        expect(CLASSIFICATION_LEVELS[cols.classification[i]!]).toBe(inc.classification);
        expect(REPORTING_MODES[cols.reportingMode[i]!]).toBe(inc.reportingMode);
        expect(cols.h3[i]).toBe(inc.location.h3 ?? '');
        expect(cols.perpetratorNames[cols.perpetrator[i]!]).toBe(inc.perpetrator);
        expect(cols.sourceCount[i]).toBe(inc.sources.length);
      });
      expect(cols.district.filter((d) => d === -1).length).toBe(listed.filter((i) => i.location.district === undefined).length);
      expect(cols.districtNames).toEqual(['Gwadar', 'Quetta']);
      const empty = await store.readColumns({ districts: [] });
      expect(empty.length).toBe(0);
      expect(empty.time).toBeInstanceOf(Float64Array);
    });

    it('stats: every breakdown sums to the total; months are Pakistan calendar months', async () => {
      const rs = [
        report({ sourceId: '1', district: 'Quetta', province: 'Balochistan', occurredAt: '2024-01-15T00:00:00.000Z' }),
        // month precision for March 2024, stored at local midnight of 1 March = 19:00 UTC on 29 February
        report({ sourceId: '2', district: 'Kech', province: 'Balochistan', occurredAt: '2024-02-29T19:00:00.000Z', timePrecision: 'month', category: 'CR.KFR' }),
        report({ sourceId: '3', agency: 'levies', occurredAt: '2024-02-10T00:00:00.000Z', category: 'CR.KFR' }),
      ];
      const extra = report({ agency: 'fc', sourceId: '4' });
      await store.writeBatch(batch({ newIncidents: [{ ...single(rs[0]!), reports: [rs[0]!, extra], links: [] }, single(rs[1]!), single(rs[2]!)], quarantine: [quarantineRecord('r', 1), quarantineRecord('r', 2)] }));
      const s = await store.stats();
      const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
      expect(s.total).toBe(3);
      expect(s.reports).toBe(4);
      expect(s.quarantined).toBe(2);
      for (const breakdown of [s.byProvince, s.byDistrict, s.byCategory, s.byMonth]) expect(sum(breakdown)).toBe(s.total);
      expect(sum(s.byAgency)).toBe(s.reports);
      expect(s.byMonth).toEqual({ '2024-01': 1, '2024-02': 1, '2024-03': 1 });
      expect(s.byCategory).toEqual({ 'TI.BOMB': 1, 'CR.KFR': 2 });
      expect(s.byAgency).toEqual({ police: 2, fc: 1, levies: 1 });
      expect(s.byDistrict.Quetta).toBe(1);
      const kfr = await store.stats({ categories: ['CR.KFR'] });
      expect([kfr.total, kfr.reports, sum(kfr.byDistrict)]).toEqual([2, 2, 2]);
    });

    it('quarantine pages in insertion order, filters by run and is idempotent', async () => {
      const q1 = Array.from({ length: 17 }, (_, i) => quarantineRecord('run-a', i + 1));
      const q2 = Array.from({ length: 8 }, (_, i) => quarantineRecord('run-b', i + 1, 'levies-2.csv'));
      expect((await store.writeBatch(batch({ quarantine: [...q1, ...q2] }))).quarantined).toBe(25);
      expect((await store.writeBatch(batch({ quarantine: q1 }))).quarantined).toBe(0);
      const p = await store.listQuarantine({ offset: 10, limit: 10 });
      expect(p.total).toBe(25);
      expect(p.items).toEqual([...q1, ...q2].slice(10, 20));
      const b = await store.listQuarantine({ offset: 0, limit: 100 }, 'run-b');
      expect(b.total).toBe(8);
      expect(b.items).toEqual(q2);
      expect((await store.listQuarantine({ offset: 30, limit: 10 })).items).toEqual([]);
      await expectError(store.listQuarantine({ offset: -1, limit: 10 }), 'VALIDATION');
      // the same file again in a new run adds nothing; a changed line at the same place is kept
      const again = q1.map((q) => ({ ...q, runId: 'run-c' }));
      again[3] = { ...again[3]!, raw: 'bad,row,changed' };
      expect((await store.writeBatch(batch({ quarantine: again }))).quarantined).toBe(1);
      expect((await store.listQuarantine({ offset: 0, limit: 100 }, 'run-c')).items).toEqual([again[3]]);
      expect((await store.stats()).quarantined).toBe(26);
    });

    it('records ingest runs and updates a run by id', async () => {
      const run = { id: 'run-1', startedAt: '2024-03-01T10:00:00.000Z', origin: 'levies.csv', format: 'csv', agency: 'levies', rowsRead: 10, inserted: 7, attached: 1, duplicates: 1, quarantined: 1 };
      await store.recordRun(run);
      await store.recordRun({ ...run, id: 'run-0', startedAt: '2024-02-01T10:00:00.000Z' });
      expect(await store.listRuns()).toEqual([{ ...run, id: 'run-0', startedAt: '2024-02-01T10:00:00.000Z' }, run]);
      const finished = { ...run, finishedAt: '2024-03-01T10:05:00.000Z', rowsRead: 12 };
      await store.recordRun(finished);
      expect((await store.listRuns())[1]).toEqual(finished);
    });

    it('keeps the time range an ingest run covered, and a live run widens it by recording itself again', async () => {
      const run = { id: 'live-1', startedAt: '2024-03-01T10:00:00.000Z', origin: 'stream', format: 'ndjson', agency: 'police', rowsRead: 2, inserted: 2, attached: 0, duplicates: 0, quarantined: 0, coveredFrom: '2024-02-28T19:00:00.000Z', coveredTo: '2024-03-01T09:59:59.123Z' };
      await store.recordRun(run);
      expect(await store.listRuns()).toEqual([run]);
      const wider = { ...run, rowsRead: 5, inserted: 5, coveredTo: '2024-03-04T01:00:00.000Z' };
      await store.recordRun(wider);
      expect(await store.listRuns()).toEqual([wider]);
      // a run that carried no record has no range
      const empty = { ...run, id: 'empty', rowsRead: 0, inserted: 0 };
      delete (empty as Partial<typeof run>).coveredFrom;
      delete (empty as Partial<typeof run>).coveredTo;
      await store.recordRun(empty);
      expect((await store.listRuns()).find((r) => r.id === 'empty')).toEqual(empty);
    });

    it('linkCandidates returns incidents in the closed time window with their agencies', async () => {
      const a = report({ sourceId: 'A', occurredAt: '2024-03-01T10:00:00.000Z', lat: 30, lon: 67, district: 'Quetta' });
      const b = report({ agency: 'fc', sourceId: 'B', occurredAt: '2024-03-01T10:00:00.000Z' });
      const c = report({ sourceId: 'C', occurredAt: '2024-03-02T10:00:00.000Z', precision: 'unknown' });
      await store.writeBatch(batch({ newIncidents: [{ id: incidentIdFor(key(a)), reports: [a, b], links: [link(a, b)] }, single(c)] }));
      const t = Date.parse('2024-03-01T10:00:00.000Z');
      const got = await store.linkCandidates(t, t + 86_400_000);
      expect(got.map((g) => g.incidentId)).toEqual([incidentIdFor(key(a)), incidentIdFor(key(c))]);
      expect(got[0]).toEqual({ incidentId: incidentIdFor(key(a)), time: t, timePrecision: 'exact', lat: 30, lon: 67, locationPrecision: 'exact', district: 'Quetta', category: 'TI.BOMB', agencies: ['fc', 'police'], anchorKey: 'police:A', casualties: 0 });
      expect(got[1]!.lat).toBeNaN();
      expect(got[1]!.district).toBeUndefined();
      expect(await store.linkCandidates(t + 1, t + 86_400_000 - 1)).toEqual([]);
    });

    it('rejects bad filters with the field named', async () => {
      await expectError(store.countIncidents({ from: 'yesterday' }), 'VALIDATION');
      await expectError(store.countIncidents({ categories: ['NOPE' as CategoryCode] }), 'VALIDATION');
      await expectError(store.listIncidents({}, { offset: 0, limit: -1 }), 'VALIDATION');
    });
  });
}
