/**
 * An in-memory columnar index of every stored incident: the fields the dashboard's filters and
 * aggregates read (time, district, province, category, classification, agencies, position, id),
 * one entry per incident in typed arrays. Stats, counts and map points over any IncidentFilter are
 * answered in JS instead of a store query, so they cost the same whether or not the same filter was
 * asked before, and a write does not empty anything:
 * - the entries are kept in (time, id) order (plus a short tail of recent changes), so a brush
 *   scans only its own time range;
 * - stats and counts of a filter without a bbox or an agency filter take the brush's whole local
 *   months from per-month counts by (district, province, category, rank) with the report counts
 *   per agency (month-counts.ts, kept in step by every change), and scan only the partial months at
 *   its edges (or take a partial month's outside part away from the whole month, whichever scans
 *   less): a brush costs cells x months plus its edges, not its incidents;
 * - map points walk the time order back from the brush's end until they have `limit` points.
 *
 * Pure data structure: loading and keeping it in step with the store is `indexed-store.ts`.
 *
 * Layout per incident (bytes): time 8, lat 8, lon 8 (Float64: bbox tests and the points' positions
 * must be the stored values exactly), id as two 32-bit halves 8 (ids of the form inc_<16 hex>; any
 * other id is kept as a string in a side map), agency bitmask 4, local month 4, district 2,
 * province 2, category 1, classification rank 1; plus the id hash table (2 slots of 4 bytes per
 * incident at most); plus the month counts (month-counts.ts: 12.6 MB for the API bench's
 * 1,000,000 incidents over ten years). Entries are never removed (no store call deletes an incident); a changed incident (an
 * attachment re-consolidates it, an unlink moves a report out) is overwritten in place, and taken
 * out of its old month and cell and put into its new ones.
 */
import {
  CATEGORY_CODES, CLASSIFICATION_LEVELS, categoryGroup, classificationRank,
  type CategoryCode, type Incident,
} from '@baseerat/engine';
import { checkIncidentFilter } from '../filter-checks.js';
import type { IncidentFilter, IncidentPoint, StoreStats } from '../port.js';
import { MonthCounts, TooLarge } from './month-counts.js';

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

  /**
   * The first instant (ms) whose month is `code` or later, as `month` reads it: local midnight of
   * the 1st from the zone's offset, checked (the instant before is in an earlier month) and else
   * found by a binary search over the four days around it. NaN when neither finds it (a zone whose
   * months do not follow each other there); the index then scans.
   */
  start(code: number): number {
    const y = Math.floor(code / 12);
    const wall = new Date(0);
    wall.setUTCFullYear(y, code - y * 12, 1);
    const w = wall.getTime();
    let t = w;
    for (let k = 0; k < 3; k++) t = w - Math.round(this.offsetMinutes(t) * 60_000);
    if (this.month(t) >= code && this.month(t - 1) < code) return t;
    let lo = w - 2 * 86_400_000, hi = w + 2 * 86_400_000;
    if (!(this.month(lo) < code && this.month(hi) >= code)) return NaN;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.month(mid) >= code) hi = mid; else lo = mid;
    }
    return hi;
  }
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const PAD3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
/** 'YYYY-MM-DDT' of recent UTC days (cleared when it grows past 4,096 days). */
const dayPrefix = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, with the date part of each UTC day formatted once: the map's 500
 * points per request spent most of their time in toISOString.
 */
