/**
 * The incident index's stats, counts and map points (src/store/incident-index/incident-index.ts)
 * against a plain model of the same entries, and against the index's own full scan: random entries
 * upserted (new ids and overwrites that change an entry's time, district, province, category, rank
 * and agencies, with the time order's tail merged at random sizes), random filters and random
 * brushes whose ends fall on, next to and between local month starts, in time zones whose months
 * do not all start at a whole-hour offset from UTC midnight (Asia/Karachi's daylight saving time of
 * 2008, America/Sao_Paulo's changes at midnight, Asia/Kolkata's +05:30). Whole months of a brush
 * come from the month counts (month-counts.ts) and the edges from a scan: every StoreStats field,
 * the counts per rank and the points must be those of the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES, CLASSIFICATION_LEVELS, categoryGroup, type CategoryCode, type CategoryGroup } from '@baseerat/engine';
import { IncidentIndex, isoOf, type IndexEntry } from '../../src/store/incident-index/incident-index.js';
import type { IncidentFilter, StoreStats } from '../../src/store/port.js';

const ZONES = ['Asia/Karachi', 'America/Sao_Paulo', 'Asia/Kolkata', 'UTC'];
const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Lasbela', 'Zhob'];
const PROVINCES = ['Balochistan', 'Sindh', 'Punjab'];
const AGENCIES = ['police', 'levies', 'fc', 'ctd'];
const CATS: CategoryCode[] = ['TI.BOMB', 'TI.TARGETED', 'CR.ROBBERY', 'PO.PROTEST'];
const GROUPS: CategoryGroup[] = [...new Set(CATS.map((c) => categoryGroup(c)))];
const HOUR = 3_600_000;
/** Ids: hex ids (compared as two numbers) and a few of another form (compared as strings). */
const IDS = [...Array.from({ length: 30 }, (_, k) => `inc_${(0x9000_0000 + k * 7919).toString(16)}${(k * 104_729).toString(16).padStart(8, '0')}`), 'odd-1', 'odd-2', 'inc_short'];

/** Local month starts of 2008-2009 (UTC instants, from the zone's own calendar): brushes and times cluster around them. */
function monthStarts(zone: string): number[] {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' });
  const out: number[] = [];
  let prev = fmt.format(Date.UTC(2007, 11, 20));
  for (let t = Date.UTC(2007, 11, 20); t < Date.UTC(2010, 1, 1); t += 15 * 60_000) {
    const cur = fmt.format(t);
    if (cur !== prev) {
      // the first millisecond of the new month (offsets change on whole quarter hours)
      let lo = t - 15 * 60_000, hi = t;
      while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); if (fmt.format(mid) === cur) hi = mid; else lo = mid; }
      out.push(hi);
    }
    prev = cur;
  }
  return out;
}
const STARTS = new Map(ZONES.map((z) => [z, monthStarts(z)]));

/** An instant: near a month start (-30 h .. +30 h, with a millisecond either side), anywhere in the two years, or (rarely) far away. */
const timeArb = (zone: string): fc.Arbitrary<number> => fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.nat(STARTS.get(zone)!.length - 1), fc.integer({ min: -30, max: 30 }), fc.constantFrom(-1, 0, 0, 1, 59 * 60_000))
    .map(([k, h, ms]) => STARTS.get(zone)![k]! + h * HOUR + ms) },
  { weight: 3, arbitrary: fc.integer({ min: Date.UTC(2008, 0, 1), max: Date.UTC(2009, 11, 31) }) },
  { weight: 1, arbitrary: fc.constantFrom(Date.UTC(2013, 4, 17, 3), Date.UTC(2005, 1, 2)) },
);

const entryArb = (zone: string): fc.Arbitrary<IndexEntry> => fc.record({
  id: fc.constantFrom(...IDS),
  timeMs: timeArb(zone),
  located: fc.boolean(),
  lat: fc.double({ min: 25, max: 31, noNaN: true }),
  lon: fc.double({ min: 61, max: 70, noNaN: true }),
  district: fc.option(fc.constantFrom(...DISTRICTS), { nil: undefined }),
  province: fc.option(fc.constantFrom(...PROVINCES), { nil: undefined }),
  category: fc.constantFrom(...CATS),
  rank: fc.nat(CLASSIFICATION_LEVELS.length - 1),
  agencies: fc.array(fc.tuple(fc.constantFrom(...AGENCIES), fc.integer({ min: 1, max: 3 })), { maxLength: 3 }).map((a) => new Map(a)),
}).map(({ located, ...e }) => ({ ...e, lat: located ? e.lat : NaN, lon: located ? e.lon : NaN }));

