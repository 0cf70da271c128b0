/**
 * What every analysis service shares: the analyst's filter (names checked against the shipped
 * geography and taxonomy), reading the store's columns, the classification of what was read,
 * calendar windows in Pakistan time and the JSON envelope that every service returns.
 */
import {
  BaseeratError, CATEGORY_GROUPS, CLASSIFICATION_LEVELS, ClassificationSchema, DAY_MS, highestClassification, isCategoryCode,
  localDate, localDay, localDayStart, caveat, mergeCaveats, uncoveredPeriodsCaveat,
  type Caveat, type CategoryCode, type CategoryGroup, type Classification, type Geography,
} from '@baseerat/engine';
import type { IncidentColumns, IncidentFilter, Store } from '../store/index.js';
import { jsonSafe, type Jsonified } from './json-safe.js';
import { coverageSpans } from './feed-coverage-service.js';

/** The filter an analyst gives (CLI flags, API query): names as typed, dates as ISO strings. */
export interface AnalysisFilter {
  /** Inclusive start: ISO date (`2021-01-01`, read as midnight Pakistan time) or ISO date-time. */
  from?: string;
  /** Exclusive end, as `from`. */
  to?: string;
  province?: string;
  districts?: readonly string[];
  categories?: readonly string[];
  groups?: readonly string[];
  maxClassification?: string;
}

/** The filter after checking: canonical names, epoch milliseconds. */
export interface ResolvedFilter {
  fromMs?: number;
  toMs?: number;
  province?: string;
  districts?: string[];
  categories?: CategoryCode[];
  groups?: CategoryGroup[];
  maxClassification?: Classification;
}

const PKT_OFFSET_MS = 5 * 3600 * 1000;

/** ISO date (Pakistan midnight) or date-time (as given; without a zone, Pakistan time). */
export function parseAnalysisTime(text: string, field: string): number {
  const s = text.trim();
  const dateOnly = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s);
  if (dateOnly !== null) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3] ?? '1')];
    const ms = Date.UTC(y, m - 1, d) - PKT_OFFSET_MS;
    const back = new Date(ms + PKT_OFFSET_MS);
    if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) throw new BaseeratError('VALIDATION', `${field} ${JSON.stringify(text)} is not a calendar date`, { field });
    return ms;
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  const ms = Date.parse(hasZone ? s : `${s}+05:00`);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || !Number.isFinite(ms)) {
    throw new BaseeratError('VALIDATION', `${field} ${JSON.stringify(text)} is not an ISO date (YYYY-MM-DD) or date-time`, { field });
  }
  return ms;
}

export function resolveFilter(f: AnalysisFilter, geography: Geography): ResolvedFilter {
  const out: ResolvedFilter = {};
  if (f.from !== undefined) out.fromMs = parseAnalysisTime(f.from, 'from');
  if (f.to !== undefined) out.toMs = parseAnalysisTime(f.to, 'to');
  if (out.fromMs !== undefined && out.toMs !== undefined && !(out.fromMs < out.toMs)) {
    throw new BaseeratError('VALIDATION', `from ${f.from} must be before to ${f.to}`, { field: 'to' });
  }
  if (f.province !== undefined) {
    const p = geography.resolveProvince(f.province);
    if (p === undefined) throw new BaseeratError('VALIDATION', `province ${JSON.stringify(f.province)} is not a province or territory of Pakistan`, { field: 'province' });
    out.province = p;
  }
  if (f.districts !== undefined && f.districts.length > 0) {
    out.districts = f.districts.map((d) => {
      const m = geography.resolveDistrict(d, out.province);
      if (m === undefined) throw new BaseeratError('VALIDATION', `district ${JSON.stringify(d)} is not a known district${out.province === undefined ? '' : ` of ${out.province}`}`, { field: 'district' });
      return m.district;
    });
  }
  if (f.categories !== undefined && f.categories.length > 0) {
    out.categories = f.categories.map((c) => {
      const code = c.trim().toUpperCase();
      if (!isCategoryCode(code)) throw new BaseeratError('VALIDATION', `category ${JSON.stringify(c)} is not a taxonomy code (e.g. TI.IED, see docs)`, { field: 'category' });
      return code;
    });
  }
  if (f.groups !== undefined && f.groups.length > 0) {
    out.groups = f.groups.map((g) => {
      const k = g.trim().toLowerCase().replace(/[- ]/g, '_');
      if (!(CATEGORY_GROUPS as readonly string[]).includes(k)) throw new BaseeratError('VALIDATION', `group ${JSON.stringify(g)} is not one of ${CATEGORY_GROUPS.join(', ')}`, { field: 'group' });
      return k as CategoryGroup;
    });
  }
  if (f.maxClassification !== undefined) {
    const c = ClassificationSchema.safeParse(f.maxClassification.trim().toUpperCase());
    if (!c.success) throw new BaseeratError('VALIDATION', `maxClassification ${JSON.stringify(f.maxClassification)} is not one of ${CLASSIFICATION_LEVELS.join(', ')}`, { field: 'maxClassification' });
    out.maxClassification = c.data;
  }
  return out;
}

