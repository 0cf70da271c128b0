/**
 * An in-memory columnar index of every stored incident: the fields the dashboard's filters and
 * aggregates read (time, district, province, category, classification, agencies, position, id),
 * one entry per incident in typed arrays. Stats, counts and map points over any IncidentFilter are
 * answered by one scan in JS (a few ms per 1,000,000 incidents) instead of a store query, so they
 * cost the same whether or not the same filter was asked before, and a write does not empty anything.
 *
 * Pure data structure: loading and keeping it in step with the store is `indexed-store.ts`.
 *
 * Layout per incident (bytes): time 8, lat 8, lon 8 (Float64: bbox tests and the points' positions
 * must be the stored values exactly), id as two 32-bit halves 8 (ids of the form inc_<16 hex>; any
 * other id is kept as a string in a side map), agency bitmask 4, local month 4, district 2,
 * province 2, category 1, classification rank 1; plus the id hash table (2 slots of 4 bytes per
 * incident at most). Entries are never removed (no store call deletes an incident); a changed
 * incident (an attachment re-consolidates it, an unlink moves a report out) is overwritten in place.
 */
import {
  CATEGORY_CODES, CLASSIFICATION_LEVELS, categoryGroup, classificationRank,
  type CategoryCode, type Incident,
} from '@baseerat/engine';
import { checkIncidentFilter } from '../filter-checks.js';
import type { IncidentFilter, IncidentPoint, StoreStats } from '../port.js';

/** Key under which stats count incidents with no district or province (as the stores do). */
const UNKNOWN_KEY = '(unknown)';
/** Agencies a bitmask can hold; a 33rd agency switches the index off (the store answers). */
export const MAX_AGENCIES = 32;

const HEX_ID = /^inc_[0-9a-f]{16}$/;
const CATEGORY_INDEX = new Map<string, number>(CATEGORY_CODES.map((c, i) => [c, i]));
const GROUP_OF_CATEGORY: string[] = CATEGORY_CODES.map((c) => categoryGroup(c as CategoryCode));

/** Thrown when the index cannot represent the data (too many agencies): the caller falls back to the store. */
export class IndexUnsupported extends Error {}

/** The fields of one incident the index keeps, as an incident reads them. */
export interface IndexEntry {
  id: string;
  timeMs: number;
  lat: number;
  lon: number;
  district: string | undefined;
  province: string | undefined;
  category: string;
  rank: number;
  /** Report count per agency. */
  agencies: ReadonlyMap<string, number>;
}

export function entryOfIncident(inc: Incident): IndexEntry {
  const agencies = new Map<string, number>();
  for (const s of inc.sources) agencies.set(s.agency, (agencies.get(s.agency) ?? 0) + 1);
  return {
    id: inc.id,
    timeMs: Date.parse(inc.occurredAt),
    lat: inc.location.lat ?? NaN,
    lon: inc.location.lon ?? NaN,
    district: inc.location.district,
    province: inc.location.province,
    category: inc.category,
    rank: classificationRank(inc.classification),
    agencies,
  };
}

/** Calendar month ('YYYY-MM' as year * 12 + month - 1) of an instant in a time zone, cached per UTC day. */
class LocalMonths {
  private readonly offsetFormat: Intl.DateTimeFormat;
  /** UTC day -> offset in minutes when constant over the day, NaN when it changes during it. */
  private readonly dayOffset = new Map<number, number>();

  constructor(timeZone: string) {
    this.offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', year: 'numeric' });
  }

  private offsetMinutes(ms: number): number {
    const name = this.offsetFormat.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(name);
    if (m === null) return 0;
    const v = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
    return m[1] === '-' ? -v : v;
  }

  month(ms: number): number {
    const day = Math.floor(ms / 86_400_000);
    let off = this.dayOffset.get(day);
    if (off === undefined) {
      const a = this.offsetMinutes(day * 86_400_000);
      const b = this.offsetMinutes(day * 86_400_000 + 86_399_999);
      off = a === b ? a : NaN;
      this.dayOffset.set(day, off);
    }
    const local = new Date(ms + (Number.isNaN(off) ? this.offsetMinutes(ms) : off) * 60_000);
    return local.getUTCFullYear() * 12 + local.getUTCMonth();
  }
}