const filterArb = (zone: string): fc.Arbitrary<IncidentFilter> => fc.record({
  from: timeArb(zone).map((t) => new Date(t).toISOString()),
  to: timeArb(zone).map((t) => new Date(t).toISOString()),
  districts: fc.subarray([...DISTRICTS, 'Nowhere'], { minLength: 1 }),
  provinces: fc.subarray(PROVINCES, { minLength: 1 }),
  categories: fc.subarray(CATS, { minLength: 1 }),
  groups: fc.subarray(GROUPS, { minLength: 1 }),
  agencies: fc.subarray([...AGENCIES, 'nobody'], { minLength: 1 }),
  maxClassification: fc.constantFrom(...CLASSIFICATION_LEVELS),
  bbox: fc.tuple(fc.double({ min: 61, max: 66, noNaN: true }), fc.double({ min: 25, max: 28, noNaN: true }), fc.double({ min: 64, max: 70, noNaN: true }), fc.double({ min: 27, max: 31, noNaN: true })),
}, { requiredKeys: [] }).map((f) => {
  // agencies and bbox are scanned (the month counts do not split by them): most filters leave them out
  const { agencies: _agencies, bbox: _bbox, ...rest } = f;
  const k = (f.districts?.length ?? 0) + (f.categories?.length ?? 0);
  const out = (k % 4 === 0 ? f : rest) as IncidentFilter;
  // mostly from < to (a brush), sometimes the other way round (nothing matches)
  if (out.from !== undefined && out.to !== undefined && out.from > out.to && k % 5 !== 0) return { ...out, from: out.to, to: out.from };
  return out;
});

/** The model: what the stats of the entries are, computed directly from the list. */
function modelMatches(entries: IndexEntry[], f: IncidentFilter): IndexEntry[] {
  const from = f.from === undefined ? -Infinity : Date.parse(f.from), to = f.to === undefined ? Infinity : Date.parse(f.to);
  const maxRank = f.maxClassification === undefined ? Infinity : CLASSIFICATION_LEVELS.indexOf(f.maxClassification);
  return entries.filter((e) => e.timeMs >= from && e.timeMs < to && e.rank <= maxRank
    && (f.districts === undefined || (e.district !== undefined && f.districts.includes(e.district)))
    && (f.provinces === undefined || (e.province !== undefined && f.provinces.includes(e.province)))
    && (f.categories === undefined || f.categories.includes(e.category as CategoryCode))
    && (f.groups === undefined || f.groups.includes(categoryGroup(e.category as CategoryCode)))
    && (f.agencies === undefined || [...e.agencies.keys()].some((a) => f.agencies!.includes(a)))
    && (f.bbox === undefined || (e.lon >= f.bbox[0] && e.lon <= f.bbox[2] && e.lat >= f.bbox[1] && e.lat <= f.bbox[3])))
    .sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function modelStats(zone: string, hits: IndexEntry[]): StoreStats {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' });
  const count = (m: Record<string, number>, k: string, n = 1) => { m[k] = (m[k] ?? 0) + n; };
  const s: StoreStats = { total: hits.length, reports: 0, quarantined: 0, byProvince: {}, byDistrict: {}, byCategory: {}, byMonth: {}, byAgency: {} };
  for (const e of hits) {
    count(s.byProvince, e.province ?? '(unknown)');
    count(s.byDistrict, e.district ?? '(unknown)');
    count(s.byCategory, e.category);
    count(s.byMonth, fmt.format(e.timeMs));
    for (const [a, n] of e.agencies) { count(s.byAgency, a, n); s.reports += n; }
  }
  return s;
}

type Step = { kind: 'upsert'; e: IndexEntry } | { kind: 'query'; f: IncidentFilter; limit: number } | { kind: 'compact' };

const runArb = fc.constantFrom(...ZONES).chain((zone) => fc.record({
  zone: fc.constant(zone),
  tailMax: fc.integer({ min: 1, max: 12 }),
  /** Entries loaded before `sortAll` (the start-up path builds the month counts there). */
  initial: fc.array(entryArb(zone), { maxLength: 40 }),
  steps: fc.array(fc.oneof(
    { weight: 4, arbitrary: entryArb(zone).map((e): Step => ({ kind: 'upsert', e })) },
    { weight: 4, arbitrary: fc.tuple(filterArb(zone), fc.integer({ min: 1, max: 8 })).map(([f, limit]): Step => ({ kind: 'query', f, limit })) },
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'compact' }) },
  ), { minLength: 1, maxLength: 40 }),
}));

