/**
 * Feed coverage: which periods the data cover, so that a month without data is not read as a
 * month without incidents.
 *
 * Answers: "did any feed report in December 2023?" Each ingest run records the earliest and latest
 * time of the records it carried (a live run widens its range as it goes); a run covers the whole
 * Pakistan days from its first record's day to its last record's day. The union of the runs' days
 * is what the data cover; a period outside it has no data, and an analysis must say "no data",
 * never 0. A gap is a stretch of days between two covered spans.
 *
 * Assumptions: a feed reports every incident between its first and last record (a feed that
 * skipped a week in the middle of one file is not seen here); coverage is in time only, for every
 * district alike (a feed that reports one province covers that province's months, and the others'
 * too as far as this can tell).
 * Complexity: O(r log r) for r runs; window queries O(s) for s spans.
 * Units: epoch milliseconds UTC; spans are [from, to) at Pakistan midnights.
 */
import { DAY_MS, KARACHI_OFFSET_MS, localDay, localDayStart } from './aggregate.js';
import { factCaveat, UNCOVERED_PERIODS, type Caveat } from '../domain/caveats.js';

/** A covered (or uncovered) stretch [from, to), epoch ms, from one Pakistan midnight to another. */
export interface CoveredSpan {
  from: number;
  to: number;
}

/** One run's recorded range: the first and last record time (epoch ms, inclusive) of one feed. */
export interface RecordedRange {
  feed: string;
  first: number;
  last: number;
}

/** The Pakistan days a recorded range touches, as one span. */
export function spanOfRange(first: number, last: number): CoveredSpan {
  const a = Math.min(first, last), b = Math.max(first, last);
  return { from: localDayStart(localDay(a)), to: localDayStart(localDay(b) + 1) };
}

