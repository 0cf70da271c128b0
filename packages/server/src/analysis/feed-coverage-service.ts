/**
 * feedCoverageService: which periods each feed (agency) reported, from the time ranges the ingest
 * runs recorded (store port IngestRun.coveredFrom/coveredTo), merged per feed and over all feeds
 * by engine/analysis/feed-coverage.ts. Analyses read `coverageSpans` to tell a month without data
 * from a month without incidents; the Data quality page shows the per-feed spans and gaps.
 *
 * The store's `listCoverage` gives the ranges alone (no origin, no counts): which periods the
 * feeds covered is a fact about the system, not incident data, so a district-scoped reader gets the
 * same no-data months as everyone else.
 */
import { describeSpan, feedCoverage, type CoveredSpan } from '@baseerat/engine';
import type { FeedRange } from '../store/index.js';
import type { AnalysisContext } from './analysis-request.js';

export interface SpanView {
  /** ISO UTC, inclusive start (a Pakistan midnight). */
  from: string;
  /** ISO UTC, exclusive end (a Pakistan midnight). */
  to: string;
  /** Both days inclusive, Pakistan time: "2022-01-01 to 2023-12-31". */
  label: string;
  days: number;
}

export interface FeedCoverageView {
  feed: string;
  /** Runs of this feed with a recorded range. */
  runs: number;
  spans: SpanView[];
  gaps: SpanView[];
}

export interface FeedCoverageReport {
  feeds: FeedCoverageView[];
  /** What any feed covers. */
  covered: SpanView[];
  /** Between the first and last covered day, what no feed covers. */
  gaps: SpanView[];
}

const view = (s: CoveredSpan): SpanView => ({ from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString(), label: describeSpan(s), days: Math.round((s.to - s.from) / 86_400_000) });

function ranges(runs: readonly FeedRange[]) {
  return runs.map((r) => ({ feed: r.agency, first: Date.parse(r.coveredFrom), last: Date.parse(r.coveredTo) }));
}

/**
 * What the data cover (merged spans over every feed), or undefined when no run has a recorded
 * range (a store filled outside the ingest path): then coverage is unknown, not empty.
 */
export async function coverageSpans(ctx: Pick<AnalysisContext, 'store'>): Promise<CoveredSpan[] | undefined> {
  const r = ranges(await ctx.store.listCoverage());
  return r.length === 0 ? undefined : feedCoverage(r).all;
}

export async function feedCoverageService(ctx: Pick<AnalysisContext, 'store'>): Promise<FeedCoverageReport> {
  const c = feedCoverage(ranges(await ctx.store.listCoverage()));
  return {
    feeds: c.feeds.map((f) => ({ feed: f.feed, runs: f.runs, spans: f.spans.map(view), gaps: f.gaps.map(view) })),
    covered: c.all.map(view),
    gaps: c.gaps.map(view),
  };
}