/** The store filter of a resolved filter, with the time bounds replaced (services widen them for baselines). */
export function storeFilter(f: ResolvedFilter, time: { fromMs?: number; toMs?: number } = f): IncidentFilter {
  return {
    ...(time.fromMs === undefined ? {} : { from: new Date(time.fromMs).toISOString() }),
    ...(time.toMs === undefined ? {} : { to: new Date(time.toMs).toISOString() }),
    ...(f.province === undefined ? {} : { provinces: [f.province] }),
    ...(f.districts === undefined ? {} : { districts: f.districts }),
    ...(f.categories === undefined ? {} : { categories: f.categories }),
    ...(f.groups === undefined ? {} : { groups: f.groups }),
    ...(f.maxClassification === undefined ? {} : { maxClassification: f.maxClassification }),
  };
}

/** The filter as it is echoed in results (ISO instants, canonical names). */
export interface FilterEcho {
  from?: string;
  to?: string;
  province?: string;
  districts?: string[];
  categories?: string[];
  groups?: string[];
  maxClassification?: string;
}

export function echoFilter(f: ResolvedFilter): FilterEcho {
  const { fromMs, toMs, ...rest } = f;
  return {
    ...(fromMs === undefined ? {} : { from: new Date(fromMs).toISOString() }),
    ...(toMs === undefined ? {} : { to: new Date(toMs).toISOString() }),
    ...rest,
  };
}

/** Highest classification of the incidents i with keep(i) (UNCLASSIFIED when there are none). */
export function classificationOf(cols: Pick<IncidentColumns, 'length' | 'classification' | 'time'>, keep: (i: number) => boolean = () => true): Classification {
  let best = 0;
  for (let i = 0; i < cols.length; i++) if (keep(i) && cols.classification[i]! > best) best = cols.classification[i]!;
  const level = CLASSIFICATION_LEVELS[best];
  if (level === undefined) throw new BaseeratError('VALIDATION', `classification index ${best} is not a level`, { field: 'classification' });
  return highestClassification([level]);
}

/** First and last finite incident time, epoch ms; undefined without any. */
export function timeExtent(cols: Pick<IncidentColumns, 'length' | 'time'>): { first: number; last: number } | undefined {
  let first = Infinity, last = -Infinity;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (Number.isFinite(t)) { if (t < first) first = t; if (t > last) last = t; }
  }
  return first <= last ? { first, last } : undefined;
}

export type CalendarUnit = 'month' | 'quarter' | 'year';

/** Start (epoch ms) of the Pakistan-time calendar unit containing `ms`, shifted by `shift` units. */
export function calendarUnitStart(ms: number, unit: CalendarUnit, shift = 0): number {
  const d = localDate(localDay(ms));
  const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
  const m0 = unit === 'month' ? d.month - 1 : unit === 'quarter' ? Math.floor((d.month - 1) / 3) * 3 : 0;
  return localDayStart(Math.floor(Date.UTC(d.year, m0 + shift * months, 1) / DAY_MS));
}