export function isoOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    const iso = new Date(day * DAY_MS).toISOString();
    prefix = iso.slice(0, iso.indexOf('T') + 1);
    if (dayPrefix.size >= 4096) dayPrefix.clear();
    dayPrefix.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000); rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000); rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rest - sec * 1000]}Z`;
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

/** Months the month counts span at most (else the index scans): 100 years. */
const MAX_MONTHS = 1200;
/** Months kept before the first and after the last entry's, so that a write in a new month rarely rebuilds the counts. */
const SLACK_MONTHS = 6;

/** Sums of matching entries while a stats query is answered (sign -1 takes entries out). */
interface Sums {
  /** Everything (false: total and byRank only). */
  full: boolean;
  total: number;
  byRank: number[];
  byDistrict: Float64Array;
  byProvince: Float64Array;
  byCategory: Float64Array;
  byAgency: Float64Array;
  months: Map<number, number>;
}

/**
 * How `stats` may answer: 'auto' uses the month counts where they apply and cost less than a scan,
 * 'scan' never (the reference the tests compare with), 'months' wherever they apply (for tests,
 * whose few entries would otherwise always be scanned).
 */
export type StatsMethod = 'auto' | 'scan' | 'months';

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
  /**
   * Entries per local month and cell (month-counts.ts), kept in step by every change once built:
   * the whole months of a brush are summed from them. Undefined until first needed (built by
   * `sortAll`), or after a write in a month outside them (rebuilt on the next query).
   */
  private cube: MonthCounts | undefined;
  /** The same counts without the category (cells by district, province and rank): far fewer cells for a filter without categories. */
  private coarse: MonthCounts | undefined;
  /** Set when the month counts cannot serve this index (an entry outside its month's bucket, too many months or cells): stats scan. */
  private cubeOff = false;
  /** Sums answered with the month counts so far (the tests check that they are used). */
  monthCountAnswers = 0;

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
    return this.cap * (8 * 3 + 4 * 2 + 4 + 4 + 2 + 2 + 1 + 1 + 1 + 1) + this.slots.byteLength + this.order.byteLength + this.orderTime.byteLength
      + this.monthCountBytes();
  }

  /** Bytes of the month counts alone (0 when not built). */
  monthCountBytes(): number {
    return (this.cube?.bytes() ?? 0) + (this.coarse?.bytes() ?? 0);
  }

  /** Whether the month counts are built and in use (false: stats scan, e.g. after `cubeOff`). */
  get monthCountsInUse(): boolean {
    return this.cube !== undefined;
  }

  /** Adds (1) or takes out (-1) entry i in the month counts; false when its time is outside its month's bucket. */
  private cubeApply(cube: MonthCounts, coarse: MonthCounts, i: number, sign: 1 | -1): boolean {
    const k = cube.bucketOf(this.month[i]!, this.time[i]!);
    if (k < 0) return false;
    const d = this.district[i]!, p = this.province[i]!, r = this.rank[i]!, mask = this.agencyMask[i]!, counts = this.multi.get(i);
    cube.add(k, d, p, this.category[i]!, r, mask, counts, sign);
    coarse.add(k, d, p, 0, r, mask, counts, sign);
    return true;
  }

  /** Puts entry i (its fields just written) into the month counts, or drops them when it does not fit (rebuilt on the next query). */
  private cubeAdd(i: number): void {
    const cube = this.cube, coarse = this.coarse;
    if (cube === undefined || coarse === undefined) return;
    try {
      if (!this.cubeApply(cube, coarse, i, 1)) this.cube = this.coarse = undefined;
    } catch (e) {
      if (!(e instanceof TooLarge)) throw e;
      this.cube = this.coarse = undefined;
      this.cubeOff = true;
    }
  }

  /** Takes entry i (its fields as they are now) out of the month counts before a change. */
  private cubeRemove(i: number): void {
    const cube = this.cube, coarse = this.coarse;
    if (cube !== undefined && coarse !== undefined && !this.cubeApply(cube, coarse, i, -1)) throw new Error(`entry ${i} was not in the month counts`);
  }

  /** The month counts, built over every entry's month (plus slack) when missing; undefined when they cannot be used. */
  private ensureCube(): MonthCounts | undefined {
    if (this.cube !== undefined || this.cubeOff || this.length === 0) return this.cube;
    let lo = Infinity, hi = -Infinity;
    const { month } = this;
    for (let i = 0; i < this.length; i++) {
      const m = month[i]!;
      if (m < lo) lo = m;
      if (m > hi) hi = m;
    }
    const m0 = lo - SLACK_MONTHS, months = hi + 1 + SLACK_MONTHS - m0;
    if (months > MAX_MONTHS) { this.cubeOff = true; return undefined; }
    const starts = new Float64Array(months + 1);
    for (let k = 0; k <= months; k++) {
      starts[k] = this.months.start(m0 + k);
      if (!Number.isFinite(starts[k]!) || (k > 0 && !(starts[k]! > starts[k - 1]!))) { this.cubeOff = true; return undefined; }
    }
    const cube = new MonthCounts(m0, starts), coarse = new MonthCounts(m0, starts, false);
    try {
      for (let i = 0; i < this.length; i++) {
        if (!this.cubeApply(cube, coarse, i, 1)) { this.cubeOff = true; return undefined; }
      }
    } catch (e) {
      if (!(e instanceof TooLarge)) throw e;
      this.cubeOff = true;
      return undefined;
    }
    cube.finish();
    coarse.finish();
    this.cube = cube;
    this.coarse = coarse;
    return cube;
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
    if (i >= 0) this.cubeRemove(i);
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
    this.cubeAdd(i);
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
    this.cubeRemove(i);
    this.agencyMask[i] = (this.agencyMask[i]! | (1 << code)) >>> 0;
    this.cubeAdd(i);
    this.version++;
  }

  agencyCount(i: number): number {
    let m = this.agencyMask[i]!, c = 0;
    while (m !== 0) { m &= m - 1; c++; }
    return c;
  }

  setReportCounts(i: number, agencies: ReadonlyMap<string, number>): void {
    this.cubeRemove(i);
    this.setAgencies(i, agencies);
    this.cubeAdd(i);
    this.version++;
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
    this.ensureCube();
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
  countByRank(c: Compiled, how: StatsMethod = 'auto'): number[] {
    return this.sum(c, false, how).byRank;
  }

  /** The number of entries matching the filter. */
  count(c: Compiled, how: StatsMethod = 'auto'): number {
    return this.sum(c, false, how).total;
  }

  /** The stats of the filter, and its matches per classification rank. */
  stats(c: Compiled, how: StatsMethod = 'auto'): { stats: StoreStats; byRank: number[] } {
    const s = this.sum(c, true, how);
    const nd = this.districts.names.length, np = this.provinces.names.length;
    const named = (names: string[], counts: Float64Array, unknownAt: number) => {
      const o: [string, number][] = [];
      for (let j = 0; j < counts.length; j++) if (counts[j]! > 0) o.push([j === unknownAt ? UNKNOWN_KEY : names[j]!, counts[j]!]);
      return Object.fromEntries(o.sort(([a], [b]) => byKey(a, b)));
    };
    const agencies = named(this.agencyNames.names, s.byAgency, -1);
    const months: [string, number][] = [];
    for (const [m, n] of s.months) if (n > 0) months.push([monthKey(m), n]);
    return { byRank: s.byRank, stats: {
      total: s.total,
      reports: Object.values(agencies).reduce((a, b) => a + b, 0),
      quarantined: this.quarantined,
      byProvince: named(this.provinces.names, s.byProvince, np),
      byDistrict: named(this.districts.names, s.byDistrict, nd),
      byCategory: named(CATEGORY_CODES as unknown as string[], s.byCategory, -1),
      byMonth: Object.fromEntries(months.sort(([a], [b]) => byKey(a, b))),
      byAgency: agencies,
    } };
  }

  /**
   * The sums of the entries matching the filter. Without a bbox or an agency filter (which the
   * month counts do not split by), the whole months of the range come from the month counts and
   * only the partial months at its edges are scanned: either the part of the edge month inside the
   * range is added, or the whole edge month is taken from the counts and the part outside the range
   * taken out, whichever scans fewer entries; a range with little in it is scanned whole.
   */
  private sum(c: Compiled, full: boolean, how: StatsMethod): Sums {
    const nd = this.districts.names.length, np = this.provinces.names.length;
    const s: Sums = {
      full, total: 0, byRank: new Array<number>(CLASSIFICATION_LEVELS.length).fill(0),
      byDistrict: new Float64Array(full ? nd + 1 : 0), byProvince: new Float64Array(full ? np + 1 : 0),
      byCategory: new Float64Array(full ? CATEGORY_CODES.length : 0), byAgency: new Float64Array(full ? MAX_AGENCIES : 0),
      months: new Map(),
    };
    if (c.none) return s;
    this.compact();
    const cube = how !== 'scan' && c.bbox === undefined && !c.agencies ? this.ensureCube() : undefined;
    if (cube === undefined) {
      this.sumEntries(s, this.scan(c), 1);
      return s;
    }
    const starts = cube.starts, K = cube.months;
    // kA: the first bucket start at or after `from` (K + 1: none); kB: the last at or before `to` (-1: none)
    let kA = 0, kB = K;
    while (kA <= K && starts[kA]! < c.from) kA++;
    while (kB >= 0 && starts[kB]! > c.to) kB--;
    const pos = (t: number) => (t === -Infinity ? 0 : t === Infinity ? this.orderTime.length : this.lowerBound(t));
    const pFrom = pos(c.from), pTo = pos(c.to);
    // the plan: months [a, b) from the counts, edges added or taken out; cost ~ entries scanned + cells x months / 4
    let best = { cost: how === 'months' ? Infinity : pTo - pFrom, a: -1, b: -1 };
    for (const a of [kA, kA - 1]) {
      if (a < 0 || a > K) continue;
      for (const b of [kB, kB + 1]) {
        if (b < 0 || b > K || b <= a) continue;
        const pa = pos(starts[a]!), pb = pos(starts[b]!);
        const left = a === kA ? Math.max(0, pa - pFrom) : pFrom - pa;
        const right = b === kB ? Math.max(0, pTo - pb) : pb - pTo;
        const cells = c.category === undefined ? this.coarse!.cells : cube.cells;
        const cost = left + right + (full ? cube.cells + cells * (b - a + 2) + cube.reportCols * (cells / cube.cells) : cells) / 4;
        if (cost < best.cost) best = { cost, a, b };
      }
    }
    if (best.a < 0) {
      this.sumEntries(s, this.scan(c), 1);
      return s;
    }
    const { a, b } = best;
    this.monthCountAnswers++;
    if (c.category === undefined) {
      // no category filter: everything but byCategory from the cells without category, byCategory from the full cells
      this.sumCube(s, c, this.coarse!, a, b, false);
      if (s.full) this.sumCategories(s, c, cube, a, b);
    } else this.sumCube(s, c, cube, a, b, true);
    const part = (from: number, to: number, sign: 1 | -1) => {
      if (from < to) this.sumEntries(s, this.scan({ ...c, from, to }), sign);
    };
    if (a === kA) part(c.from, starts[a]!, 1); else part(starts[a]!, c.from, -1);
    if (b === kB) part(starts[b]!, c.to, 1); else part(c.to, starts[b]!, -1);
    return s;
  }

  /** Adds the month counts of months [a, b) of the cells matching the filter (its time range aside). */
  private sumCube(s: Sums, c: Compiled, cube: MonthCounts, a: number, b: number, categories: boolean): void {
    const { cellDistrict, cellProvince, cellCategory, cellRank, counts, reports, width, reportWidth, colCell, colAgency } = cube;
    const dm = c.district, pm = c.province, cm = c.category, maxRank = c.maxRank;
    const nd = s.byDistrict.length - 1, np = s.byProvince.length - 1;
    const matched = new Int32Array(cube.cells);
    const isMatched = new Uint8Array(cube.cells);
    let nm = 0;
    for (let cell = 0, cells = cube.cells; cell < cells; cell++) {
      if (cellRank[cell]! > maxRank) continue;
      if (cm !== undefined && cm[cellCategory[cell]!] === 0) continue;
      const d = cellDistrict[cell]!, p = cellProvince[cell]!;
      if (dm !== undefined && (d < 0 || dm[d] === 0)) continue;
      if (pm !== undefined && (p < 0 || pm[p] === 0)) continue;
      matched[nm++] = cell;
      isMatched[cell] = 1;
    }
    const rowA = a * width, rowB = b * width, repA = a * reportWidth, repB = b * reportWidth;
    for (let j = 0; j < nm; j++) {
      const cell = matched[j]!;
      const n = counts[rowB + cell]! - counts[rowA + cell]!;
      if (n === 0) continue;
      s.total += n;
      s.byRank[cellRank[cell]!]! += n;
      if (!s.full) continue;
      const d = cellDistrict[cell]!, p = cellProvince[cell]!;
      s.byDistrict[d < 0 ? nd : d]! += n;
      s.byProvince[p < 0 ? np : p]! += n;
      if (categories) s.byCategory[cellCategory[cell]!]! += n;
    }
    if (!s.full) return;
    // reports per agency: the columns of the matching cells, rows a and b front to back
    for (let col = 0, n = cube.reportCols; col < n; col++) {
      if (isMatched[colCell[col]!] === 1) s.byAgency[colAgency[col]!]! += reports[repB + col]! - reports[repA + col]!;
    }
    // the timeline: the matching cells' entries before each month boundary, one row per month
    let before = 0;
    for (let j = 0; j < nm; j++) before += counts[rowA + matched[j]!]!;
    for (let k = a + 1; k <= b; k++) {
      const row = k * width;
      let upTo = 0;
      for (let j = 0; j < nm; j++) upTo += counts[row + matched[j]!]!;
      if (upTo !== before) s.months.set(cube.m0 + k - 1, (s.months.get(cube.m0 + k - 1) ?? 0) + upTo - before);
      before = upTo;
    }
  }

  /** Adds byCategory alone of months [a, b) from the full cells matching the filter (a filter without categories). */
  private sumCategories(s: Sums, c: Compiled, cube: MonthCounts, a: number, b: number): void {
    const { cellDistrict, cellProvince, cellCategory, cellRank, counts, width } = cube;
    const dm = c.district, pm = c.province, maxRank = c.maxRank;
    const rowA = a * width, rowB = b * width;
    for (let cell = 0, cells = cube.cells; cell < cells; cell++) {
      if (cellRank[cell]! > maxRank) continue;
      const d = cellDistrict[cell]!, p = cellProvince[cell]!;
      if (dm !== undefined && (d < 0 || dm[d] === 0)) continue;
      if (pm !== undefined && (p < 0 || pm[p] === 0)) continue;
      s.byCategory[cellCategory[cell]!]! += counts[rowB + cell]! - counts[rowA + cell]!;
    }
  }

  /** Adds (sign 1) or takes out (-1) the given entries. */
  private sumEntries(s: Sums, hits: Int32Array, sign: 1 | -1): void {
    const { rank } = this;
    s.total += sign * hits.length;
    for (let k = 0; k < hits.length; k++) s.byRank[rank[hits[k]!]!]! += sign;
    if (!s.full) return;
    const { byDistrict, byProvince, byCategory, byAgency, months } = s;
    const nd = byDistrict.length - 1, np = byProvince.length - 1;
    let lastMonth = NaN, lastCount = 0;
    const { district, province, category, month, agencyMask } = this;
    for (let k = 0; k < hits.length; k++) {
      const i = hits[k]!;
      const d = district[i]!, p = province[i]!;
      byDistrict[d < 0 ? nd : d]! += sign;
      byProvince[p < 0 ? np : p]! += sign;
      byCategory[category[i]!]! += sign;
      const m = month[i]!;
      if (m !== lastMonth) {
        if (lastCount !== 0) months.set(lastMonth, (months.get(lastMonth) ?? 0) + lastCount);
        lastMonth = m;
        lastCount = 0;
      }
      lastCount += sign;
      const counts = this.multi.size === 0 ? undefined : this.multi.get(i);
      if (counts === undefined) {
        let a = agencyMask[i]!;
        while (a !== 0) { const bit = 31 - Math.clz32(a & -a); byAgency[bit]! += sign; a &= a - 1; }
      } else {
        for (const [code, n] of counts) byAgency[code] = byAgency[code]! + sign * n;
      }
    }
    if (lastCount !== 0) months.set(lastMonth, (months.get(lastMonth) ?? 0) + lastCount);
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

  /**
   * The newest `limit` entries matching the filter that have a position (newest first, in reverse
   * (time, id) order), and the number of matches: the time order is walked back from the end of the
   * range until `limit` are found (merged with the matches among the entries changed since the last
   * compaction); the count comes from `count`.
   */
  points(c: Compiled, limit: number): { items: IncidentPoint[]; total: number } {
    if (c.none) return { items: [], total: 0 };
    this.compact();
    const total = this.count(c);
    const lo = c.from === -Infinity ? 0 : this.lowerBound(c.from);
    const hi = c.to === Infinity ? this.orderTime.length : this.lowerBound(c.to);
    const extra = this.tail.length === 0 ? new Int32Array(0) : this.matchAll(c, Int32Array.from(this.tail), false).sort((a, b) => this.compare(a, b));
    const { order, inOrder, lat, lon } = this;
    let p = hi - 1, t = extra.length - 1;
    const prevOrdered = (): number => {
      for (; p >= lo; p--) {
        const i = order[p]!;
        if (inOrder[i] === 1 && this.matches(c, i)) { p--; return i; }
      }
      return -1;
    };
    const newest: number[] = [];
    let o = prevOrdered();
    while (newest.length < limit && (o >= 0 || t >= 0)) {
      let i: number;
      if (t < 0 || (o >= 0 && this.compare(o, extra[t]!) > 0)) { i = o; o = prevOrdered(); } else i = extra[t--]!;
      if (!Number.isNaN(lat[i]!) && !Number.isNaN(lon[i]!)) newest.push(i);
    }
    const items = newest.map((i): IncidentPoint => ({
      id: this.idOf(i), lon: this.lon[i]!, lat: this.lat[i]!, category: CATEGORY_CODES[this.category[i]!] as IncidentPoint['category'],
      occurredAt: isoOf(this.time[i]!),
    }));
    return { items, total };
  }

  /** Whether entry i matches the compiled filter (the test of `matchAll`, for one entry). */
  private matches(c: Compiled, i: number): boolean {
    const t = this.time[i]!;
    if (t < c.from || t >= c.to) return false;
    if (this.rank[i]! > c.maxRank) return false;
    if (c.category !== undefined && c.category[this.category[i]!] === 0) return false;
    if (c.district !== undefined) { const d = this.district[i]!; if (d < 0 || c.district[d] === 0) return false; }
    if (c.province !== undefined) { const p = this.province[i]!; if (p < 0 || c.province[p] === 0) return false; }
    if (c.agencies && (this.agencyMask[i]! & c.agencyMask) === 0) return false;
    if (c.bbox !== undefined) {
      const x = this.lon[i]!, y = this.lat[i]!;
      const [minLon, minLat, maxLon, maxLat] = c.bbox;
      if (!(x >= minLon && x <= maxLon && y >= minLat && y <= maxLat)) return false;
    }
    return true;
  }
}

function slotCount(cap: number): number {
  let s = 16;
  while (s < cap * 2) s *= 2;
  return s;
}
