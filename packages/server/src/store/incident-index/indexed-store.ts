/**
 * A Store decorator that answers the dashboard's aggregate reads (stats, counts, map points, and
 * the ordering phase of the list) from an in-memory columnar index of every incident
 * (`incident-index.ts`), so that they cost a scan in JS whatever the filter, instead of a store
 * query that only a cache of identical requests made cheap (and that every write emptied).
 *
 * Keeping the index exact:
 * - loaded once, in the background, at construction: `readColumns({})` (every incident, in
 *   (occurred_at, id) order), then per agency `readColumns({ agencies: [a] })` for the agency
 *   membership of each incident; incidents whose report count differs from their number of agencies
 *   have their per-agency report counts read with `reportsOf`; the quarantine count from `stats`.
 *   Until the load is done every read goes to the store;
 * - every write through this decorator (writeBatch, unlink) runs one at a time, and after it the
 *   incidents it touched (the batch's new incidents and attachment targets; the unlinked incident
 *   and the new one) are read back with `getIncident` and written into the index (a batch touching
 *   more than `rebuildAbove` incidents reloads the whole index instead). So the index holds what the
 *   store holds as consolidated, not a guess of it; a read served between the store's commit and the
 *   index update sees the state before the write (the write is not yet acknowledged to its caller);
 * - anything the index cannot represent (more than 32 agencies, an unknown category) or any error
 *   while updating it switches the index off: the store answers everything from then on (`state`).
 *
 * Not for a store that narrows reads to the request's data scope (PostgreSQL's row-level security,
 * `enforcesRequestScope`): one index for the whole process cannot answer per request scope exactly,
 * so `withIncidentIndex` returns such a store undecorated.
 *
 * Every write to the store must go through this object: a write made on the inner store directly is
 * not seen by the index.
 */
import { CATEGORY_CODES, consolidate, incidentIdFor, sourceKey as sourceKeyOf, type Incident, type Report } from '@baseerat/engine';
import type {
  IncidentColumns, IncidentFilter, IncidentPoint, FeedRange, IngestBatch, IngestRun, LinkCandidate, Page, QuarantineRecord,
  ReencryptionProgress, Store, StoreStats, WriteResult,
} from '../port.js';
import { IncidentIndex, IndexUnsupported, entryOfIncident } from './incident-index.js';

export interface IndexedStoreOptions {
  /** IANA zone of the store's `stats().byMonth` (the DuckDB store's `timeZone`; default Asia/Karachi). */
  timeZone?: string;
  /** A write touching more incidents than this reloads the index rather than reading each back (default 20,000). */
  rebuildAbove?: number;
  /** Entries added or changed by writes before they are merged into the index's time order (default 4,096; tests use small values). */
  tailMax?: number;
  /** The list's kept first matches per filter (`prefix`): fewest read at once (default 1,000) and most kept (default 100,000); tests use small values. */
  listPrefix?: { min?: number; max?: number };
  /** Called once when the index is switched off (the reason), e.g. to log it. */
  onDisabled?: (reason: string) => void;
  /** Called when a load finishes (its time in ms and the entries). */
  onLoaded?: (ms: number, incidents: number) => void;
}

/** Longest map point page the stores accept (DuckDB's PAGE_MAX): beyond it the store raises its own error. */
const POINTS_MAX = 10_000;
/** Largest list page the index orders itself (above it the store answers). */
const LIST_MAX = 10_000;
/** List filters whose first matches are kept (`prefix`), the most entries kept per filter, and the fewest read at once. */
const PREFIX_FILTERS = 32;
const PREFIX_MAX = 100_000;
const PREFIX_MIN = 1_000;

export type IndexState = 'loading' | 'ready' | 'off';

export class IndexedStore implements Store {
  readonly enforcesRequestScope = false;
  private index: IncidentIndex | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private disabledReason: string | undefined;
  private readonly timeZone: string;
  private readonly rebuildAbove: number;
  /** Resolves when the first load has finished (whether or not the index could be built). */
  readonly loaded: Promise<void>;
  /** List pages whose narrowed store read did not give the ids the index ordered (then the store answered the page whole); 0 unless something is wrong. */
  listMismatches = 0;
  /** List pages whose incidents were read from the store's detail side file (`listIncidents`), for tests and the bench. */
  listFromDetail = 0;
  /**
   * The store's generation (`DetailPageReader.committedGeneration`) the index was last brought in
   * step with: read at the end of each load and of each write's refresh, with writes held back.
   */
  private syncedGeneration: string | undefined;
  reencryptBatch?: (limit: number, opts?: { encryptPlaintext?: boolean }) => Promise<ReencryptionProgress>;