/** Start of the local day after the one containing `ms`: a window that ends with the data. */
export function endOfLocalDay(ms: number): number {
  return localDayStart(localDay(ms) + 1);
}

/** A window [from, to) with the start of the window before it. */
export interface ComparisonWindow {
  from: number;
  to: number;
  previousFrom: number;
  /** How the window was chosen, for the result and the terminal. */
  chosen: 'given' | 'default';
}

/**
 * Start of the window before [from, to): whole calendar months (Pakistan time) when both ends are
 * month starts (2021 is compared with 2020, March with February), else the same length just before.
 */
export function previousWindowStart(from: number, to: number): number {
  if (calendarUnitStart(from, 'month') === from && calendarUnitStart(to, 'month') === to) {
    const a = localDate(localDay(from)), b = localDate(localDay(to));
    const months = (b.year - a.year) * 12 + (b.month - a.month);
    return calendarUnitStart(from, 'month', -months);
  }
  return from - (to - from);
}

/**
 * The current window: `from`/`to` when given (the previous window: see previousWindowStart), else
 * the calendar unit (Pakistan time) containing the latest incident, compared with the unit before.
 */
export function comparisonWindow(f: ResolvedFilter, latest: number | undefined, unit: CalendarUnit): ComparisonWindow {
  if (f.fromMs !== undefined && f.toMs !== undefined) {
    return { from: f.fromMs, to: f.toMs, previousFrom: previousWindowStart(f.fromMs, f.toMs), chosen: 'given' };
  }
  if (f.fromMs !== undefined || f.toMs !== undefined) {
    throw new BaseeratError('VALIDATION', 'give both from and to for the current window, or neither for the latest calendar ' + unit, { field: f.fromMs === undefined ? 'from' : 'to' });
  }
  if (latest === undefined) throw new BaseeratError('INSUFFICIENT_DATA', 'no incident with a valid time matches the filter', { field: 'filter' });
  return { from: calendarUnitStart(latest, unit), to: calendarUnitStart(latest, unit, 1), previousFrom: calendarUnitStart(latest, unit, -1), chosen: 'default' };
}

/** The envelope every service returns: JSON-safe, with the classification and caveats of what was used. */
export interface AnalysisEnvelope<A extends string, P, R, X = Record<string, never>> {
  analysis: A;
  /** Highest classification of the incidents the analysis read: the result is at least this sensitive. */
  classification: Classification;
  filter: FilterEcho;
  /** Incidents read from the store for this analysis (before the analysis's own precision rules). */
  incidentsRead: number;
  parameters: Jsonified<P>;
  /** The engine analysis's result, made JSON-safe, unchanged otherwise. */
  result: Jsonified<R>;
  /** What the service adds for people: district names of cells, tables, summaries. */
  annotations: Jsonified<X>;
  /**
   * The service's own caveats followed by the engine result's top-level caveats, each fact once
   * (engine mergeCaveats: caveats stating that no feed covers the same period are one caveat that
   * lists the caveats it stands for under `merged`).
   */
  caveats: Caveat[];
}

export function envelope<A extends string, P, R extends { caveats?: readonly Caveat[] }, X>(
  analysis: A, parts: { classification: Classification; filter: ResolvedFilter; incidentsRead: number; parameters: P; result: R; annotations: X; caveats?: Caveat[] },
): AnalysisEnvelope<A, P, R, X> {
  return {
    analysis,
    classification: parts.classification,
    filter: echoFilter(parts.filter),
    incidentsRead: parts.incidentsRead,
    parameters: jsonSafe(parts.parameters),
    result: jsonSafe(parts.result),
    annotations: jsonSafe(parts.annotations),
    caveats: jsonSafe(mergeCaveats([...(parts.caveats ?? []), ...(parts.result.caveats ?? [])])) as Caveat[],
  };
}

