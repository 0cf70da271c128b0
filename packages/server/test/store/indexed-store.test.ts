/**
 * The incident index decorator (src/store/incident-index): the store conformance suite over the
 * decorated DuckDB store, and properties against the plain store: the same random writes (new
 * incidents of 1-3 reports, several from one agency, attachments, unlinks, quarantine) given to a
 * plain and a decorated store, then random filters: stats, counts, map points and list pages must be
 * equal. A second property loads the index from a store already filled (the start-up path).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLASSIFICATION_LEVELS, incidentIdFor, sourceKey, type CategoryCode, type Incident, type Link, type Report,
} from '@baseerat/engine';
import { openStore, type DuckDBStore } from '../../src/store/index.js';
import type { FieldCodec, IncidentFilter, IngestBatch, Page, Store } from '../../src/store/port.js';
import { IndexedStore } from '../../src/store/incident-index/indexed-store.js';
import { describeStoreConformance, report } from './conformance.js';

const config = { duckdb: { threads: '1' } };

async function indexed(store: Store, tailMax?: number, listPrefix?: { min: number; max: number }): Promise<IndexedStore> {
  const s = new IndexedStore(store, { ...(tailMax === undefined ? {} : { tailMax }), ...(listPrefix === undefined ? {} : { listPrefix }) });
  await s.loaded;
  return s;
}

describeStoreConformance('duckdb :memory: with the incident index', async () => indexed(await openStore(':memory:', config)));

const DISTRICTS = ['Quetta', 'Gwadar', 'Kech'];
const PROVINCES = ['Balochistan', 'Sindh'];
const AGENCIES = ['police', 'levies', 'fc'];
const CATS: CategoryCode[] = ['TI.BOMB', 'TI.TARGETED', 'CR.ROBBERY', 'PO.PROTEST'];
const key = (r: Report) => sourceKey(r.source);

interface Gen { narrative?: string | undefined; received?: number; agency: string; hour: number; located: boolean; lat: number; lon: number; district: string | undefined; province: string | undefined; category: CategoryCode; classification: (typeof CLASSIFICATION_LEVELS)[number] }
const genArb: fc.Arbitrary<Gen> = fc.record({
  agency: fc.constantFrom(...AGENCIES),
  // few distinct times (ties in the ordering), across month ends in Pakistan time (UTC+5)
  hour: fc.constantFrom(0, 1, 18, 19, 20, 24 * 31 - 4, 24 * 31 + 3, 24 * 59 - 5, 24 * 200),
  located: fc.boolean(),
  lat: fc.double({ min: 25, max: 31, noNaN: true }),
  lon: fc.double({ min: 61, max: 70, noNaN: true }),
  district: fc.option(fc.constantFrom(...DISTRICTS), { nil: undefined }),
  province: fc.option(fc.constantFrom(...PROVINCES), { nil: undefined }),
  category: fc.constantFrom(...CATS),
  classification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  narrative: fc.option(fc.constantFrom('seen near the bazaar', 'دھماکہ', ''), { nil: undefined }),
  received: fc.nat(3),
}, { requiredKeys: ['agency', 'hour', 'located', 'lat', 'lon', 'district', 'province', 'category', 'classification'] });
/** The time in UTC, or (odd hours) the same instant written in Pakistan time: the stores canonicalise it. */
const isoOf = (ms: number, hour: number) => (hour % 2 === 0 ? new Date(ms).toISOString() : new Date(ms + 5 * 3_600_000).toISOString().replace('Z', '+05:00'));
const toReport = (g: Gen, sourceId: string): Report => report({
  agency: g.agency, sourceId,
  occurredAt: isoOf(Date.UTC(2023, 11, 31) + g.hour * 3_600_000, g.hour),
  ...(g.located ? { lat: g.lat, lon: g.lon, precision: 'exact' as const } : { precision: 'district' as const }),
  ...(g.district === undefined ? {} : { district: g.district }),
  ...(g.province === undefined ? {} : { province: g.province }),
  category: g.category, classification: g.classification,
  ...(g.narrative === undefined ? {} : { narrative: g.narrative }),
  // a few receipt times (an incident's sources are in received order, then written order)
  ...(g.received === undefined ? {} : { receivedAt: new Date(Date.UTC(2024, 2, 1, 11 - g.received)).toISOString() }),
});