/** Sorted, disjoint spans; overlapping and touching spans (no day between them) are merged. Spans with from >= to are dropped. */
export function mergeSpans(spans: readonly CoveredSpan[]): CoveredSpan[] {
  const sorted = spans.filter((s) => Number.isFinite(s.from) && Number.isFinite(s.to) && s.from < s.to).sort((a, b) => a.from - b.from || a.to - b.to);
  const out: CoveredSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** Milliseconds of [from, to) inside the merged spans. */
export function coveredMs(spans: readonly CoveredSpan[], from: number, to: number): number {
  let ms = 0;
  for (const s of spans) {
    const a = Math.max(s.from, from), b = Math.min(s.to, to);
    if (b > a) ms += b - a;
  }
  return ms;
}

/** Days (fractional when [from, to) does not start at a midnight) of [from, to) inside the merged spans. */
export function coveredDaysWithin(spans: readonly CoveredSpan[], from: number, to: number): number {
  return coveredMs(spans, from, to) / DAY_MS;
}

/** The parts of [from, to) that no merged span covers, in order. */
export function uncoveredSpans(spans: readonly CoveredSpan[], from: number, to: number): CoveredSpan[] {
  const out: CoveredSpan[] = [];
  let at = from;
  for (const s of spans) {
    if (s.to <= at) continue;
    if (s.from >= to) break;
    if (s.from > at) out.push({ from: at, to: s.from });
    at = Math.max(at, s.to);
    if (at >= to) break;
  }
  if (at < to) out.push({ from: at, to });
  return out;
}

export interface FeedCoverage {
  feed: string;
  /** Runs with a recorded range. */
  runs: number;
  /** Days covered, merged. */
  spans: CoveredSpan[];
  /** Stretches between the feed's first and last covered day that it did not cover. */
  gaps: CoveredSpan[];
}

export interface CoverageSummary {
  /** One entry per feed, by name. */
  feeds: FeedCoverage[];
  /** What any feed covers. */
  all: CoveredSpan[];
  /** Stretches between the first and last covered day that no feed covers. */
  gaps: CoveredSpan[];
}

/** Per-feed and overall coverage of recorded ranges. Ranges with a non-finite end are ignored. */
export function feedCoverage(ranges: readonly RecordedRange[]): CoverageSummary {
  const byFeed = new Map<string, CoveredSpan[]>();
  for (const r of ranges) {
    if (!(Number.isFinite(r.first) && Number.isFinite(r.last))) continue;
    const list = byFeed.get(r.feed) ?? [];
    list.push(spanOfRange(r.first, r.last));
    byFeed.set(r.feed, list);
  }
  const feeds: FeedCoverage[] = [...byFeed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([feed, list]) => {
    const spans = mergeSpans(list);
    return { feed, runs: list.length, spans, gaps: spans.length === 0 ? [] : uncoveredSpans(spans, spans[0]!.from, spans[spans.length - 1]!.to) };
  });
  const all = mergeSpans(feeds.flatMap((f) => f.spans));
  return { feeds, all, gaps: all.length === 0 ? [] : uncoveredSpans(all, all[0]!.from, all[all.length - 1]!.to) };
}

/** 'YYYY-MM-DD' of the Pakistan day containing `ms`. */
export function pakistanDay(ms: number): string {
  return new Date(ms + KARACHI_OFFSET_MS).toISOString().slice(0, 10);
}

/** A span in words, both days inclusive, Pakistan time: "2022-01-01 to 2023-12-31". */
export function describeSpan(s: CoveredSpan): string {
  const a = pakistanDay(s.from), b = pakistanDay(s.to - 1);
  return a === b ? a : `${a} to ${b}`;
}

/** What an analysis that counts over its whole window makes of uncovered days (the UNCOVERED_PERIODS message's last clause). */
export const UNCOVERED_READ_AS_NONE = 'counts, rates and models over the window read them as none';

export interface UncoveredPeriodsOptions {
  /** The instant the analysis is made at, epoch ms: later time is not uncovered. */
  asOf?: number;
  /** What the analysis makes of the uncovered days, as a clause (default UNCOVERED_READ_AS_NONE). */
  reads?: string;
}

/**
 * The caveat an analysis over [from, to) carries when no feed covers part of it: the uncovered
 * stretches by date (Pakistan days, both inclusive), `count` the uncovered days, `about` the
 * stretches (fact NOT_COVERED, for mergeCaveats). Undefined when the spans cover the whole window,
 * when the window is empty, or when coverage is unknown (`spans` undefined: no ingest run recorded a
 * range, so nothing can be said).
 *
 * `options.asOf` (epoch ms): the instant the analysis is made at (a report's `now`, the time of the
 * request). Days after it have not happened yet, so they are not "uncovered": the window is read up
 * to the end of the Pakistan day holding `asOf` (whole days, as coverage is: a run covers the whole
 * days of its records; the message says so when that cut days off). A window that starts after that
 * day has nothing uncovered. `options.reads`: what the analysis makes of the uncovered days (default: counts, rates
 * and models over the window read them as none; an analysis that leaves them out says so instead).
 */
export function uncoveredPeriodsCaveat(spans: readonly CoveredSpan[] | undefined, from: number, to: number, what = 'the analysis', options: UncoveredPeriodsOptions = {}): Caveat | undefined {
  const { asOf, reads = UNCOVERED_READ_AS_NONE } = options;
  if (spans === undefined || !(Number.isFinite(from) && Number.isFinite(to) && from < to)) return undefined;
  const dayEnd = asOf !== undefined && Number.isFinite(asOf) ? localDayStart(localDay(asOf) + 1) : Infinity;
  const cut = dayEnd < to;
  const end = cut ? dayEnd : to;
  if (!(from < end)) return undefined;
  const gaps = uncoveredSpans(spans, from, end);
  if (gaps.length === 0) return undefined;
  const days = Math.round(gaps.reduce((s, g) => s + (g.to - g.from), 0) / DAY_MS * 10) / 10;
  const shown = gaps.length <= 6 ? gaps.map(describeSpan).join(', ') : `${gaps.slice(0, 5).map(describeSpan).join(', ')} and ${gaps.length - 5} more stretches`;
  // the window as far as it has happened (to the end of the day the analysis is made on)
  const window = `${describeSpan({ from, to: end })}${cut ? ` (to ${pakistanDay(end - 1)}, the day the analysis was made: later days have not happened yet)` : ''}`;
  const message = `no feed covers ${shown} (${days} day${days === 1 ? '' : 's'}) of the window of ${what}, ${window}: incidents there are missing data, not zero incidents, and ${reads}`;
  return factCaveat(UNCOVERED_PERIODS, message, { fact: 'NOT_COVERED', periods: gaps }, message, days);
}
