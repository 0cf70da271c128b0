/**
 * The Trends page: incidents per month and by category (`/api/stats`), then the trends analysis
 * (`/api/analyses/trends`) and the seasonality analysis (`/api/analyses/seasonality`) as a reader
 * needs them: the overall trend in one sentence, this month against the month before and the same
 * month a year before (counts, change, 95% interval, significance), the districts that changed most,
 * and for each seasonal profile the observed incidents against the count expected if they were
 * spread evenly over the time at risk. Months are named in Pakistan time; no raw field names or
 * epoch numbers reach the page.
 *
 * A month without data is not a month without incidents: the monthly line leaves a gap (null, not
 * 0) for a month no feed covers (`/api/sources/coverage`), and a comparison the analysis did not
 * make because no feed covers its period reads "no data", with the reason in the page's language.
 */
import { api, qs, type Stats } from '../api.js';
import { chartIn } from '../charts.js';
import { h, table } from '../dom.js';
import { t } from '../i18n/index.js';
import { monthRange } from '../months.js';
import { categoryLabel } from '../taxonomy.js';
import { caveatList, page, unavailable } from './panels.js';

const PROVINCE = 'Balochistan';

/** One window comparison of the trends analysis (engine: compare-windows). */
interface Comparison {
  current: { from: number | string; count: number };
  baseline: { from: number | string; count: number };
  percentChange: number | null; lower: number | null; upper: number | null;
  significant: boolean; direction: string; summary: string;
  area?: string; significantAfterAdjustment?: boolean;
  caveats?: { code?: string; message?: string }[];
}
interface TrendsResult {
  trend?: { summary?: string; caveats?: { message?: string }[] } | null;
  /** A comparison is null when no feed covers its period (or the current one). */
  comparison?: { current?: { from: number | string; count: number }; previous?: Comparison | null; lastYear?: Comparison | null; caveats?: { code?: string; message?: string }[] };
  byDistrict?: { areas?: Comparison[]; caveats?: { message?: string }[] };
  caveats?: { message?: string }[];
}
interface TrendsAnnotations {
  window?: { from?: string; to?: string; previousFrom?: string; lastYearFrom?: string; lastYearTo?: string };
  trendMonths?: { from: string; to: string; count: number } | null;
}
interface CoverageSpan { from: string; to: string; label: string }
interface Coverage { feeds?: { feed: string; runs: number; spans: CoverageSpan[]; gaps: CoverageSpan[] }[]; covered?: CoverageSpan[]; gaps?: CoverageSpan[] }

interface Profile {
  dimension: string; labels: string[]; observed: number[]; expected: number[]; events: number;
  test?: { pValue?: number; pAdjusted?: number };
}

/** The Pakistan-time month ('YYYY-MM') of a window start given as epoch ms or ISO. */
export function pakistanMonth(from: number | string): string {
  const ms = typeof from === 'number' ? from : Date.parse(from);
  return new Date(ms + 5 * 3600_000).toISOString().slice(0, 7);
}

/** Pakistan dates of [from, to) as 'YYYY-MM-DD – YYYY-MM-DD' (the last day inclusive). */
export function pakistanSpan(from: string, to: string): string {
  const day = (ms: number) => new Date(ms + 5 * 3600_000).toISOString().slice(0, 10);
  const a = day(Date.parse(from)), b = day(Date.parse(to) - 1);
  return a === b ? a : `${a} – ${b}`;
}

/**
 * The chart's value of each month: its count, or null when no feed covers any of it and it holds no
 * incident (no data, a gap in the line). `covered` undefined: coverage unknown, every month counts.
 */
export function monthValues(months: readonly string[], byMonth: Readonly<Record<string, number>>, covered: readonly { from: string; to: string }[] | undefined): (number | null)[] {
  const spans = covered?.map((c) => [Date.parse(c.from), Date.parse(c.to)] as const);
  return months.map((m) => {
    const n = byMonth[m] ?? 0;
    if (spans === undefined || n > 0) return n;
    const [y, mo] = m.split('-').map(Number) as [number, number];
    const a = Date.UTC(y, mo - 1, 1) - 5 * 3600_000, b = Date.UTC(y, mo, 1) - 5 * 3600_000;
    return spans.some(([f, t]) => f < b && t > a) ? 0 : null;
  });
}

/**
 * A page string with its dates and month lists kept left to right (in the Urdu page a date range
 * such as '2025-02-01 – 2025-02-28' would otherwise be reordered by the bidirectional algorithm).
 */
function textWithLtr(template: string, vars: Record<string, string>): (string | HTMLElement)[] {
  return template.split(/(\{\w+\})/).filter((x) => x !== '').map((part) => {
    const k = /^\{(\w+)\}$/.exec(part)?.[1];
    return k !== undefined && vars[k] !== undefined ? h('span', { dir: 'ltr' }, vars[k]) : part;
  });
}