  constructor(readonly inner: Store, private readonly options: IndexedStoreOptions = {}) {
    this.timeZone = options.timeZone ?? 'Asia/Karachi';
    this.rebuildAbove = options.rebuildAbove ?? 20_000;
    this.loaded = this.exclusive(() => this.rebuild()).catch(() => undefined);
    if (inner.reencryptBatch !== undefined) {
      const re = inner.reencryptBatch.bind(inner);
      this.reencryptBatch = (limit, opts) => this.exclusive(() => re(limit, opts));
    }
  }

  /** 'loading' until the first load ends; 'off' when the index was switched off (reads go to the store). */
  get state(): IndexState {
    if (this.disabledReason !== undefined) return 'off';
    return this.index === undefined ? 'loading' : 'ready';
  }

  /** Why the index is off, when it is. */
  get offReason(): string | undefined {
    return this.disabledReason;
  }

  /** Bytes of the index's typed arrays (undefined while it is not ready). */
  indexBytes(): number | undefined {
    return this.index?.bytes();
  }

  indexLength(): number | undefined {
    return this.index?.length;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private disable(reason: string): void {
    this.index = undefined;
    if (this.disabledReason === undefined) {
      this.disabledReason = reason;
      this.options.onDisabled?.(reason);
    }
  }

  /** Builds the index from the store (called with writes held back). */
  private async rebuild(): Promise<void> {
    if (this.disabledReason !== undefined) return;
    this.index = undefined;
    const t0 = performance.now();
    try {
      const cols = await this.inner.readColumns({});
      const all = await this.inner.stats({});
      if (all.total !== cols.length) throw new Error(`the store counted ${all.total} incidents but read ${cols.length}`);
      const ix = new IncidentIndex(this.timeZone, cols.length + 1024, this.options.tailMax);
      for (let i = 0; i < cols.length; i++) {
        const d = cols.district[i]!, p = cols.province[i]!;
        const e = ix.upsert({
          id: cols.id[i]!, timeMs: cols.time[i]!, lat: cols.lat[i]!, lon: cols.lon[i]!,
          district: d < 0 ? undefined : cols.districtNames[d], province: p < 0 ? undefined : cols.provinceNames[p],
          category: categoryOf(cols, i), rank: cols.classification[i]!, agencies: NO_AGENCIES,
        });
        if (e !== i) throw new Error(`incident ${cols.id[i]} read twice`);
      }
      for (const agency of Object.keys(all.byAgency)) {
        const of = await this.inner.readColumns({ agencies: [agency] });
        for (let k = 0; k < of.length; k++) {
          const e = ix.find(of.id[k]!);
          if (e < 0) throw new Error(`incident ${of.id[k]} of agency ${agency} was not read`);
          ix.addAgencyMember(e, agency);
        }
      }
      // membership is exact for an incident with one report per agency; the others' counts are read
      for (let i = 0; i < cols.length; i++) {
        const sources = cols.sourceCount[i]!;
        if (sources === 1 && ix.agencyCount(i) === 1) continue;
        if (sources !== 65535 && ix.agencyCount(i) === sources) continue;
        const counts = new Map<string, number>();
        for (const r of await this.inner.reportsOf(cols.id[i]!)) counts.set(r.source.agency, (counts.get(r.source.agency) ?? 0) + 1);
        ix.setReportCounts(i, counts);
      }
      ix.quarantined = all.quarantined;
      ix.sortAll();
      this.index = ix;
      this.syncedGeneration = detailReaderOf(this.inner)?.committedGeneration();
      this.options.onLoaded?.(performance.now() - t0, ix.length);
    } catch (e) {
      this.disable(`the incident index could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
      if (!(e instanceof IndexUnsupported)) throw e;
    }
  }

  /** Reads back the incidents a write touched into the index (or reloads it for a large write). */
  private async refresh(ids: ReadonlySet<string>, quarantine: boolean, known: ReadonlyMap<string, Incident> = new Map()): Promise<void> {
    const ix = this.index;
    if (ix === undefined) return;
    try {
      if (ids.size + known.size > this.rebuildAbove) {
        await this.rebuild();
        return;
      }
      for (const inc of known.values()) ix.upsert(entryOfIncident(inc));
      for (const id of ids) {
        const inc = await this.inner.getIncident(id);
        if (inc === undefined) {
          // a batch whose reports were all stored already creates nothing; an incident the index has cannot vanish
          if (ix.find(id) >= 0) throw new Error(`incident ${id} is in the index but no longer in the store`);
          continue;
        }
        ix.upsert(entryOfIncident(inc));
      }
      if (quarantine) {
        ix.quarantined = (await this.inner.stats({ districts: [] })).quarantined;
        ix.version++;
      }
      this.syncedGeneration = detailReaderOf(this.inner)?.committedGeneration();
    } catch (e) {
      this.disable(`the incident index could not follow a write: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  migrate(): Promise<void> {
    return this.exclusive(() => this.inner.migrate());
  }

  existingSourceKeys(keys: readonly string[]): Promise<Set<string>> {
    return this.inner.existingSourceKeys(keys);
  }

  writeBatch(batch: IngestBatch): Promise<WriteResult> {
    return this.exclusive(async () => {
      const result = await this.inner.writeBatch(batch);
      const ids = new Set<string>();
      // Every new incident created whole (none of its reports was stored already): the store holds
      // the engine's consolidation of its reports (the conformance suite checks exactly that), times
      // canonicalised as the stores do, so it need not be read back; attachments are read back.
      const whole = result.duplicates === 0 && result.inserted === batch.newIncidents.length;
      const known = new Map<string, Incident>();
      for (const n of batch.newIncidents) {
        if (whole && this.index !== undefined && this.index.find(n.id) < 0) {
          known.set(n.id, consolidate(n.id, n.reports.map(canonicalTimes), n.links));
        } else ids.add(n.id);
      }
      for (const a of batch.attachments) { ids.add(a.incidentId); known.delete(a.incidentId); }
      await this.refresh(ids, batch.quarantine.length > 0, known);
      return result;
    });
  }

  recordRun(run: IngestRun): Promise<void> {
    return this.inner.recordRun(run);
  }

  listRuns(): Promise<IngestRun[]> {
    return this.inner.listRuns();
  }

  listCoverage(): Promise<FeedRange[]> {
    return this.inner.listCoverage();
  }

  linkCandidates(fromMs: number, toMs: number): Promise<LinkCandidate[]> {
    return this.inner.linkCandidates(fromMs, toMs);
  }

  reportsOf(incidentId: string) {
    return this.inner.reportsOf(incidentId);
  }

  unlink(incidentId: string, sourceKey: string): Promise<string> {
    return this.exclusive(async () => {
      // the reports that stay may move under the id of their earliest report (when the creating
      // record is the one unlinked): every id the incident's reports could take is read back
      const before = this.index === undefined ? [] : await this.inner.reportsOf(incidentId).catch(() => []);
      const moved = await this.inner.unlink(incidentId, sourceKey);
      const ids = new Set([incidentId, moved]);
      for (const r of before) ids.add(incidentIdFor(sourceKeyOf(r.source)));
      await this.refresh(ids, false);
      return moved;
    });
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.inner.getIncident(id);
  }

  /**
   * The index orders the page (offset + limit first of the filter by occurredAt, then id) and counts
   * the filter. The page's incidents are then read, in the same tick, from the store's detail side
   * file (`DetailPageReader`: the DuckDB store on a file) when the store's committed generation is
   * the one the index was last brought in step with: then the side file holds exactly the versions
   * the index ordered, so the page is the store's page at that generation, without a store query.
   * Otherwise (no side file or not yet served, a write committed and not yet read back into the
   * index, an id whose seq a running write has changed) the store reads just those incidents, as
   * the page of the same filter narrowed to the page's time span (from its first incident's time to
   * its last's), at the offset of the first among the incidents of that very time; that read is
   * checked against the ids the index ordered, and on any difference the store answers the whole
   * request itself.
   */
  async listIncidents(filter: IncidentFilter, page: { offset: number; limit: number }): Promise<Page<Incident>> {
    const ix = this.index;
    const c = ix?.compile(filter);
    const { offset, limit } = page;
    if (ix === undefined || c === undefined || !Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > LIST_MAX) {
      return this.inner.listIncidents(filter, page);
    }
    const filterKey = JSON.stringify(filter);
    const plan = this.cached(ix, `list ${offset} ${limit} ${filterKey}`, () => {
      const { total, first: hits } = this.prefix(ix, c, filterKey, offset + limit);
      if (offset >= total) return { total, ids: [], t0: NaN, t1: NaN, before: 0 };
      const wanted: number[] = [];
      for (let k = offset, end = Math.min(offset + limit, hits.length); k < end; k++) wanted.push(hits[k]!);
      const t0 = ix.time[wanted[0]!]!, t1 = ix.time[wanted[wanted.length - 1]!]!;
      // incidents of the filter at the page's first time that come before its first incident
      let before = 0;
      for (let k = offset - 1; k >= 0 && ix.time[hits[k]!] === t0; k--) before++;
      return { total, ids: wanted.map((i) => ix.idOf(i)), t0, t1, before };
    });
    const { total, ids, t0, t1, before } = plan;
    // past the last match: no incident to read (the store's page is empty too, with the same total)
    if (ids.length === 0) return { items: [], total, offset, limit };
    const generation = this.syncedGeneration;
    const reader = generation === undefined ? undefined : detailReaderOf(this.inner);
    const fromDetail = reader?.listedIncidents(ids, generation!);
    if (fromDetail !== undefined) {
      this.listFromDetail++;
      return { items: fromDetail, total, offset, limit };
    }
    const narrowed: IncidentFilter = { ...filter, from: new Date(t0).toISOString(), to: new Date(t1 + 1).toISOString() };
    const got = await this.inner.listIncidents(narrowed, { offset: before, limit: ids.length });
    if (got.items.length !== ids.length || got.items.some((inc, k) => inc.id !== ids[k])) {
      this.listMismatches++;
      return this.inner.listIncidents(filter, page);
    }
    return { items: got.items, total, offset, limit };
  }

  /**
   * The first matches of recent list filters in (time, id) order, with their count: `firstN` scans
   * the whole time range of the filter to count it (8 ms of CPU per request at 1,000,000 incidents
   * for a district's pages 0-400 in turn, issue #7), so the pages of one filter share one scan per
   * index version. A prefix too short for a page is read again, at least twice as long. At most
   * PREFIX_FILTERS filters of at most PREFIX_MAX entries each (4 bytes an entry: 12.8 MB at most; `listPrefix`).
   */
  private readonly prefixes = new Map<string, { ix: IncidentIndex; version: number; total: number; first: Int32Array }>();

  private prefix(ix: IncidentIndex, c: NonNullable<ReturnType<IncidentIndex['compile']>>, filterKey: string, n: number): { total: number; first: ArrayLike<number> } {
    const hit = this.prefixes.get(filterKey);
    const valid = hit !== undefined && hit.ix === ix && hit.version === ix.version;
    if (valid && (hit.first.length >= n || hit.first.length === hit.total)) return hit;
    const max = this.options.listPrefix?.max ?? PREFIX_MAX, min = this.options.listPrefix?.min ?? PREFIX_MIN;
    if (n > max) return ix.firstN(c, n);
    const want = Math.min(max, Math.max(n, min, valid ? 2 * hit.first.length : 0));
    const { total, first } = ix.firstN(c, want);
    const entry = { ix, version: ix.version, total, first: Int32Array.from(first) };
    this.prefixes.delete(filterKey);
    this.prefixes.set(filterKey, entry);
    if (this.prefixes.size > PREFIX_FILTERS) this.prefixes.delete(this.prefixes.keys().next().value!);
    return entry;
  }

  readColumns(filter: IncidentFilter): Promise<IncidentColumns> {
    return this.inner.readColumns(filter);
  }

  /**
   * Counts per classification rank of recent filters, keyed by the filter without its ceiling: the
   * API's stats ask, after a filter's stats, the count of the same filter under each lower ceiling
   * (scoped-stats.ts highestPresent), which these answer without a scan. Valid for one index version.
   */
  private readonly rankMemo = new Map<string, { ix: IncidentIndex; version: number; maxRank: number; byRank: number[] }>();

  private remember(filter: IncidentFilter, ix: IncidentIndex, maxRank: number, byRank: number[]): void {
    const key = rankKey(filter);
    this.rankMemo.delete(key);
    this.rankMemo.set(key, { ix, version: ix.version, maxRank, byRank });
    if (this.rankMemo.size > 64) this.rankMemo.delete(this.rankMemo.keys().next().value!);
  }

  countIncidents(filter: IncidentFilter): Promise<number> {
    const ix = this.index;
    const c = ix?.compile(filter);
    if (ix === undefined || c === undefined) return this.inner.countIncidents(filter);
    const sum = (byRank: number[]) => byRank.slice(0, c.maxRank + 1).reduce((a, b) => a + b, 0);
    const m = this.rankMemo.get(rankKey(filter));
    if (m !== undefined && m.ix === ix && m.version === ix.version && m.maxRank >= c.maxRank) return Promise.resolve(sum(m.byRank));
    const byRank = ix.countByRank(c);
    this.remember(filter, ix, c.maxRank, byRank);
    return Promise.resolve(sum(byRank));
  }

  /**
   * Results of recent stats and points, valid while the index is the same object at the same version
   * (any change to it, a write's included, makes them stale). A scan over the whole time range costs
   * 7-18 ms at 1,000,000 incidents (a brushed one 0.4-1.6 ms): the landing view, asked by every
   * dashboard with the same filter, is computed once per index version rather than once per request.
   * Callers must not mutate the results (as with the stores' own read caches).
   */
  private readonly results = new Map<string, { ix: IncidentIndex; version: number; value: unknown }>();

  private cached<T>(ix: IncidentIndex, key: string, compute: () => T): T {
    const hit = this.results.get(key);
    if (hit !== undefined && hit.ix === ix && hit.version === ix.version) return hit.value as T;
    const value = compute();
    this.results.delete(key);
    this.results.set(key, { ix, version: ix.version, value });
    if (this.results.size > 256) this.results.delete(this.results.keys().next().value!);
    return value;
  }

  listPoints(filter: IncidentFilter, limit: number): Promise<{ items: IncidentPoint[]; total: number }> {
    const ix = this.index;
    const c = ix?.compile(filter);
    if (ix === undefined || c === undefined || !Number.isInteger(limit) || limit < 1 || limit > POINTS_MAX) return this.inner.listPoints(filter, limit);
    return Promise.resolve(this.cached(ix, `points ${limit} ${JSON.stringify(filter)}`, () => ix.points(c, limit)));
  }

  stats(filter: IncidentFilter = {}): Promise<StoreStats> {
    const ix = this.index;
    const c = ix?.compile(filter);
    if (ix === undefined || c === undefined) return this.inner.stats(filter);
    const { stats, byRank } = this.cached(ix, `stats ${JSON.stringify(filter)}`, () => ix.stats(c));
    this.remember(filter, ix, c.maxRank, byRank);
    return Promise.resolve(stats);
  }

  listQuarantine(page: { offset: number; limit: number }, runId?: string): Promise<Page<QuarantineRecord>> {
    return this.inner.listQuarantine(page, runId);
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.index = undefined;
      await this.inner.close();
    });
  }
}

const NO_AGENCIES: ReadonlyMap<string, number> = new Map();

/**
 * What a store offers the list's fast path (the DuckDB store with its incident detail side file,
 * store/duckdb/incident-list.ts `incidentsFromDetail`): the incidents of a page read synchronously
 * at a known generation of its committed writes.
 */
export interface DetailPageReader {
  /** The generation of the incidents committed (changes with every committed write that changes an incident); undefined when the store cannot tell. */
  committedGeneration(): string | undefined;
  /**
   * The incidents of these ids in this order, as `listIncidents` gives them, when the store can read
   * each of them synchronously as of `generation`; undefined otherwise (the caller reads the store).
   */
  listedIncidents(ids: readonly string[], generation: string): Incident[] | undefined;
}

function detailReaderOf(store: Store): DetailPageReader | undefined {
  const r = store as Partial<DetailPageReader>;
  return typeof r.committedGeneration === 'function' && typeof r.listedIncidents === 'function' ? (r as DetailPageReader) : undefined;
}

/** The rank memo's key: the filter without its classification ceiling. */
const rankKey = (filter: IncidentFilter): string => JSON.stringify({ ...filter, maxClassification: undefined });

/** A report with its times in canonical ISO form, as the stores keep them (DuckDB rows.ts canonicalReport). */
function canonicalTimes(r: Report): Report {
  const iso = (s: string) => new Date(Date.parse(s)).toISOString();
  const out: Report = { ...r, occurredAt: iso(r.occurredAt), source: { ...r.source, receivedAt: iso(r.source.receivedAt) } };
  if (r.reportedAt !== undefined) out.reportedAt = iso(r.reportedAt);
  return out;
}

function categoryOf(cols: IncidentColumns, i: number): string {
  return CATEGORY_NAMES[cols.category[i]!]!;
}

const CATEGORY_NAMES: readonly string[] = CATEGORY_CODES;

/**
 * The store decorated with the incident index, or the store itself when it narrows reads to each
 * request's data scope (see the module comment).
 */
export function withIncidentIndex(store: Store, options: IndexedStoreOptions = {}): Store & { loaded?: Promise<void> } {
  if (store.enforcesRequestScope === true) return store;
  return new IndexedStore(store, options);
}