describe('the incident index: month counts and the backward walk of the points give the scan\'s answers', () => {
  it('every StoreStats field, the counts per rank and the points equal the model and the full scan', () => {
    let viaMonthCounts = 0, queries = 0;
    fc.assert(fc.property(runArb, ({ zone, tailMax, initial, steps }) => {
      const ix = new IncidentIndex(zone, 16, tailMax);
      const model = new Map<string, IndexEntry>();
      for (const e of initial) { ix.upsert(e); model.set(e.id, e); }
      ix.sortAll();
      for (const step of steps) {
        if (step.kind === 'upsert') { ix.upsert(step.e); model.set(step.e.id, step.e); continue; }
        if (step.kind === 'compact') { ix.compact(true); continue; }
        const c = ix.compile(step.f);
        expect(c).toBeDefined();
        queries++;
        const before = ix.monthCountAnswers;
        const hits = modelMatches([...model.values()], step.f);
        const { stats, byRank } = ix.stats(c!, 'months');
        if (ix.monthCountAnswers > before) viaMonthCounts++;
        expect(stats).toEqual(modelStats(zone, hits));
        expect(ix.stats(c!, 'scan')).toEqual({ stats, byRank });
        expect(ix.stats(c!)).toEqual({ stats, byRank });
        const ranks = CLASSIFICATION_LEVELS.map((_, r) => hits.filter((e) => e.rank === r).length);
        expect(byRank).toEqual(ranks);
        expect(ix.countByRank(c!, 'months')).toEqual(ranks);
        expect(ix.count(c!, 'months')).toBe(hits.length);
        expect(ix.count(c!)).toBe(hits.length);
        const points = hits.filter((e) => !Number.isNaN(e.lat) && !Number.isNaN(e.lon)).reverse().slice(0, step.limit)
          .map((e) => ({ id: e.id, lon: e.lon, lat: e.lat, category: e.category, occurredAt: new Date(e.timeMs).toISOString() }));
        expect(ix.points(c!, step.limit)).toEqual({ items: points, total: hits.length });
      }
    }), { numRuns: 600, seed: 20261127 });
    console.log(`incident-index property: ${queries} queries, ${viaMonthCounts} answered with the month counts`);
    // the property is about the month counts: most queries must have gone through them
    expect(queries).toBeGreaterThan(700);
    expect(viaMonthCounts).toBeGreaterThan(queries / 4);
  }, 120_000);

  it('keeps the month counts through writes in a month outside them and answers a brush of whole months from them', () => {
    const ix = new IncidentIndex('Asia/Karachi', 16, 4);
    const e = (id: number, iso: string, district = 'Quetta'): IndexEntry => ({
      id: `inc_${id.toString(16).padStart(16, '0')}`, timeMs: Date.parse(iso), lat: 30, lon: 67, district, province: 'Balochistan',
      category: CATEGORY_CODES[0], rank: 0, agencies: new Map([['police', 1]]),
    });
    for (let k = 0; k < 12; k++) ix.upsert(e(k, `2020-${String(k + 1).padStart(2, '0')}-10T00:00:00Z`));
    ix.sortAll();
    expect(ix.monthCountsInUse).toBe(true);
    const bytes = ix.monthCountBytes();
    expect(bytes).toBeGreaterThan(0);
    // a whole-month brush in Pakistan time: answered from the counts, no edge to scan
    const brush = ix.compile({ from: '2020-02-29T19:00:00.000Z', to: '2020-06-30T19:00:00.000Z' })!;
    const before = ix.monthCountAnswers;
    expect(ix.stats(brush).stats.byMonth).toEqual({ '2020-03': 1, '2020-04': 1, '2020-05': 1, '2020-06': 1 });
    expect(ix.monthCountAnswers).toBe(before + 1);
    // a write 30 years later: outside the months kept; the counts are rebuilt wider at the next query
    ix.upsert(e(100, '2050-01-01T00:00:00Z', 'Gwadar'));
    expect(ix.monthCountsInUse).toBe(false);
    expect(ix.stats(ix.compile({ from: '2049-12-31T19:00:00.000Z' })!).stats.byDistrict).toEqual({ Gwadar: 1 });
    expect(ix.monthCountsInUse).toBe(true);
    expect(ix.monthCountBytes()).toBeGreaterThan(bytes);
    // an entry moved to another month and district: taken out of its old cell and month
    ix.upsert(e(3, '2020-09-15T00:00:00Z', 'Kech'));
    expect(ix.stats(brush).stats).toMatchObject({ total: 3, byDistrict: { Quetta: 3 }, byMonth: { '2020-03': 1, '2020-05': 1, '2020-06': 1 } });
  });
});

describe('isoOf (the points\' occurredAt)', () => {
  it('is toISOString for any instant a Date can hold, whole milliseconds', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: Date.UTC(2014, 0, 1), max: Date.UTC(2026, 0, 1) })), (ms) => {
      expect(isoOf(ms)).toBe(new Date(ms).toISOString());
    }), { numRuns: 20_000, seed: 20261127 });
    for (const ms of [0, -1, 86_399_999, -86_400_000, Date.UTC(1969, 11, 31, 23, 59, 59, 999), 8.64e15, -8.64e15]) expect(isoOf(ms)).toBe(new Date(ms).toISOString());
  });
});