type Op =
  | { kind: 'new'; reports: Gen[] }
  | { kind: 'attach'; target: number; reports: Gen[] }
  | { kind: 'unlink'; target: number; which: number }
  | { kind: 'quarantine'; line: number }
  | { kind: 'again'; target: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.array(genArb, { minLength: 1, maxLength: 3 }).map((reports): Op => ({ kind: 'new', reports })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(50), fc.array(genArb, { minLength: 1, maxLength: 2 })).map(([target, reports]): Op => ({ kind: 'attach', target, reports })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(50), fc.nat(3)).map(([target, which]): Op => ({ kind: 'unlink', target, which })) },
  { weight: 1, arbitrary: fc.nat(3).map((line): Op => ({ kind: 'quarantine', line })) },
  { weight: 1, arbitrary: fc.nat(50).map((target): Op => ({ kind: 'again', target })) },
);

const filterArb: fc.Arbitrary<IncidentFilter> = fc.record({
  from: fc.constantFrom(0, 1, 19, 24 * 31, 24 * 59 - 5).map((h) => new Date(Date.UTC(2023, 11, 31) + h * 3_600_000).toISOString()),
  to: fc.constantFrom(1, 19, 20, 24 * 31 + 3, 24 * 300).map((h) => new Date(Date.UTC(2023, 11, 31) + h * 3_600_000).toISOString()),
  districts: fc.subarray([...DISTRICTS, 'Nowhere']),
  provinces: fc.subarray(PROVINCES),
  categories: fc.subarray(CATS),
  groups: fc.subarray(['terrorism', 'crime', 'public_order'] as const),
  agencies: fc.subarray([...AGENCIES, 'nobody']),
  maxClassification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  bbox: fc.tuple(fc.double({ min: 61, max: 66, noNaN: true }), fc.double({ min: 25, max: 28, noNaN: true }), fc.double({ min: 64, max: 70, noNaN: true }), fc.double({ min: 27, max: 31, noNaN: true })),
}, { requiredKeys: [] }) as fc.Arbitrary<IncidentFilter>;