function monthKey(code: number): string {
  const y = Math.floor(code / 12);
  const m = code - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}`;
}

class Dictionary {
  readonly names: string[] = [];
  private readonly codes = new Map<string, number>();
  code(name: string): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(name);
      this.codes.set(name, c);
    }
    return c;
  }
  find(name: string): number | undefined {
    return this.codes.get(name);
  }
}

/** A filter compiled against the index's dictionaries. */
interface Compiled {
  none: boolean;
  from: number;
  to: number;
  district: Uint8Array | undefined;
  province: Uint8Array | undefined;
  category: Uint8Array | undefined;
  agencyMask: number;
  agencies: boolean;
  maxRank: number;
  bbox: readonly [number, number, number, number] | undefined;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class IncidentIndex {
  length = 0;
  private cap: number;
  time: Float64Array;
  lat: Float64Array;
  lon: Float64Array;
  idHi: Uint32Array;
  idLo: Uint32Array;
  agencyMask: Uint32Array;
  month: Int32Array;
  district: Int16Array;
  province: Int16Array;
  category: Uint8Array;
  rank: Uint8Array;
  /** Ids not of the form inc_<16 hex>, by entry. */
  private readonly oddIds = new Map<number, string>();
  private readonly oddIdIndex = new Map<string, number>();
  /** Entries whose reports are not one per agency: report count per agency code. */
  private readonly multi = new Map<number, Map<number, number>>();
  private slots: Int32Array;
  /**
   * Entries in (time, id) order, as of the last compaction, with their times for binary search: a
   * brush scans only its own time range. Entries added or changed since sit in `tail` (and are
   * skipped in `order`, `inOrder` 0) until the tail is merged in.
   */
  private order: Int32Array = new Int32Array(0);
  private orderTime = new Float64Array(0);
  private inOrder: Uint8Array;
  private inTail: Uint8Array;
  private tail: number[] = [];
  private readonly districts = new Dictionary();
  private readonly provinces = new Dictionary();
  private readonly agencyNames = new Dictionary();
  private readonly months: LocalMonths;
  /** Rows of the store's quarantine table (StoreStats.quarantined), kept by the owner. */
  quarantined = 0;

  /** `tailMax`: entries added or changed since the last compaction before they are merged into the time order. */
  constructor(timeZone: string, capacity = 1024, private readonly tailMax = 4096) {
    this.months = new LocalMonths(timeZone);
    this.cap = Math.max(16, capacity);
    this.time = new Float64Array(this.cap);
    this.lat = new Float64Array(this.cap);
    this.lon = new Float64Array(this.cap);
    this.idHi = new Uint32Array(this.cap);
    this.idLo = new Uint32Array(this.cap);
    this.agencyMask = new Uint32Array(this.cap);
    this.month = new Int32Array(this.cap);
    this.district = new Int16Array(this.cap);
    this.province = new Int16Array(this.cap);
    this.category = new Uint8Array(this.cap);
    this.rank = new Uint8Array(this.cap);
    this.slots = new Int32Array(slotCount(this.cap)).fill(-1);
    this.inOrder = new Uint8Array(this.cap);
    this.inTail = new Uint8Array(this.cap);
  }

  /** Bytes held by the typed arrays and the hash table (not the side maps of odd ids and multi-report entries). */
  bytes(): number {
    return this.cap * (8 * 3 + 4 * 2 + 4 + 4 + 2 + 2 + 1 + 1 + 1 + 1) + this.slots.byteLength + this.order.byteLength + this.orderTime.byteLength;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Uint32Array | Int32Array | Int16Array | Uint8Array>(a: T, make: (n: number) => T): T => { const b = make(cap); b.set(a); return b; };
    this.time = g(this.time, (n) => new Float64Array(n));
    this.lat = g(this.lat, (n) => new Float64Array(n));
    this.lon = g(this.lon, (n) => new Float64Array(n));
    this.idHi = g(this.idHi, (n) => new Uint32Array(n));
    this.idLo = g(this.idLo, (n) => new Uint32Array(n));
    this.agencyMask = g(this.agencyMask, (n) => new Uint32Array(n));
    this.month = g(this.month, (n) => new Int32Array(n));
    this.district = g(this.district, (n) => new Int16Array(n));
    this.province = g(this.province, (n) => new Int16Array(n));
    this.category = g(this.category, (n) => new Uint8Array(n));
    this.rank = g(this.rank, (n) => new Uint8Array(n));
    this.inOrder = g(this.inOrder, (n) => new Uint8Array(n));
    this.inTail = g(this.inTail, (n) => new Uint8Array(n));
    this.cap = cap;
    this.slots = new Int32Array(slotCount(cap)).fill(-1);
    for (let i = 0; i < this.length; i++) if (!this.oddIds.has(i)) this.insertSlot(i);
  }

  private hashOf(hi: number, lo: number): number {
    return (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) ^ lo) >>> 0;
  }

  private insertSlot(i: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashOf(this.idHi[i]!, this.idLo[i]!) & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = i;
  }

  /** Entry of an id, or -1. */
  find(id: string): number {
    if (!HEX_ID.test(id)) return this.oddIdIndex.get(id) ?? -1;
    const hi = parseInt(id.slice(4, 12), 16), lo = parseInt(id.slice(12, 20), 16);
    const mask = this.slots.length - 1;
    for (let s = this.hashOf(hi, lo) & mask; ; s = (s + 1) & mask) {
      const i = this.slots[s]!;
      if (i < 0) return -1;
      if (this.idHi[i] === hi && this.idLo[i] === lo && !this.oddIds.has(i)) return i;
    }
  }

  idOf(i: number): string {
    const odd = this.oddIds.get(i);
    if (odd !== undefined) return odd;
    return `inc_${this.idHi[i]!.toString(16).padStart(8, '0')}${this.idLo[i]!.toString(16).padStart(8, '0')}`;
  }

  /** Adds an incident, or overwrites the entry of its id. Returns the entry. */
  upsert(e: IndexEntry): number {
    let i = this.find(e.id);
    if (i < 0) {
      if (this.length === this.cap) this.grow();
      i = this.length++;
      if (HEX_ID.test(e.id)) {
        this.idHi[i] = parseInt(e.id.slice(4, 12), 16);
        this.idLo[i] = parseInt(e.id.slice(12, 20), 16);
        this.insertSlot(i);
      } else {
        this.oddIds.set(i, e.id);
        this.oddIdIndex.set(e.id, i);
      }
    }
    if (this.inOrder[i] === 1) this.inOrder[i] = 0;
    if (this.inTail[i] === 0) {
      this.inTail[i] = 1;
      this.tail.push(i);
    }
    this.version++;
    this.time[i] = e.timeMs;
    this.lat[i] = e.lat;
    this.lon[i] = e.lon;
    this.month[i] = this.months.month(e.timeMs);
    this.district[i] = e.district === undefined ? -1 : this.districts.code(e.district);
    this.province[i] = e.province === undefined ? -1 : this.provinces.code(e.province);
    const cat = CATEGORY_INDEX.get(e.category);
    if (cat === undefined) throw new IndexUnsupported(`unknown category ${e.category}`);
    this.category[i] = cat;
    this.rank[i] = e.rank;
    this.setAgencies(i, e.agencies);
    return i;
  }

  private setAgencies(i: number, agencies: ReadonlyMap<string, number>): void {
    let mask = 0;
    let single = true;
    const counts = new Map<number, number>();
    for (const [a, n] of agencies) {
      const code = this.agencyNames.code(a);
      if (code >= MAX_AGENCIES) throw new IndexUnsupported(`more than ${MAX_AGENCIES} agencies`);
      mask |= 1 << code;
      counts.set(code, n);
      if (n !== 1) single = false;
    }
    this.agencyMask[i] = mask >>> 0;
    if (single) this.multi.delete(i); else this.multi.set(i, counts);
  }

  /**
   * Sets an entry's agencies from membership alone (bit per agency), for the bulk load: exact when
   * the incident has one report per agency; `setReportCounts` corrects the others.
   */
  addAgencyMember(i: number, agency: string): void {
    const code = this.agencyNames.code(agency);
    if (code >= MAX_AGENCIES) throw new IndexUnsupported(`more than ${MAX_AGENCIES} agencies`);
    this.agencyMask[i] = (this.agencyMask[i]! | (1 << code)) >>> 0;
  }

  agencyCount(i: number): number {
    let m = this.agencyMask[i]!, c = 0;
    while (m !== 0) { m &= m - 1; c++; }
    return c;
  }

  setReportCounts(i: number, agencies: ReadonlyMap<string, number>): void {
    this.setAgencies(i, agencies);
  }

  /**
   * The filter compiled for a scan, or undefined when the index should not answer it (an invalid
   * filter: the store raises its own error).
   */
  compile(filter: IncidentFilter): Compiled | undefined {
    try {
      checkIncidentFilter(filter);
    } catch {
      return undefined;
    }
    const c: Compiled = {
      none: false, from: -Infinity, to: Infinity, district: undefined, province: undefined, category: undefined,
      agencyMask: 0, agencies: false, maxRank: CLASSIFICATION_LEVELS.length, bbox: filter.bbox,
    };
    if (filter.from !== undefined) { c.from = Date.parse(filter.from); if (!Number.isFinite(c.from)) return undefined; }
    if (filter.to !== undefined) { c.to = Date.parse(filter.to); if (!Number.isFinite(c.to)) return undefined; }
    const dictMask = (dict: Dictionary, names: readonly string[]) => {
      const m = new Uint8Array(dict.names.length + 1);
      let any = false;
      for (const n of names) { const code = dict.find(n); if (code !== undefined) { m[code] = 1; any = true; } }
      if (!any) c.none = true;
      return m;
    };
    if (filter.districts !== undefined) c.district = dictMask(this.districts, filter.districts);
    if (filter.provinces !== undefined) c.province = dictMask(this.provinces, filter.provinces);
    if (filter.categories !== undefined || filter.groups !== undefined) {
      const m = new Uint8Array(CATEGORY_CODES.length).fill(1);
      if (filter.categories !== undefined) {
        const want = new Set<string>(filter.categories);
        for (let k = 0; k < m.length; k++) if (!want.has(CATEGORY_CODES[k]!)) m[k] = 0;
      }
      if (filter.groups !== undefined) {
        const want = new Set<string>(filter.groups);
        for (let k = 0; k < m.length; k++) if (!want.has(GROUP_OF_CATEGORY[k]!)) m[k] = 0;
      }
      if (!m.includes(1)) c.none = true;
      c.category = m;
    }
    if (filter.agencies !== undefined) {
      c.agencies = true;
      for (const a of filter.agencies) { const code = this.agencyNames.find(a); if (code !== undefined) c.agencyMask |= 1 << code; }
      if (c.agencyMask === 0) c.none = true;
    }
    if (filter.maxClassification !== undefined) c.maxRank = classificationRank(filter.maxClassification);
    if (c.from >= c.to) c.none = true;
    return c;
  }

  /** Merges the tail into the time order when it has grown (or when `force`). */
  compact(force = false): void {
    if (this.tail.length === 0 || (!force && this.tail.length < this.tailMax)) return;
    const tail = this.tail.sort((a, b) => this.compare(a, b));
    const live = this.length;
    const order = new Int32Array(live);
    let k = 0, t = 0;
    for (let p = 0; p < this.order.length; p++) {
      const i = this.order[p]!;
      if (this.inOrder[i] === 0) continue;
      while (t < tail.length && this.compare(tail[t]!, i) < 0) order[k++] = tail[t++]!;
      order[k++] = i;
    }
    while (t < tail.length) order[k++] = tail[t++]!;
    this.setOrder(order.subarray(0, k));
  }

  /** Builds the time order from scratch (after a bulk load, whose entries usually come in order already). */
  sortAll(): void {
    const order = new Int32Array(this.length);
    let sorted = true;
    for (let i = 0; i < this.length; i++) {
      order[i] = i;
      if (sorted && i > 0 && this.compare(i - 1, i) > 0) sorted = false;
    }
    if (!sorted) order.sort((a, b) => this.compare(a, b));
    this.setOrder(order);
  }

  private setOrder(order: Int32Array): void {
    for (const i of this.tail) this.inTail[i] = 0;
    this.tail = [];
    this.order = order;
    this.orderTime = new Float64Array(order.length);
    for (let p = 0; p < order.length; p++) {
      const i = order[p]!;
      this.orderTime[p] = this.time[i]!;
      this.inOrder[i] = 1;
    }
  }

  private lowerBound(t: number): number {
    let lo = 0, hi = this.orderTime.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.orderTime[mid]! < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Entries matching the compiled filter, in (time, id) order. */
  scan(c: Compiled): Int32Array {
    if (c.none) return new Int32Array(0);
    this.compact();
    const lo = c.from === -Infinity ? 0 : this.lowerBound(c.from);
    const hi = c.to === Infinity ? this.orderTime.length : this.lowerBound(c.to);
    const ordered = this.matchAll(c, this.order.subarray(lo, hi), true);
    if (this.tail.length === 0) return ordered;
    const extra = this.matchAll(c, Int32Array.from(this.tail), false);
    if (extra.length === 0) return ordered;
    extra.sort((a, b) => this.compare(a, b));
    const out = new Int32Array(ordered.length + extra.length);
    let k = 0, t = 0;
    for (let p = 0; p < ordered.length; p++) {
      const i = ordered[p]!;
      while (t < extra.length && this.compare(extra[t]!, i) < 0) out[k++] = extra[t++]!;
      out[k++] = i;
    }
    while (t < extra.length) out[k++] = extra[t++]!;
    return out;
  }

  /** The entries of `candidates` that match (`inOrderOnly`: skipping those changed since the last compaction). */
  private matchAll(c: Compiled, candidates: Int32Array, inOrderOnly: boolean, keep = Infinity, counted?: { count: number }): Int32Array {
    const out = new Int32Array(Math.min(candidates.length, keep));
    let k = 0;
    const { time, district, province, category, rank, agencyMask, lat, lon, inOrder } = this;
    const dm = c.district, pm = c.province, cm = c.category;
    const from = c.from, to = c.to, maxRank = c.maxRank, am = c.agencyMask, useAgency = c.agencies;
    const bbox = c.bbox;
    const [minLon, minLat, maxLon, maxLat] = bbox ?? [0, 0, 0, 0];
    for (let p = 0, n = candidates.length; p < n; p++) {
      const i = candidates[p]!;
      if (inOrderOnly && inOrder[i] === 0) continue;
      const t = time[i]!;
      if (t < from || t >= to) continue;
      if (rank[i]! > maxRank) continue;
      if (cm !== undefined && cm[category[i]!] === 0) continue;
      if (dm !== undefined) { const d = district[i]!; if (d < 0 || dm[d] === 0) continue; }
      if (pm !== undefined) { const p = province[i]!; if (p < 0 || pm[p] === 0) continue; }
      if (useAgency && (agencyMask[i]! & am) === 0) continue;
      if (bbox !== undefined) {
        const x = lon[i]!, y = lat[i]!;
        // NaN (no position) fails every comparison
        if (!(x >= minLon && x <= maxLon && y >= minLat && y <= maxLat)) continue;
      }
      if (k < keep) out[k] = i;
      k++;
    }
    if (counted !== undefined) counted.count = k;
    return out.subarray(0, Math.min(k, keep));
  }

  /**
   * The number of entries matching the filter and the first `n` of them in (time, id) order, without
   * materialising every match (the list's page).
   */
  firstN(c: Compiled, n: number): { total: number; first: number[] } {
    if (c.none) return { total: 0, first: [] };
    this.compact();
    const lo = c.from === -Infinity ? 0 : this.lowerBound(c.from);
    const hi = c.to === Infinity ? this.orderTime.length : this.lowerBound(c.to);
    const counted = { count: 0 };
    const ordered = Array.from(this.matchAll(c, this.order.subarray(lo, hi), true, n, counted));
    if (this.tail.length === 0) return { total: counted.count, first: ordered };
    const extra = Array.from(this.matchAll(c, Int32Array.from(this.tail), false)).sort((a, b) => this.compare(a, b));
    const first: number[] = [];
    let p = 0, t = 0;
    while (first.length < n && (p < ordered.length || t < extra.length)) {
      if (t >= extra.length || (p < ordered.length && this.compare(ordered[p]!, extra[t]!) < 0)) first.push(ordered[p++]!);
      else first.push(extra[t++]!);
    }
    return { total: counted.count + extra.length, first };
  }

  /** Changes so far (every upsert): what a memo of results must match. */
  version = 0;

  /** Matches of the filter per classification rank (index = rank). */
  countByRank(c: Compiled): number[] {
    const hits = this.scan(c);
    const byRank = new Array<number>(CLASSIFICATION_LEVELS.length).fill(0);
    for (let k = 0; k < hits.length; k++) byRank[this.rank[hits[k]!]!]!++;
    return byRank;
  }

  /** The stats of the filter, and its matches per classification rank. */
  stats(c: Compiled): { stats: StoreStats; byRank: number[] } {
    const hits = this.scan(c);
    const byRank = new Array<number>(CLASSIFICATION_LEVELS.length).fill(0);
    const { rank } = this;
    const nd = this.districts.names.length, np = this.provinces.names.length;
    const byDistrict = new Float64Array(nd + 1), byProvince = new Float64Array(np + 1);
    const byCategory = new Float64Array(CATEGORY_CODES.length);
    const byAgency = new Float64Array(MAX_AGENCIES);
    const months = new Map<number, number>();
    let lastMonth = NaN, lastCount = 0;
    const { district, province, category, month, agencyMask } = this;
    for (let k = 0; k < hits.length; k++) {
      const i = hits[k]!;
      byRank[rank[i]!]!++;
      const d = district[i]!, p = province[i]!;
      byDistrict[d < 0 ? nd : d]!++;
      byProvince[p < 0 ? np : p]!++;
      byCategory[category[i]!]!++;
      const m = month[i]!;
      if (m !== lastMonth) {
        if (lastCount > 0) months.set(lastMonth, (months.get(lastMonth) ?? 0) + lastCount);
        lastMonth = m;
        lastCount = 0;
      }
      lastCount++;
      const counts = this.multi.size === 0 ? undefined : this.multi.get(i);
      if (counts === undefined) {
        let a = agencyMask[i]!;
        while (a !== 0) { const bit = 31 - Math.clz32(a & -a); byAgency[bit]!++; a &= a - 1; }
      } else {
        for (const [code, n] of counts) byAgency[code] = byAgency[code]! + n;
      }
    }
    if (lastCount > 0) months.set(lastMonth, (months.get(lastMonth) ?? 0) + lastCount);
    const named = (names: string[], counts: Float64Array, unknownAt: number) => {
      const o: [string, number][] = [];
      for (let j = 0; j < counts.length; j++) if (counts[j]! > 0) o.push([j === unknownAt ? UNKNOWN_KEY : names[j]!, counts[j]!]);
      return Object.fromEntries(o.sort(([a], [b]) => byKey(a, b)));
    };
    const agencies = named(this.agencyNames.names, byAgency, -1);
    return { byRank, stats: {
      total: hits.length,
      reports: Object.values(agencies).reduce((a, b) => a + b, 0),
      quarantined: this.quarantined,
      byProvince: named(this.provinces.names, byProvince, np),
      byDistrict: named(this.districts.names, byDistrict, nd),
      byCategory: named(CATEGORY_CODES as unknown as string[], byCategory, -1),
      byMonth: Object.fromEntries([...months].map(([m, n]): [string, number] => [monthKey(m), n]).sort(([a], [b]) => byKey(a, b))),
      byAgency: agencies,
    } };
  }

  /** (time, id) order: negative when entry a comes before entry b. */
  compare(a: number, b: number): number {
    const ta = this.time[a]!, tb = this.time[b]!;
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (!this.oddIds.has(a) && !this.oddIds.has(b)) {
      const ha = this.idHi[a]!, hb = this.idHi[b]!;
      if (ha !== hb) return ha < hb ? -1 : 1;
      const la = this.idLo[a]!, lb = this.idLo[b]!;
      return la === lb ? 0 : la < lb ? -1 : 1;
    }
    return byKey(this.idOf(a), this.idOf(b));
  }

  points(c: Compiled, limit: number): { items: IncidentPoint[]; total: number } {
    const hits = this.scan(c);
    const newest: number[] = [];
    for (let j = hits.length - 1; j >= 0 && newest.length < limit; j--) {
      const i = hits[j]!;
      if (!Number.isNaN(this.lat[i]!) && !Number.isNaN(this.lon[i]!)) newest.push(i);
    }
    const items = newest.map((i): IncidentPoint => ({
      id: this.idOf(i), lon: this.lon[i]!, lat: this.lat[i]!, category: CATEGORY_CODES[this.category[i]!] as IncidentPoint['category'],
      occurredAt: new Date(this.time[i]!).toISOString(),
    }));
    return { items, total: hits.length };
  }
}

function slotCount(cap: number): number {
  let s = 16;
  while (s < cap * 2) s *= 2;
  return s;
}