/** A signed percentage, kept left to right in the Urdu page (else '-100%' reads '100%-'). */
const pct = (x: number | null): HTMLElement => h('span', { dir: 'ltr' }, x === null || !Number.isFinite(x) ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(0)}%`);
const ratioCi = (c: Comparison): string => (c.lower === null || c.upper === null ? '—' : `${c.lower.toFixed(2)} – ${c.upper.toFixed(2)}`);
const yesNo = (b: boolean | undefined): string => (b === true ? t('yes') : t('no'));
const pValue = (p: number | undefined): string => (p === undefined ? '—' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

export async function renderTrends(root: HTMLElement): Promise<() => void> {
  const body = page(root, t('trendsTitle'), 'page-trends');
  const disposers: (() => void)[] = [];
  const chartEl = h('div', { class: 'chart', id: 'trend-chart' });
  body.append(chartEl);
  const monthly = chartIn(chartEl);
  disposers.push(monthly.dispose);
  const [stats, coverage] = await Promise.all([api<Stats>(`/api/stats${qs({ province: PROVINCE })}`), api<Coverage>('/api/sources/coverage')]);
  if (stats.ok) {
    const months = monthRange(Object.keys(stats.data.byMonth));
    // coverage unknown (no range recorded, or not readable): every month counts, as before
    const covered = coverage.ok && (coverage.data.covered ?? []).length > 0 ? coverage.data.covered : undefined;
    const values = monthValues(months, stats.data.byMonth, covered);
    monthly.chart.setOption({
      grid: { left: 48, right: 16, top: 16, bottom: 36 }, tooltip: { trigger: 'axis', renderMode: 'richText' },
      xAxis: { type: 'category', data: months }, yAxis: { type: 'value' },
      // null is a gap in the line: a month no feed covers is not drawn as 0
      series: [{ type: 'line', data: values, connectNulls: false, showSymbol: false, itemStyle: { color: '#2a6f97' } }],
    });
    const gaps = months.filter((_, i) => values[i] === null);
    if (gaps.length > 0) {
      const list = gaps.length <= 4 ? gaps.join(', ') : `${gaps[0]!} – ${gaps[gaps.length - 1]!}`;
      body.append(h('p', { class: 'warning small', id: 'trend-nodata' }, ...textWithLtr(t('noDataMonths', { n: String(gaps.length) }), { months: list })));
    }
    const cats = Object.entries(stats.data.byCategory).sort((a, b) => b[1] - a[1]).slice(0, 12);
    body.append(h('h3', {}, t('category')), table([t('category'), t('count')], cats.map(([c, n]) => [categoryLabel(c), n]), { class: 'compact' }));
  } else body.append(unavailable('/api/stats', stats)!);

  const [trends, seasonality] = await Promise.all([
    api<{ result?: TrendsResult; annotations?: TrendsAnnotations; caveats?: { code?: string; message?: string; merged?: { code?: string }[] }[] }>(`/api/analyses/trends${qs({ province: PROVINCE })}`),
    api<{ result?: Record<string, unknown>; caveats?: unknown[] }>(`/api/analyses/seasonality${qs({ province: PROVINCE })}`),
  ]);
  body.append(h('h2', {}, t('trendsTitle')));
  const tBad = unavailable('/api/analyses/trends', trends);
  if (tBad !== undefined) body.append(tBad);
  else if (trends.ok) body.append(trendsView(trends.data.result ?? {}, trends.data.annotations ?? {}, trends.data.caveats ?? []));

  body.append(h('h2', {}, t('seasonalityTitle')));
  const sBad = unavailable('/api/analyses/seasonality', seasonality);
  if (sBad !== undefined) body.append(sBad);
  else if (seasonality.ok) {
    const r = seasonality.data.result ?? {};
    body.append(h('p', { class: 'muted small' }, t('seasonalityHelp')));
    const grid = h('div', { class: 'profiles', id: 'seasonality' });
    body.append(grid);
    for (const dim of ['hour', 'weekday', 'month', 'hijriMonth'] as const) {
      const p = r[dim] as Profile | undefined;
      if (p === undefined || !Array.isArray(p.labels)) continue;
      disposers.push(profileChart(grid, p));
    }
    body.append(caveatList([...(seasonality.data.caveats ?? []), ...((r['caveats'] as unknown[] | undefined) ?? [])]) ?? '');
  }
  return () => { for (const d of disposers) d(); };
}

function trendsView(r: TrendsResult, a: TrendsAnnotations, envelopeCaveats: { code?: string; message?: string; merged?: { code?: string }[] }[]): HTMLElement {
  const box = h('div', { id: 'trends' });
  // the codes the analysis says, those inside a merged caveat too (one fact is one caveat: see caveatList)
  const codes = new Set(envelopeCaveats.flatMap((c) => [c.code, ...(c.merged ?? []).map((m) => m.code)]));
  const w = a.window ?? {};
  // the periods no feed covers, named in the page's language (the caveat's English text is listed below too)
  const baseline = { previous: w.previousFrom !== undefined && w.from !== undefined ? pakistanSpan(w.previousFrom, w.from) : '', lastYear: w.lastYearFrom !== undefined && w.lastYearTo !== undefined ? pakistanSpan(w.lastYearFrom, w.lastYearTo) : '' };
  if (codes.has('NO_DATA_IN_WINDOW') && w.from !== undefined && w.to !== undefined) {
    box.append(h('p', { class: 'warning', id: 'trend-nodata-notice' }, ...textWithLtr(t('noDataInWindow'), { period: pakistanSpan(w.from, w.to) })));
  } else {
    const uncovered = (['previous', 'lastYear'] as const).filter((k) => r.comparison?.[k] === null).map((k) => baseline[k]);
    if (uncovered.length > 0) box.append(h('p', { class: 'warning', id: 'trend-nodata-notice' }, ...textWithLtr(t('noDataForComparison'), { periods: uncovered.join(', ') })));
  }
  if (r.trend?.summary !== undefined) box.append(h('p', { id: 'trend-summary' }, h('strong', {}, `${t('trendOverall')}: `), r.trend.summary));
  if (codes.has('TREND_COVERED_STRETCH') && a.trendMonths != null) box.append(h('p', { class: 'muted small', id: 'trend-stretch' }, ...textWithLtr(t('trendStretch'), { from: a.trendMonths.from, to: a.trendMonths.to })));
  const current = r.comparison?.current ?? r.comparison?.previous?.current;
  const rows = ([['previous', t('comparePrevious')], ['lastYear', t('compareLastYear')]] as const).flatMap(([k, label]) => {
    const c = r.comparison?.[k];
    if (c === undefined) return [];
    // not compared: no feed covers that period; "no data", never 0
    if (c === null) return [[`${label} (${k === 'previous' ? (w.previousFrom === undefined ? '—' : pakistanMonth(w.previousFrom)) : (w.lastYearFrom === undefined ? '—' : pakistanMonth(w.lastYearFrom))})`, t('noData'), current?.count ?? '—', t('notCompared'), '—', '—']];
    return [[`${label} (${pakistanMonth(c.baseline.from)})`, c.baseline.count, c.current.count, pct(c.percentChange), ratioCi(c), yesNo(c.significant)]];
  });
  if (current !== undefined) box.append(h('h3', {}, t('thisMonthAgainst', { month: pakistanMonth(current.from) })));
  if (rows.length > 0) box.append(table([t('comparedWith'), t('countThen'), t('countNow'), t('change'), t('rateRatioCi'), t('significant5')], rows, { class: 'compact', id: 'trend-comparison' }));

  const areas = [...(r.byDistrict?.areas ?? [])].filter((a) => a.area !== undefined);
  if (areas.length > 0) {
    // the significant changes first (after the adjustment for testing many districts), then by size
    areas.sort((a, b) => Number(b.significantAfterAdjustment === true) - Number(a.significantAfterAdjustment === true)
      || Math.abs(b.current.count - b.baseline.count) - Math.abs(a.current.count - a.baseline.count));
    box.append(h('h3', {}, t('trendByDistrict')));
    box.append(table([t('district'), t('countThen'), t('countNow'), t('change'), t('significantAdjusted')],
      areas.slice(0, 15).map((a) => [a.area!, a.baseline.count, a.current.count, pct(a.percentChange), yesNo(a.significantAfterAdjustment)]),
      { class: 'compact', id: 'trend-districts' }));
    if (areas.length > 15) box.append(h('p', { class: 'muted small' }, t('moreDistricts', { n: String(areas.length - 15) })));
  }
  // each distinct caveat once (every window repeats the over-dispersion note), each fact once (caveatList merges)
  const all = [...envelopeCaveats, ...(r.caveats ?? []), ...(r.trend?.caveats ?? []), ...(r.comparison?.previous?.caveats ?? r.comparison?.lastYear?.caveats ?? []), ...(r.byDistrict?.caveats ?? [])];
  box.append(caveatList(all) ?? '');
  return box;
}

function profileChart(grid: HTMLElement, p: Profile): () => void {
  const title = t(`season_${p.dimension}` as 'season_hour');
  const cell = h('div', { class: 'profile', 'data-dimension': p.dimension });
  const el = h('div', { class: 'chart' });
  cell.append(h('h3', {}, title), h('p', { class: 'muted small' }, `${p.events.toLocaleString('en-US')} ${t('incidentsWord')} · ${pValue(p.test?.pAdjusted ?? p.test?.pValue)}`), el);
  grid.append(cell);
  const { chart, dispose } = chartIn(el);
  chart.setOption({
    grid: { left: 44, right: 8, top: 24, bottom: 40 }, tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { data: [t('observed'), t('expectedEven')], top: 0, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: p.labels, axisLabel: { fontSize: 10, rotate: p.labels.length > 7 ? 45 : 0 } }, yAxis: { type: 'value' },
    series: [
      { type: 'bar', name: t('observed'), data: p.observed, itemStyle: { color: '#2a6f97' } },
      { type: 'line', name: t('expectedEven'), data: p.expected.map((x) => Math.round(x * 10) / 10), showSymbol: false, lineStyle: { color: '#e85d04' }, itemStyle: { color: '#e85d04' } },
    ],
  });
  return dispose;
}