/** Applies the operations to each store alike; returns nothing but leaves both in the same state. */
async function apply(stores: Store[], ops: Op[], prefix = 'S'): Promise<void> {
  const incidents: { id: string; keys: string[] }[] = [];
  let n = 0;
  for (const op of ops) {
    let b: IngestBatch | undefined;
    if (op.kind === 'new') {
      const rs = op.reports.map((g) => toReport(g, `${prefix}${n++}`));
      const id = incidentIdFor(key(rs[0]!));
      const links: Link[] = rs.slice(1).map((r) => ({ a: key(rs[0]!), b: key(r), rule: 'test', distanceKm: 0.5, hoursApart: 1 }));
      b = { newIncidents: [{ id, reports: rs, links }], attachments: [], quarantine: [] };
      incidents.push({ id, keys: rs.map(key) });
    } else if (op.kind === 'attach' && incidents.length > 0) {
      const target = incidents[op.target % incidents.length]!;
      const rs = op.reports.map((g) => toReport(g, `${prefix}${n++}`));
      b = { newIncidents: [], attachments: [{ incidentId: target.id, reports: rs, links: rs.map((r) => ({ a: target.keys[0]!, b: key(r), rule: 'test', distanceKm: 0.5, hoursApart: 1 })) }], quarantine: [] };
      target.keys.push(...rs.map(key));
    } else if (op.kind === 'quarantine') {
      b = { newIncidents: [], attachments: [], quarantine: [{ runId: `run${n++}`, agency: 'levies', origin: 'x.csv', line: op.line, raw: `bad ${op.line}`, reasons: [{ field: 'date', value: 'x', message: 'not a date' }] }] };
    } else if (op.kind === 'unlink' && incidents.length > 0) {
      const target = incidents[op.target % incidents.length]!;
      if (target.keys.length < 2) continue;
      // any of its records, the creating one included (then the rest move under another id)
      const moved = target.keys[op.which % target.keys.length]!;
      for (const s of stores) await s.unlink(target.id, moved);
      const all = await stores[0]!.listIncidents({}, { offset: 0, limit: 10_000 });
      incidents.length = 0;
      for (const inc of all.items) incidents.push({ id: inc.id, keys: inc.sources.map((x) => sourceKey(x)) });
      continue;
    } else if (op.kind === 'again' && incidents.length > 0) {
      // a batch whose only report is stored already: a duplicate, nothing created
      const target = incidents[op.target % incidents.length]!;
      const [agency, sourceId] = target.keys[0]!.split(':') as [string, string];
      const r = toReport({ agency, hour: 1, located: false, lat: 0, lon: 0, district: undefined, province: undefined, category: 'TI.BOMB', classification: 'RESTRICTED' }, sourceId);
      b = { newIncidents: [{ id: incidentIdFor(key(r)), reports: [r], links: [] }], attachments: [], quarantine: [] };
    }
    if (b === undefined) continue;
    const results = [];
    for (const s of stores) results.push(await s.writeBatch(b));
    if (results.length > 1) expect(results[1]).toEqual(results[0]);
  }
}

async function expectSame(plain: Store, decorated: IndexedStore, filters: IncidentFilter[]): Promise<void> {
  expect(decorated.state).toBe('ready');
  for (const f of [{}, ...filters]) {
    expect(await decorated.stats(f)).toStrictEqual(await plain.stats(f));
    expect(await decorated.countIncidents(f)).toBe(await plain.countIncidents(f));
    // as the API's stats ask next (highestPresent): the same filter under each ceiling
    for (const level of CLASSIFICATION_LEVELS) expect(await decorated.countIncidents({ ...f, maxClassification: level })).toBe(await plain.countIncidents({ ...f, maxClassification: level }));
    for (const limit of [1, 3, 500]) expect(await decorated.listPoints(f, limit)).toStrictEqual(await plain.listPoints(f, limit));
    for (const [offset, limit] of [[0, 50], [0, 2], [1, 2], [3, 3], [7, 1]] as const) {
      expect(await decorated.listIncidents(f, { offset, limit })).toStrictEqual(await plain.listIncidents(f, { offset, limit }));
    }
  }
  // the pages came from the index's ordering, not from the fallback to the store's own page
  expect(decorated.listMismatches).toBe(0);
}