/** The time window [fromMs, toMs) an analysis's counts, rates or model read (epoch ms). */
export interface AnalysisWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The coverage caveat of an analysis window: `UNCOVERED_PERIODS` naming the days of [fromMs, toMs)
 * that no feed covers (Store.listCoverage, the ranges the ingest runs recorded), or nothing when
 * the feeds cover the window, when there is no window (nothing read), or when no run recorded a
 * range (coverage unknown: nothing can be said; the trends service says COVERAGE_UNKNOWN).
 *
 * Time after the analysis's as-of instant has not happened and is not "uncovered": the window is
 * read up to `asOf` (epoch ms) when given, else `ctx.now`, else the clock (a window that ends this
 * month is not said to miss the rest of the month).
 */
export async function coverageCaveats(ctx: Pick<AnalysisContext, 'store' | 'now'>, window: AnalysisWindow | undefined, what?: string, options: { asOf?: number; reads?: string } = {}): Promise<Caveat[]> {
  if (window === undefined) return [];
  const asOf = options.asOf ?? ctx.now?.getTime() ?? Date.now();
  const c = uncoveredPeriodsCaveat(await coverageSpans(ctx), window.fromMs, window.toMs, what, { asOf, ...(options.reads === undefined ? {} : { reads: options.reads }) });
  return c === undefined ? [] : [c];
}

/**
 * The envelope of an analysis over a time window: `envelope` with the window's coverage caveat
 * (coverageCaveats) first among the service's caveats. Every analysis service builds its envelope
 * through this one, so that an analysis whose window spans months no feed covers says so.
 */
export async function coveredEnvelope<A extends string, P, R extends { caveats?: readonly Caveat[] }, X>(
  ctx: Pick<AnalysisContext, 'store' | 'now'>, analysis: A,
  parts: {
    classification: Classification; filter: ResolvedFilter; incidentsRead: number; parameters: P; result: R; annotations: X; caveats?: Caveat[]; window: AnalysisWindow | undefined;
    /** The instant the analysis is made at (epoch ms; see coverageCaveats). */
    asOf?: number;
    /** What the analysis makes of days no feed covers, when it does not read them as none (e.g. 'the model is fitted on the covered months only'). */
    uncoveredReads?: string;
  },
): Promise<AnalysisEnvelope<A, P, R, X>> {
  const { window, asOf, uncoveredReads, ...rest } = parts;
  const uncovered = await coverageCaveats(ctx, window, `the ${analysis} analysis`, {
    ...(asOf === undefined ? {} : { asOf }), ...(uncoveredReads === undefined ? {} : { reads: uncoveredReads }),
  });
  return envelope(analysis, { ...rest, caveats: [...uncovered, ...(parts.caveats ?? [])] });
}

/**
 * The window of an analysis that reads the filter's incidents: the filter's bounds where given,
 * else the Pakistan days from the first to the last incident read; undefined without any incident
 * and bounds.
 */
export function readWindow(f: ResolvedFilter, cols: Pick<IncidentColumns, 'length' | 'time'>): AnalysisWindow | undefined {
  const ext = timeExtent(cols);
  const fromMs = f.fromMs ?? (ext === undefined ? undefined : localDayStart(localDay(ext.first)));
  const toMs = f.toMs ?? (ext === undefined ? undefined : endOfLocalDay(ext.last));
  return fromMs === undefined || toMs === undefined || !(fromMs < toMs) ? undefined : { fromMs, toMs };
}

/** Store plus the shipped geography: what every service needs. */
export interface AnalysisContext {
  store: Store;
  geography: Geography;
  /**
   * The instant the analysis is made at (the request's time, a report's `now`): time after it has not
   * happened, so coverage caveats do not call it uncovered. Default: the clock when the caveat is made.
   */
  now?: Date;
  /** Progress on long work (permutations); the CLI passes its progress display. */
  onProgress?: (event: { phase: 'start' | 'progress' | 'done'; label: string; total?: number; done?: number }) => void;
}

export async function readColumns(ctx: AnalysisContext, f: ResolvedFilter, time?: { fromMs?: number; toMs?: number }): Promise<IncidentColumns> {
  return ctx.store.readColumns(storeFilter(f, time ?? f));
}

export function noIncidentsCaveat(n: number): Caveat[] {
  return n === 0 ? [caveat('NO_INCIDENTS', 'no incident matches the filter')] : [];
}

export const ISO = (ms: number): string => new Date(ms).toISOString();