describe('the incident index gives the plain store answers', () => {
  it('after random writes (new incidents, attachments, unlinks, duplicates, quarantine), under random filters', async () => {
    // tailMax 1-4: the writes' entries are merged into the time order often, and some queries see a tail
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(filterArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (ops, filters, tailMax) => {
      const plain = await openStore(':memory:', config);
      const decorated = await indexed(await openStore(':memory:', config), tailMax);
      try {
        await apply([plain, decorated], ops);
        await expectSame(plain, decorated, filters);
      } finally {
        await plain.close();
        await decorated.close();
      }
    }), { numRuns: 25, seed: 20261127 });
  }, 240_000);

  it('when loaded from a store already filled (the start-up path)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(filterArb, { minLength: 1, maxLength: 6 }), async (ops, filters) => {
      const plain = await openStore(':memory:', config);
      try {
        await apply([plain], ops);
        const decorated = new IndexedStore(plain, { tailMax: 2 });
        await decorated.loaded;
        await expectSame(plain, decorated, filters);
        // then more writes through the decorator, on top of the loaded order
        await apply([decorated], ops.filter((o) => o.kind === 'new').slice(0, 5), 'T');
        const again = await openStore(':memory:', config);
        try {
          await apply([again], ops);
          await apply([again], ops.filter((o) => o.kind === 'new').slice(0, 5), 'T');
          await expectSame(again, decorated, filters);
        } finally {
          await again.close();
        }
      } finally {
        await plain.close();
      }
    }), { numRuns: 25, seed: 20261128 });
  }, 240_000);

  it('answers the store queries from the index once loaded (the store is not asked)', async () => {
    const plain = await openStore(':memory:', config);
    const decorated = await indexed(plain);
    await apply([decorated], [{ kind: 'new', reports: [{ agency: 'police', hour: 1, located: true, lat: 30, lon: 66, district: 'Quetta', province: 'Balochistan', category: 'TI.BOMB', classification: 'RESTRICTED' }] }]);
    const asked: string[] = [];
    for (const m of ['stats', 'countIncidents', 'listPoints'] as const) {
      const orig = plain[m].bind(plain) as (...a: unknown[]) => unknown;
      (plain as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => { asked.push(m); return orig(...a); };
    }
    expect((await decorated.stats({ districts: ['Quetta'] })).total).toBe(1);
    expect(await decorated.countIncidents({ maxClassification: 'UNCLASSIFIED' })).toBe(0);
    expect((await decorated.listPoints({}, 10)).items).toHaveLength(1);
    expect(asked).toEqual([]);
    // an invalid filter is the store's to refuse, with its own error
    await expect(decorated.stats({ categories: ['NOPE' as CategoryCode] })).rejects.toThrow(/unknown category/);
    expect(asked).toEqual(['stats']);
    await decorated.close();
  });
});

/**
 * The full list served from the index and the incident detail side file (issue #7): on a store on
 * a file (so with its side file) under a keyed codec (sensitive fields are ciphertext there), every
 * page the decorator serves from the side file must equal, field for field, the DuckDB store's own
 * page (`inner.listIncidents`: incident-list.ts), after random writes and again after a reopen.
 */
describe('the full list from the index and the detail side file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-index-list-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  /** A keyed codec like the field cipher's (the value is bound to its field and record). */
  const codec: FieldCodec = {
    encode: (p, field, id) => `v1:${field}|${id}|${p}`,
    decode: (s, field, id) => {
      const head = `v1:${field}|${id}|`;
      if (!s.startsWith(head)) throw new Error(`not a value of ${field} ${id}: ${s}`);
      return s.slice(head.length);
    },
  };
  const open = async (file: string): Promise<{ inner: DuckDBStore; decorated: IndexedStore }> => {
    const inner = await openStore(file, { ...config, codec });
    await inner.existingSourceKeys(['warm:up']); // loads the id -> seq index the side file is read through
    await inner.detailFileSettled();
    // kept first matches of 1 to 16 per filter: pages longer than kept, kept ones read again longer
    return { inner, decorated: await indexed(inner, 3, { min: 1, max: 16 }) };
  };
  // mostly pages within the kept first matches (offset + limit up to 16), some beyond them
  const pageArb = fc.array(fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat(8), fc.integer({ min: 1, max: 8 })) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 40 })) },
  ), { minLength: 1, maxLength: 8 });

  /** Each page from the decorator equals the store's own, and each one not empty came from the side file; returns how many did. */
  async function expectPagesSame(inner: DuckDBStore, decorated: IndexedStore, filters: IncidentFilter[], pages: [number, number][]): Promise<number> {
    expect(decorated.state).toBe('ready');
    expect(inner.detailFileStats?.state).toBe('ready');
    const before = decorated.listFromDetail;
    let filled = 0;
    for (const f of [{}, ...filters]) {
      for (const [offset, limit] of [[0, 50], [0, 1], [1, 2], ...pages] as const) {
        const want = await inner.listIncidents(f, { offset, limit });
        const got = await decorated.listIncidents(f, { offset, limit });
        expect(got).toStrictEqual(want);
        if (got.items.length > 0) filled++;
        // the raw records too (decoded when read, in both)
        expect(got.items.map((i) => i.sources.map((s) => s.raw))).toStrictEqual(want.items.map((i) => i.sources.map((s) => s.raw)));
      }
    }
    expect(decorated.listMismatches).toBe(0);
    expect(decorated.listFromDetail - before).toBe(filled);
    return filled;
  }

  it('equals the DuckDB page after random writes (new incidents, attachments, unlinks, duplicates), and after a reopen', async () => {
    let served = 0;
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(filterArb, { minLength: 1, maxLength: 4 }), pageArb, async (ops, filters, pages) => {
      const file = join(dir, `s${files++}`, 'store.duckdb');
      let { inner, decorated } = await open(file);
      try {
        await apply([decorated], ops);
        served += await expectPagesSame(inner, decorated, filters, pages);
        await decorated.close();
        ({ inner, decorated } = await open(file));
        served += await expectPagesSame(inner, decorated, filters, pages);
        // more writes on top of the reopened store and its side file
        await apply([decorated], ops.filter((o) => o.kind !== 'quarantine').slice(0, 8), 'R');
        served += await expectPagesSame(inner, decorated, filters, pages);
      } finally {
        await decorated.close();
      }
    }), { numRuns: 20, seed: 20261129 });
    // the pages were the side file's, not the store's own page behind the decorator
    expect(served).toBeGreaterThan(100);
  }, 300_000);

  it('does not serve the side file between a write\'s commit and the index catching up with it', async () => {
    const file = join(dir, `w${files++}`, 'store.duckdb');
    const { inner, decorated } = await open(file);
    try {
      const g = (hour: number, district: string): Gen => ({ agency: 'police', hour, located: false, lat: 0, lon: 0, district, province: 'Balochistan', category: 'TI.BOMB', classification: 'RESTRICTED', narrative: 'first' });
      await apply([decorated], [{ kind: 'new', reports: [g(1, 'Quetta')] }, { kind: 'new', reports: [g(18, 'Quetta')] }]);
      const first = (await decorated.listIncidents({}, { offset: 0, limit: 10 })).items;
      expect(first).toHaveLength(2);
      const fromDetail = decorated.listFromDetail;
      expect(fromDetail).toBeGreaterThan(0);
      // an attachment moves the first incident to Gwadar and later in time: the index reads it back
      // with getIncident after the store's commit; a list asked at that moment must not mix the
      // side file's new version into the index's old order
      const during: Page<Incident>[] = [];
      const get = inner.getIncident.bind(inner);
      inner.getIncident = async (id) => {
        during.push(await decorated.listIncidents({ districts: ['Quetta'] }, { offset: 0, limit: 10 }));
        return get(id);
      };
      const target = first[0]!;
      const r = toReport({ ...g(24 * 59 - 5, 'Gwadar'), narrative: 'second' }, 'att-1');
      await decorated.writeBatch({ newIncidents: [], attachments: [{ incidentId: target.id, reports: [r], links: [{ a: sourceKey(target.sources[0]!), b: key(r), rule: 'test', distanceKm: 0.5, hoursApart: 1 }] }], quarantine: [] });
      inner.getIncident = get;
      expect(during.length).toBeGreaterThan(0);
      expect(decorated.listFromDetail).toBe(fromDetail);
      // once the index has it, the side file serves again, and the page is the store's
      const after = await decorated.listIncidents({ districts: ['Quetta'] }, { offset: 0, limit: 10 });
      expect(after).toStrictEqual(await inner.listIncidents({ districts: ['Quetta'] }, { offset: 0, limit: 10 }));
      expect(decorated.listFromDetail).toBe(fromDetail + 1);
    } finally {
      await decorated.close();
    }
  });
});
