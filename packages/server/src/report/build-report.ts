/**
 * buildReport: computes a report model from the store through the analysis services (trends,
 * aggregate, hotspots, emerging hotspots, near repeat), the count forecast service, the engine's
 * alert replay and maximal-coverage allocation. Each section's numbers come from one named source
 * (listed in the methods notes with its caveats); narrative sentences are templates filled from
 * those numbers (format.ts), and every number in a sentence is also a cell of a table in the report.
 *
 * A district edition passes `district`: every read is filtered to that district, so no incident of
 * another district enters any number; the province-wide count model is left out of it (its
 * coefficients are fitted on all districts).
 */
import { latLngToCell, cellToLatLng } from 'h3-js';
import {
  BaseeratError, buildCoverageMatrix, CATEGORY_CODES, CATEGORY_GROUPS, CLASSIFICATION_LEVELS, EXAMPLE_RULES, EXAMPLE_WATCH_ZONES,
  emptyAlertBook, evaluateIncident, greedyMaximalCoverage, historyDaysNeeded, InsufficientDataError, intakeCandidate, parseRuleSet, parseWatchZones, DAY_MS,
  type Alert, type CandidateSite, type Classification, type DemandPoint, type Geography, type MonitorIncident, type RuleSet,
} from '@baseerat/engine';
import {
  aggregateService, calendarUnitStart, classificationOf, emergingHotspotsService, hotspotsService, nearRepeatService, trendsService,
  type AnalysisContext, type AnalysisFilter, type TrendsEnvelope,
} from '../analysis/index.js';
import { runCountForecast } from '../forecast/counts-service.js';
import { UNKNOWN_DISTRICT } from '../security/security-label.js';
import type { IncidentColumns, IncidentFilter } from '../store/index.js';
import { cell, fact, fill } from './format.js';
import {
  REPORT_SCHEMA, SECTION_IDS,
  type ChartSpec, type ColumnKind, type Fact, type MapSpec, type Paragraph, type ReportLanguage, type ReportModel, type ReportSection,
  type ReportTable, type ReportTemplate, type SectionId, type TableCell,
} from './model.js';
import { localIsoDate, parseReportPeriod, type ReportPeriod, type ReportPeriodKind } from './period.js';
import { label, periodName, sectionTitle, t } from './strings.js';

export interface BuildReportOptions {
  template: ReportTemplate;
  /** `YYYY-MM` (monthly) or `YYYY-Www` (weekly); custom reports take either. */
  period: string;
  province?: string;
  /** District edition: only this district's incidents are read. */
  district?: string;
  lang?: ReportLanguage;
  /** Custom reports: the sections wanted (summary and methods are always included). */
  sections?: readonly SectionId[];
  /** Highest classification the reader may see: no incident above it is read. */
  maxClassification?: Classification;
  generatedBy: string;
  now: Date;
  /** Knox permutations (default 199). */
  nearRepeatPermutations?: number;
  /** Units placed by the deployment section (default 5) and their coverage radius in km (default 10). */
  deploymentUnits?: number;
  deploymentRadiusKm?: number;
}

const ISO = (ms: number): string => new Date(ms).toISOString();
const num = (v: number | null | undefined): number => v ?? Number.NaN;

interface Builder {
  lang: ReportLanguage;
  methods: ReportModel['methods'];
  classifications: Classification[];
}

function para(lang: ReportLanguage, key: string, facts: Fact[], bullet = false): Paragraph {
  return { key, text: fill(t(lang, key), facts), facts, ...(bullet ? { bullet: true } : {}) };
}

function table(lang: ReportLanguage, id: string, title: string, columns: [string, string, ColumnKind][], rows: (number | string | null)[][], note?: string): ReportTable {
  return {
    id, title: label(lang, title),
    columns: columns.map(([key, l, kind]) => ({ key, label: label(lang, l), kind })),
    rows: rows.map((r) => r.map((v, i): TableCell => cell(v, columns[i]![2]))),
    ...(note === undefined ? {} : { note }),
  };
}

function emptySection(lang: ReportLanguage, id: SectionId): ReportSection {
  return { id, title: sectionTitle(lang, id), paragraphs: [], tables: [], charts: [], maps: [] };
}

/** A two-column table (item, value), each value formatted by its own kind. */
function kvTable(lang: ReportLanguage, id: string, title: string, rows: [string, number | string | null, ColumnKind][], note?: string): ReportTable {
  return {
    id, title: label(lang, title),
    columns: [{ key: 'item', label: label(lang, 'Item'), kind: 'text' }, { key: 'value', label: label(lang, 'Value'), kind: 'text' }],
    rows: rows.map(([k, v, kind]) => [cell(k, 'text'), cell(v, kind)]),
    ...(note === undefined ? {} : { note }),
  };
}

const yesNo = (lang: ReportLanguage, b: boolean): string => label(lang, b ? 'yes' : 'no');

interface RateLike { current: { count: number | null }; baseline: { count: number | null }; rateRatio: number | null; pValue: number | null; significant: boolean; direction: string }

/** The change sentence for one comparison, with its facts. */
function changeParagraph(lang: ReportLanguage, c: RateLike & { baseline: { to?: number | null } }, otherLabel: string, prefix: string, earliest: number): Paragraph {
  const count = num(c.current.count), before = num(c.baseline.count);
  // A baseline window that ends before the first recorded incident is a gap in the records, not calm.
  if (before === 0 && num(c.baseline.to) <= earliest && Number.isFinite(earliest)) {
    const facts = [fact('other', otherLabel, 'text'), fact('first', localIsoDate(earliest), 'text')];
    return { key: 'change.nodata', text: fill(t(lang, 'change.nodata'), facts), facts: facts.map((f) => ({ ...f, key: `${prefix}.${f.key}` })) };
  }
  const facts = [fact('other', otherLabel, 'text'), fact('count', count, 'int'), fact('before', before, 'int'), fact('p', num(c.pValue), 'p')];
  const sig = c.significant ? 'sig' : 'ns';
  let key: string;
  if (c.rateRatio === null) key = count === 0 ? 'change.none' : `change.fromnone.${sig}`;
  else if (c.direction === 'unchanged') key = 'change.flat';
  else { key = `change.${c.direction === 'up' ? 'up' : 'down'}.${sig}`; facts.push(fact('ratio', c.rateRatio, 'ratio')); }
  const used = facts.filter((f) => t(lang, key).includes(`{${f.key}}`));
  return { key, text: fill(t(lang, key), used), facts: used.map((f) => ({ ...f, key: `${prefix}.${f.key}` })) };
}

function insufficient(e: unknown): string | undefined {
  if (e instanceof InsufficientDataError) return e.message;
  if (e instanceof BaseeratError && e.code === 'INSUFFICIENT_DATA') return e.message;
  return undefined;
}

export function exampleRuleSet(): RuleSet {
  const z = parseWatchZones(EXAMPLE_WATCH_ZONES);
  if (!z.ok) throw new BaseeratError('CONFIG', `example watch zones do not parse: ${JSON.stringify(z.error)}`, { field: 'zones' });
  const rs = parseRuleSet(EXAMPLE_RULES, z.value.zones);
  if (!rs.ok) throw new BaseeratError('CONFIG', `example rules do not parse: ${JSON.stringify(rs.error)}`, { field: 'rules' });
  return rs.value;
}

/**
 * The alerts the rule set opens in [from, to): the engine's replay (monitor/rules/replay.ts) run
 * only over the incidents from the longest suppression window before `from` onward, each seeing
 * the `historyDays` before it. Alerts opened in the period are the same as a replay of the whole
 * history gives (earlier alerts matter only through suppression, which the warm-up covers), at a
 * fraction of the cost.
 */
export function replayPeriod(incidents: readonly MonitorIncident[], ruleSet: RuleSet, from: number, to: number, historyDays: number): Alert[] {
  const time = (x: MonitorIncident) => Date.parse(x.occurredAt);
  const sorted = incidents.map((x) => ({ x, t: time(x) })).sort((a, b) => a.t - b.t || (a.x.id < b.x.id ? -1 : a.x.id > b.x.id ? 1 : 0));
  const warmupMs = Math.max(360, ...ruleSet.rules.map((r) => r.suppressionMinutes ?? 0)) * 60_000;
  const keepMs = historyDays * DAY_MS;
  let book = emptyAlertBook();
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    const { x, t: tm } = sorted[i]!;
    if (tm < from - warmupMs) continue;
    if (tm >= to) break;
    while (start < i && tm - sorted[start]!.t > keepMs) start++;
    const history = sorted.slice(start, i).map((e) => e.x);
    for (const c of evaluateIncident(x, history, ruleSet)) book = intakeCandidate(book, c, x.occurredAt).book;
  }
  return book.alerts.filter((a) => { const tm = Date.parse(a.openedAt); return tm >= from && tm < to; })
    .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1));
}

/** What a report reads and shows: the resolved scope and windows (exported for tests). */
export interface ReportScope {
  period: ReportPeriod;
  province: string;
  district: string | null;
  filter: AnalysisFilter;
  storeFilter: IncidentFilter;
}

export function reportScope(geography: Geography, o: Pick<BuildReportOptions, 'template' | 'period' | 'province' | 'district' | 'maxClassification'>): ReportScope {
  const kind: ReportPeriodKind = o.template === 'weekly' ? 'week' : o.template === 'monthly' ? 'month' : /W/i.test(o.period) ? 'week' : 'month';
  const period = parseReportPeriod(o.period, kind);
  const province = geography.resolveProvince(o.province ?? 'Balochistan');
  if (province === undefined) throw new BaseeratError('VALIDATION', `province ${JSON.stringify(o.province)} is not a province of Pakistan`, { field: 'province' });
  let district: string | null = null;
  if (o.district !== undefined) {
    const m = geography.resolveDistrict(o.district, province);
    if (m === undefined) throw new BaseeratError('VALIDATION', `district ${JSON.stringify(o.district)} is not a district of ${province}`, { field: 'district' });
    district = m.district;
  }
  const filter: AnalysisFilter = {
    province, ...(district === null ? {} : { districts: [district] }),
    ...(o.maxClassification === undefined ? {} : { maxClassification: o.maxClassification }),
  };
  const storeFilter: IncidentFilter = {
    provinces: [province], ...(district === null ? {} : { districts: [district] }),
    ...(o.maxClassification === undefined ? {} : { maxClassification: o.maxClassification }),
  };
  return { period, province, district, filter, storeFilter };
}

const within = (f: AnalysisFilter, from: number, to: number): AnalysisFilter => ({ ...f, from: ISO(from), to: ISO(to) });

export async function buildReport(ctx: AnalysisContext, o: BuildReportOptions): Promise<ReportModel> {
  const lang = o.lang ?? 'en';
  const scope = reportScope(ctx.geography, o);
  const { period, province, district } = scope;
  const b: Builder = { lang, methods: [], classifications: [] };
  const wanted = new Set<SectionId>(o.template === 'custom' ? ['summary', ...(o.sections ?? SECTION_IDS), 'methods'] : SECTION_IDS);
  const scopeName = district ?? `${province} ${t(lang, 'province')}`;
  const periodLabel = periodName(lang, period.label);

  // One read of everything any section looks at: 36 months before the period end (trend series)
  // and the alert rules' history. Its districts and classification are the report's label.
  const ruleSet = exampleRuleSet();
  const historyDays = historyDaysNeeded(ruleSet);
  const seriesFrom = calendarUnitStart(period.to - 1, 'month', -35);
  const readFrom = Math.min(seriesFrom, period.from - historyDays * DAY_MS, period.from - 366 * DAY_MS);
  const cols = await ctx.store.readColumns({ ...scope.storeFilter, from: ISO(readFrom), to: ISO(period.to) });
  b.classifications.push(classificationOf(cols));
  const labelDistricts = new Set<string>();
  for (let i = 0; i < cols.length; i++) { const d = cols.district[i]!; if (d >= 0) labelDistricts.add(cols.districtNames[d]!); }
  if (district !== null) labelDistricts.add(district);
  for (let i = 0; i < cols.length; i++) if (cols.district[i]! < 0) { labelDistricts.add(UNKNOWN_DISTRICT); break; }
  let earliest = Infinity;
  for (let i = 0; i < cols.length; i++) { const tm = cols.time[i]!; if (tm < earliest) earliest = tm; }

  // --- trends (the summary's comparison, by group, by district, monthly series) ---
  const trends = await trendsService(ctx, { filter: within(scope.filter, period.from, period.to), seriesMonths: 36 });
  b.classifications.push(trends.classification);
  b.methods.push({ section: 'trends', source: 'trendsService: exact conditional Poisson rate test (previous period, same period last year), per district with Benjamini-Hochberg; Mann-Kendall with Sen slope on 36 monthly counts', caveats: trends.caveats.map((c) => c.message) });
  const byGroup: { group: string; env: TrendsEnvelope }[] = [];
  for (const g of CATEGORY_GROUPS) byGroup.push({ group: g, env: await trendsService(ctx, { filter: { ...within(scope.filter, period.from, period.to), groups: [g] }, seriesMonths: 12 }) });

  const agg = await aggregateService(ctx, { filter: within(scope.filter, period.from, period.to), period: 'none' });
  b.classifications.push(agg.classification);
  const totals = { killed: 0, injured: 0 };
  for (const d of agg.annotations.districtTotals) { totals.killed += num(d.killed); totals.injured += num(d.injured); }
  // incidents without a district are in the aggregate's rows but not in districtTotals
  let killedAll = 0, injuredAll = 0;
  for (const r of agg.result.rows) { killedAll += num(r.killed); injuredAll += num(r.injured); }

  const cmp = trends.result.comparison;
  const areas = trends.result.byDistrict.areas;
  const sigAreas = areas.filter((a) => a.significantAfterAdjustment);

  // --- alerts: replay of the example rule set over the history, alerts opened in the period ---
  let alertsSection: ReportSection | undefined;
  const alertFacts = { alerts: 0, critical: 0 };
  if (wanted.has('alerts') || wanted.has('summary')) {
    const targetTypes = new Map<string, string>();
    for (let offset = 0; ; offset += 2000) {
      const page = await ctx.store.listIncidents({ ...scope.storeFilter, from: ISO(period.from), to: ISO(period.to) }, { offset, limit: 2000 });
      for (const inc of page.items) if (inc.targetType !== undefined) targetTypes.set(inc.id, inc.targetType);
      if (offset + 2000 >= page.total) break;
    }
    const incidents: MonitorIncident[] = [];
    const replayFrom = period.from - historyDays * DAY_MS;
    for (let i = 0; i < cols.length; i++) {
      const tm = cols.time[i]!;
      if (!(tm >= replayFrom && tm < period.to)) continue;
      const d = cols.district[i]!;
      const lat = cols.lat[i]!, lon = cols.lon[i]!;
      const tt = targetTypes.get(cols.id[i]!);
      incidents.push({
        id: cols.id[i]!, occurredAt: ISO(tm), category: CATEGORY_CODES[cols.category[i]!]!,
        location: { ...(Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : {}), ...(d >= 0 ? { district: cols.districtNames[d]! } : {}) },
        severity: { killed: cols.killed[i]!, injured: cols.injured[i]!, abducted: cols.abducted[i]! },
        ...(tt === undefined ? {} : { targetType: tt }),
      });
    }
    const inPeriod = replayPeriod(incidents, ruleSet, period.from, period.to, historyDays);
    alertFacts.alerts = inPeriod.length;
    alertFacts.critical = inPeriod.filter((a) => a.severity === 'critical').length;
    const s = emptySection(lang, 'alerts');
    s.paragraphs.push(para(lang, 'alerts.text', [fact('history', historyDays, 'int'), fact('alerts', inPeriod.length, 'int')]));
    const byRule = new Map<string, number>();
    for (const a of inPeriod) byRule.set(a.ruleId, (byRule.get(a.ruleId) ?? 0) + 1);
    s.tables.push(kvTable(lang, 'replay', 'Alerts', [[label(lang, 'History (days)'), historyDays, 'int'], [label(lang, 'Alerts opened'), inPeriod.length, 'int'], [label(lang, 'Critical alerts'), alertFacts.critical, 'int']]));
    s.tables.push(table(lang, 'alerts-by-rule', 'Alerts by rule', [['rule', 'Rule', 'text'], ['n', 'Incidents', 'int']],
      ruleSet.rules.map((r) => [r.id, byRule.get(r.id) ?? 0])));
    s.tables.push(table(lang, 'alerts', 'Alerts', [['opened', 'Opened', 'text'], ['rule', 'Rule', 'text'], ['severity', 'Severity', 'text'], ['district', 'District', 'text'], ['why', 'Explanation', 'text']],
      inPeriod.slice(0, 40).map((a) => [new Date(Date.parse(a.openedAt) + 5 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') + ' PKT', a.ruleId, a.severity, a.district === '' ? '–' : a.district, a.explanation.text]),
      inPeriod.length > 40 ? `first 40 of ${inPeriod.length}` : undefined));
    b.methods.push({ section: 'alerts', source: `replay of the example rule set (engine evaluateIncident and intakeCandidate, as replayAlerts, with a suppression warm-up) (${ruleSet.rules.map((r) => r.id).join(', ')}) over the store's incidents`, caveats: [
      `${incidents.filter((x) => x.location.lat === undefined).length} incidents without coordinates were skipped by zone and near-repeat rules`,
      ...(targetTypes.size === 0 ? ['no incident of the period has a target type: the attack-on-civilians rule cannot fire'] : []),
    ] });
    alertsSection = s;
  }

  // --- forecast (province editions only, without a clearance ceiling) ---
  let outlook: ReportSection | undefined;
  const fc = { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, ok: false };
  if (wanted.has('outlook')) {
    outlook = emptySection(lang, 'outlook');
    if (district !== null) outlook.unavailable = `The count model is fitted on all districts of ${province}; it is shown in the province edition only, so that this edition carries no other district's data.`;
    else if (o.maxClassification !== undefined && o.maxClassification !== 'SECRET') outlook.unavailable = `The count forecast service reads incidents of every classification; it is not included in a report limited to ${o.maxClassification}.`;
    else {
      try {
        const origin = period.kind === 'month' ? period.nextLabel : localIsoDate(period.nextFrom);
        const f = await runCountForecast({ db: ctx.store, province, period: period.kind, origin, horizon: 1, backtestOrigins: 0 });
        const h = f.horizons[0]!;
        const rows = [...h.districts].sort((x, y) => y.mean - x.mean || (x.district < y.district ? -1 : 1));
              fc.mean = rows.reduce((s2, r) => s2 + r.mean, 0); fc.ok = true;
        const total = provinceTotalInterval(rows.map((r) => r.probabilities));
        fc.lo = total.lower; fc.hi = total.upper;
        const hist = await ctx.store.readColumns({ provinces: [province], to: ISO(period.nextFrom) });
        b.classifications.push(classificationOf(hist));
        for (const r of rows) labelDistricts.add(r.district);
        outlook.paragraphs.push(para(lang, 'outlook.text', [fact('next', periodName(lang, period.nextLabel), 'text'), fact('districts', rows.length, 'int'), fact('province', province, 'text'), fact('mean', fc.mean, 'decimal')]));
        outlook.tables.push(kvTable(lang, 'forecast-summary', 'Forecast', [[label(lang, 'Districts'), rows.length, 'int'], [`${label(lang, 'Expected count')}: ${label(lang, 'total')}`, fc.mean, 'decimal'], [`${label(lang, '90% interval')}: ${label(lang, 'lower')}`, fc.lo, 'int'], [`${label(lang, '90% interval')}: ${label(lang, 'upper')}`, fc.hi, 'int']]));
        outlook.tables.push(table(lang, 'forecast', 'Forecast', [['district', 'District', 'text'], ['last', 'Last observed', 'int'], ['mean', 'Expected count', 'decimal'], ['i50', '50% interval', 'text'], ['i90', '90% interval', 'text']],
          [...rows.map((r) => [r.district, r.lastObserved, r.mean, `${r.interval50[0]}–${r.interval50[1]}`, `${r.interval90[0]}–${r.interval90[1]}`]), [label(lang, 'total'), null, fc.mean, null, `${fc.lo}–${fc.hi}`]],
          `${period.nextLabel}: model ${f.model}; ${f.modelCard.description} Province total: the district distributions convolved as if independent (plug-in).`));
        const top = rows.slice(0, 12);
        outlook.charts.push({ id: 'forecast-chart', title: label(lang, 'Expected count'), kind: 'bar', categories: top.map((r) => r.district), series: [{ name: label(lang, 'Expected count'), values: top.map((r) => r.mean) }], intervals: { lower: top.map((r) => r.interval90[0]), upper: top.map((r) => r.interval90[1]) } });
        b.methods.push({ section: 'outlook', source: `runCountForecast (server/forecast/counts-service.ts), model ${f.model}, origin ${f.origin}, horizon 1; risk ranking by expected count (the risk index service is not used yet)`, caveats: [...f.caveats.map((c) => c.message), ...f.modelCard.knownLimits] });
      } catch (e) {
        const why = insufficient(e);
        if (why === undefined) throw e;
        outlook.unavailable = why;
      }
    }
  }

  const sections: ReportSection[] = [];
  // --- executive summary ---
  {
    const s = emptySection(lang, 'summary');
    s.paragraphs.push(para(lang, 'summary.counts', [fact('period', periodLabel, 'text'), fact('scope', scopeName, 'text'), fact('count', num(cmp.previous.current.count), 'int'), fact('killed', killedAll, 'int'), fact('injured', injuredAll, 'int')]));
    s.paragraphs.push(changeParagraph(lang, cmp.previous, periodName(lang, period.previousLabel), 'previous', earliest));
    s.paragraphs.push(changeParagraph(lang, cmp.lastYear, periodName(lang, period.lastYearLabel), 'lastYear', earliest));
    if (areas.length > 1) s.paragraphs.push(para(lang, 'summary.districts', [fact('sig', sigAreas.length, 'int'), fact('n', areas.length, 'int')]));
    if (wanted.has('alerts')) s.paragraphs.push(para(lang, 'summary.alerts', [fact('alerts', alertFacts.alerts, 'int'), fact('critical', alertFacts.critical, 'int')]));
    const prevName = periodName(lang, period.previousLabel), lyName = periodName(lang, period.lastYearLabel);
    const kv: [string, number | string | null, ColumnKind][] = [
      [`${label(lang, 'Incidents')}: ${periodLabel}`, num(cmp.previous.current.count), 'int'],
      [`${label(lang, 'Incidents')}: ${prevName}`, num(cmp.previous.baseline.count), 'int'],
      [`${label(lang, 'Rate ratio')}: ${prevName}`, cmp.previous.rateRatio, 'ratio'],
      [`${label(lang, 'p-value')}: ${prevName}`, num(cmp.previous.pValue), 'p'],
      [`${label(lang, 'Incidents')}: ${lyName}`, num(cmp.lastYear.baseline.count), 'int'],
      [`${label(lang, 'Rate ratio')}: ${lyName}`, cmp.lastYear.rateRatio, 'ratio'],
      [`${label(lang, 'p-value')}: ${lyName}`, num(cmp.lastYear.pValue), 'p'],
      [label(lang, 'Killed'), killedAll, 'int'],
      [label(lang, 'Injured'), injuredAll, 'int'],
    ];
    if (areas.length > 1) kv.push([label(lang, 'Districts compared'), areas.length, 'int'], [label(lang, 'Districts with a significant change (adjusted)'), sigAreas.length, 'int']);
    if (wanted.has('alerts')) kv.push([label(lang, 'Alerts opened'), alertFacts.alerts, 'int'], [label(lang, 'Critical alerts'), alertFacts.critical, 'int']);
    if (fc.ok) {
      const next = periodName(lang, period.nextLabel);
      s.paragraphs.push(para(lang, 'summary.forecast', [fact('mean', fc.mean, 'decimal'), fact('next', next, 'text'), fact('lo', fc.lo, 'int'), fact('hi', fc.hi, 'int')]));
      kv.push([`${label(lang, 'Expected count')}: ${next}`, fc.mean, 'decimal'], [`${label(lang, '90% interval')}: ${label(lang, 'lower')}`, fc.lo, 'int'], [`${label(lang, '90% interval')}: ${label(lang, 'upper')}`, fc.hi, 'int']);
    }
    s.tables.push(kvTable(lang, 'key-figures', 'Key figures', kv));
    sections.push(s);
  }

  // --- key developments ---
  if (wanted.has('developments')) sections.push(emptySection(lang, 'developments'));

  // --- trends ---
  const seriesChart: ChartSpec = {
    id: 'series', title: fill(t(lang, 'trends.series'), [fact('months', trends.result.series.keys.length, 'int')]), kind: 'line',
    categories: trends.result.series.keys, series: [{ name: label(lang, 'Incidents'), values: trends.result.series.counts.map((v) => v) }],
  };
  if (wanted.has('trends')) {
    const s = emptySection(lang, 'trends');
    s.paragraphs.push({ text: t(lang, 'trends.group'), facts: [] });
    s.tables.push(table(lang, 'by-group', 'By category group', [['g', 'Category group', 'text'], ['cur', 'This period', 'int'], ['prev', 'Previous period', 'int'], ['ch', 'Change', 'percent'], ['p', 'p-value', 'p'], ['sig', 'Significant', 'text']],
      byGroup.map(({ group, env }) => { const c = env.result.comparison.previous; return [group.replace('_', ' '), num(c.current.count), num(c.baseline.count), c.percentChange, num(c.pValue), yesNo(lang, c.significant)]; })));
    const pop = new Map(agg.annotations.districtTotals.map((d) => [d.district, d]));
    s.tables.push(table(lang, 'by-district', 'By district', [['d', 'District', 'text'], ['cur', 'This period', 'int'], ['prev', 'Previous period', 'int'], ['rr', 'Rate ratio', 'ratio'], ['p', 'p-value', 'p'], ['padj', 'Adjusted p', 'p'], ['sig', 'Significant', 'text'], ['k', 'Killed', 'int'], ['r', 'Per 100,000', 'decimal']],
      [...areas].sort((x, y) => num(y.current.count) - num(x.current.count) || (x.area < y.area ? -1 : 1)).map((a) => [
        a.area, num(a.current.count), num(a.baseline.count), a.rateRatio, num(a.pValue), num(a.pAdjusted), yesNo(lang, a.significantAfterAdjustment), pop.get(a.area)?.killed ?? 0, pop.get(a.area)?.countPer100k ?? null,
      ]), 'Per 100,000: incidents in the period per 100,000 residents (census 2023).'));
    if (Number.isFinite(earliest) && earliest > seriesFrom + 31 * DAY_MS) s.paragraphs.push(para(lang, 'trends.coverage', [fact('first', localIsoDate(earliest), 'text')]));
    s.charts.push(seriesChart);
    s.tables.push({ ...table(lang, 'series', 'Monthly incidents', [['m', 'Month', 'text'], ['n', 'Incidents', 'int']], trends.result.series.keys.map((k, i) => [k, num(trends.result.series.counts[i])])), annexOnly: true });
    const tr = trends.result.trend;
    if (tr !== null) {
      s.paragraphs.push(para(lang, 'trends.mk', [fact('months', num(tr.n), 'int'), fact('p', num(tr.pValue), 'p'), fact('slope', num(tr.slope), 'decimal')]));
      s.tables.push(kvTable(lang, 'mann-kendall', 'Mann-Kendall', [[label(lang, 'Months analysed'), num(tr.n), 'int'], [label(lang, 'p-value'), num(tr.pValue), 'p'], ['Sen slope', num(tr.slope), 'decimal'], ['direction', tr.direction, 'text']]));
    }
    sections.push(s);
  }

  // --- maps: choropleth, hot spots, emerging hot spots ---
  const devParas: Paragraph[] = [];
  const provinceDistricts = district !== null ? [district] : ctx.geography.districtsIn(province).map((d) => d.name);
  if (wanted.has('maps')) {
    const s = emptySection(lang, 'maps');
    const values: Record<string, number> = {};
    for (const d of provinceDistricts) values[d] = 0;
    for (const d of agg.annotations.districtTotals) values[d.district] = num(d.count);
    s.maps.push({ id: 'choropleth', title: t(lang, 'maps.choropleth'), kind: 'choropleth', districts: provinceDistricts, values, legend: label(lang, 'Incidents') });
    const points: NonNullable<MapSpec['points']> = [];
    const hotFrom = period.kind === 'month' ? period.from : period.to - 28 * DAY_MS;
    try {
      const hot = await hotspotsService(ctx, { filter: within(scope.filter, hotFrom, period.to), resolution: 5 });
      b.classifications.push(hot.classification);
      const cells = hot.result.cells;
      const inScope = (d: string | null | undefined) => district === null || d === district;
      const scopedCells = cells.filter((c) => inScope(hot.annotations.districtOfCell[c.id]));
      const nHot = scopedCells.filter((c) => num(c.giBinFdr) > 0).length, nCold = scopedCells.filter((c) => num(c.giBinFdr) < 0).length;
      s.paragraphs.push(para(lang, 'maps.hotcount', [fact('hot', nHot, 'int'), fact('cold', nCold, 'int')]));
      // A district edition keeps only cells whose centre lies in the district: k-ring neighbours
      // outside it hold none of its incidents and would name another district.
      const topHot = hot.annotations.topHot.filter((c) => inScope(c.district)).slice(0, 10);
      s.tables.push(kvTable(lang, 'hot-summary', 'Hot spot summary', [[label(lang, 'Hot cells'), nHot, 'int'], [label(lang, 'Cold cells'), nCold, 'int']]));
      if (topHot.length > 0) s.tables.push(table(lang, 'hot-cells', 'Hot spots', [['id', 'Cell', 'text'], ['d', 'District', 'text'], ['n', 'Incidents', 'int'], ['nb', 'Neighbourhood', 'int'], ['z', 'Gi* z', 'decimal'], ['p', 'Adjusted p', 'p']],
        topHot.map((c) => [c.id, c.district ?? '–', num(c.count), num(c.neighbourhoodCount), num(c.giZ), num(c.giPFdr)]),
        'Gi* z on H3 resolution-5 cells (about 15 km across) with their ring of neighbours; Neighbourhood: incidents in the cell and its neighbours.'));
      for (const c of hot.annotations.topHot.filter((x) => inScope(x.district))) points.push({ id: c.id, lat: num(c.lat), lon: num(c.lon), cls: 'hot', label: c.district ?? '' });
      for (const c of hot.annotations.topCold.filter((x) => inScope(x.district))) points.push({ id: c.id, lat: num(c.lat), lon: num(c.lon), cls: 'cold', label: c.district ?? '' });
      const first = topHot[0];
      if (first !== undefined) devParas.push(para(lang, 'dev.hot', [fact('district', first.district ?? '–', 'text'), fact('count', num(first.count), 'int'), fact('z', num(first.giZ), 'decimal')], true));
      b.methods.push({ section: 'maps', source: `hotspotsService: Getis-Ord Gi* with FDR on H3 resolution 5, window ${localIsoDate(hotFrom)} to ${localIsoDate(period.to - 1)}`, caveats: hot.caveats.map((c) => c.message) });
    } catch (e) {
      const why = insufficient(e); if (why === undefined) throw e;
      b.methods.push({ section: 'maps', source: 'hotspotsService', caveats: [`no hot spot analysis: ${why}`] });
    }
    try {
      const emFrom = calendarUnitStart(period.kind === 'month' ? period.from : calendarUnitStart(period.to, 'month') - 1, 'month', -11);
      const emTo = period.kind === 'month' ? period.to : calendarUnitStart(period.to, 'month');
      const em = await emergingHotspotsService(ctx, { filter: within(scope.filter, emFrom, emTo), period: 'month', resolution: 5 });
      b.classifications.push(em.classification);
      const byCat: Record<string, number> = {};
      for (const c of em.result.cells) if (district === null || em.annotations.districtOfCell[c.id] === district) byCat[c.category] = (byCat[c.category] ?? 0) + 1;
      const newHot = num(byCat['new hot spot'] ?? 0), intens = num(byCat['intensifying hot spot'] ?? 0);
      const rows: [string, number | string | null, ColumnKind][] = [['new hot spot', newHot, 'int'], ['intensifying hot spot', intens, 'int']];
      for (const [k, n] of Object.entries(byCat)) if (num(n) > 0 && k !== 'new hot spot' && k !== 'intensifying hot spot') rows.push([k, num(n), 'int']);
      rows.push([label(lang, 'Months analysed'), em.annotations.steps.length, 'int']);
      s.tables.push(kvTable(lang, 'emerging', 'Emerging hot spots', rows,
        `Cells by category: space-time Gi* with a Mann-Kendall trend per cell, monthly steps ${em.annotations.steps[0] ?? ''} to ${em.annotations.steps[em.annotations.steps.length - 1] ?? ''}.`));
      devParas.push(para(lang, 'dev.emerging', [fact('new', newHot, 'int'), fact('intensifying', intens, 'int'), fact('steps', em.annotations.steps.length, 'int')], true));
      for (const c of em.result.cells) {
        const cellDistrict = em.annotations.districtOfCell[c.id] ?? null;
        if (district !== null && cellDistrict !== district) continue;
        if (c.category === 'new hot spot' || c.category === 'intensifying hot spot' || c.category === 'persistent hot spot' || c.category === 'consecutive hot spot') {
          const [lat, lon] = cellToLatLng(c.id);
          points.push({ id: `em:${c.id}`, lat, lon, cls: c.category.split(' ')[0]!, label: em.annotations.districtOfCell[c.id] ?? '' });
        }
      }
      b.methods.push({ section: 'maps', source: `emergingHotspotsService: monthly space-time cube, ${em.annotations.window.from.slice(0, 10)} to ${em.annotations.window.to.slice(0, 10)}`, caveats: em.caveats.map((c) => c.message) });
    } catch (e) {
      const why = insufficient(e); if (why === undefined) throw e;
      b.methods.push({ section: 'maps', source: 'emergingHotspotsService', caveats: [`no emerging hot spot analysis: ${why}`] });
    }
    s.maps.push({ id: 'cells', title: t(lang, 'maps.cells'), kind: 'cells', districts: provinceDistricts, points, legend: 'hot / cold / new / intensifying / persistent / consecutive' });
    sections.push(s);
  }

  // --- near repeat ---
  if (wanted.has('near-repeat')) {
    const s = emptySection(lang, 'near-repeat');
    const nrFrom = calendarUnitStart(period.to - 1, 'month', -11);
    try {
      const perms = o.nearRepeatPermutations ?? 199;
      const nr = await nearRepeatService(ctx, { filter: within(scope.filter, nrFrom, period.to), permutations: perms, seed: 1 });
      b.classifications.push(nr.classification);
      const r = nr.result;
      const nSig = r.significantBands.length;
      s.paragraphs.push(para(lang, 'nr.text', [fact('months', 12, 'int'), fact('events', num(r.events), 'int'), fact('perms', perms, 'int'), fact('bands', nSig, 'int')]));
      const rows: (number | string | null)[][] = [];
      r.spaceLabels.forEach((sl, i) => r.timeLabels.forEach((tl, j) => rows.push([sl, tl, num(r.observed[i]?.[j]), num(r.expected[i]?.[j]), r.ratio[i]?.[j] ?? null, num(r.pAdjusted[i]?.[j])])));
      s.tables.push(kvTable(lang, 'knox-summary', 'Knox summary', [
        [label(lang, 'Months analysed'), 12, 'int'], [label(lang, 'Exactly located incidents'), num(r.events), 'int'], [label(lang, 'Permutations'), perms, 'int'],
        [label(lang, 'Significant bands'), nSig, 'int'], ...r.significantBands.map((sb): [string, string, ColumnKind] => ['', sb, 'text']),
      ]));
      const strong = rows.filter((r) => (r[2] as number) > 0 && typeof r[4] === 'number' && r[4] > 1);
      s.tables.push(table(lang, 'knox-excess', 'Near repeat', [['s', 'Distance', 'text'], ['t', 'Time', 'text'], ['o', 'Observed', 'int'], ['e', 'Expected', 'decimal'], ['r', 'Ratio', 'ratio'], ['p', 'Adjusted p', 'p']], strong,
        'Bands with more pairs than expected (ratio above 1); the full table is in the XLSX annex.'));
      s.tables.push({ ...table(lang, 'knox', 'Near repeat', [['s', 'Distance', 'text'], ['t', 'Time', 'text'], ['o', 'Observed', 'int'], ['e', 'Expected', 'decimal'], ['r', 'Ratio', 'ratio'], ['p', 'Adjusted p', 'p']], rows,
        'Pairs of incidents by distance and time apart: observed, expected under no space-time interaction (mean over permutations), their ratio and the Benjamini-Hochberg adjusted p.'), annexOnly: true });
      if (nSig > 0) devParas.push(para(lang, 'dev.nearrepeat', [fact('bands', nSig, 'int')], true));
      b.methods.push({ section: 'near-repeat', source: `nearRepeatService: Knox test, ${perms} seeded permutations, BH across bands, exactly located incidents, ${localIsoDate(nrFrom)} to ${localIsoDate(period.to - 1)}`, caveats: nr.caveats.map((c) => c.message) });
    } catch (e) {
      const why = insufficient(e); if (why === undefined) throw e;
      s.unavailable = why;
    }
    sections.push(s);
  }

  if (alertsSection !== undefined && wanted.has('alerts')) sections.push(alertsSection);
  if (alertFacts.critical > 0) devParas.push(para(lang, 'dev.critical', [fact('critical', alertFacts.critical, 'int')], true));

  if (outlook !== undefined) {
    sections.push(outlook);
  }

  // --- recommended deployment ---
  if (wanted.has('deployment')) {
    const s = emptySection(lang, 'deployment');
    const units = o.deploymentUnits ?? 5, radius = o.deploymentRadiusKm ?? 10;
    const demand: DemandPoint[] = [];
    const siteCount = new Map<string, number>();
    for (let i = 0; i < cols.length; i++) {
      const tm = cols.time[i]!, lat = cols.lat[i]!, lon = cols.lon[i]!;
      if (!(tm >= period.to - 90 * DAY_MS && tm < period.to) || !Number.isFinite(lat) || !Number.isFinite(lon) || cols.locationPrecision[i]! > 1) continue;
      demand.push({ lat, lon, weight: 1 + cols.killed[i]! });
      const c = latLngToCell(lat, lon, 6);
      siteCount.set(c, (siteCount.get(c) ?? 0) + 1);
    }
    const sites: CandidateSite[] = [...siteCount.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 80).map(([id]) => {
      const [lat, lon] = cellToLatLng(id);
      const d = ctx.geography.locate(lat, lon);
      // in a district edition a site whose centre falls across the boundary is named by the edition's district
      const name = district !== null ? district : d?.district;
      return { id, lat, lon, ...(name === undefined ? {} : { district: name }) };
    });
    if (demand.length === 0 || sites.length === 0) s.unavailable = 'no exactly located incident in the last 90 days';
    else {
      const plan = greedyMaximalCoverage({ matrix: buildCoverageMatrix(sites, demand, radius), sites, units: Math.min(units, sites.length) });
      s.paragraphs.push(para(lang, 'deploy.text', [fact('units', plan.sites.length, 'int'), fact('radius', radius, 'int'), fact('share', 100 * plan.coveredShare, 'share')]));
      s.tables.push(kvTable(lang, 'deployment-summary', 'Deployment summary', [[label(lang, 'Units'), plan.sites.length, 'int'], [label(lang, 'Radius (km)'), radius, 'int'], [label(lang, 'Share of demand covered'), 100 * plan.coveredShare, 'share']]));
      s.tables.push(table(lang, 'deployment', 'Recommended deployment', [['site', 'Site', 'text'], ['d', 'District', 'text'], ['lat', 'Latitude', 'text'], ['lon', 'Longitude', 'text'], ['g', 'Added coverage', 'decimal']],
        plan.steps.map((st) => { const site = sites[st.siteIndex]!; return [st.siteId, site.district ?? '–', site.lat.toFixed(3), site.lon.toFixed(3), st.marginalGain]; }),
        `Demand: exactly located incidents of the last 90 days, weighted 1 + killed; candidate sites: centres of the 80 busiest H3 resolution-6 cells (about 3.7 km across). Added coverage: demand weight first covered by the site.`));
      b.methods.push({ section: 'deployment', source: 'engine greedyMaximalCoverage (risk/maximal-coverage-greedy.ts) on incident demand: an illustration of the allocation engine, not the risk-index planner (POST /api/allocation) which supersedes it when configured', caveats: plan.caveats.map((c) => c.message) });
    }
    sections.push(s);
  }

  if (wanted.has('evaluation')) {
    const s = emptySection(lang, 'evaluation');
    s.unavailable = t(lang, 'eval.none');
    sections.push(s);
  }

  // --- data quality and coverage ---
  if (wanted.has('data-quality')) {
    const s = emptySection(lang, 'data-quality');
    const cur = await ctx.store.stats({ ...scope.storeFilter, from: ISO(period.from), to: ISO(period.to) });
    const before = await ctx.store.stats({ ...scope.storeFilter, from: ISO(period.from - 90 * DAY_MS), to: ISO(period.from) });
    const delays = new Map<string, number[]>();
    for (let offset = 0; ; offset += 2000) {
      const page = await ctx.store.listIncidents({ ...scope.storeFilter, from: ISO(period.from), to: ISO(period.to) }, { offset, limit: 2000 });
      for (const inc of page.items) for (const src of inc.sources) {
        const d = (Date.parse(src.receivedAt) - Date.parse(inc.occurredAt)) / DAY_MS;
        if (Number.isFinite(d)) { const l = delays.get(src.agency) ?? []; l.push(d); delays.set(src.agency, l); }
      }
      if (offset + 2000 >= page.total) break;
    }
    const runs = district === null ? await ctx.store.listRuns() : [];
    const quarantinedBy = new Map<string, number>();
    for (const r of runs) quarantinedBy.set(r.agency, (quarantinedBy.get(r.agency) ?? 0) + r.quarantined);
    const agencies = [...new Set([...Object.keys(cur.byAgency), ...Object.keys(before.byAgency)])].sort();
    const median = (xs: number[]): number => { const v = [...xs].sort((x, y) => x - y); const m = v.length >> 1; return v.length === 0 ? Number.NaN : v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2; };
    const reported = agencies.filter((a) => (cur.byAgency[a] ?? 0) > 0);
    const silent = agencies.filter((a) => (cur.byAgency[a] ?? 0) === 0 && (before.byAgency[a] ?? 0) > 0);
    let corroborated = 0, noDistrict = 0, coarse = 0;
    for (let i = 0; i < cols.length; i++) {
      const tm = cols.time[i]!;
      if (!(tm >= period.from && tm < period.to)) continue;
      if (cols.sourceCount[i]! >= 2) corroborated++;
      if (cols.district[i]! < 0) noDistrict++;
      if (cols.timePrecision[i]! > 1) coarse++;
    }
    s.paragraphs.push(para(lang, 'dq.text', [fact('agencies', reported.length, 'int'), fact('silent', silent.length, 'int'), fact('corroborated', corroborated, 'int')]));
    const quarantined = [...quarantinedBy.values()].reduce((x, y) => x + y, 0);
    if (district === null) s.paragraphs.push(para(lang, 'dq.quarantine', [fact('quarantined', quarantined, 'int')]));
    s.tables.push(table(lang, 'agencies', 'Agencies', [['a', 'Agency', 'text'], ['n', 'Incidents reported', 'int'], ['p', 'Previous period', 'int'], ['d', 'Median delay (days)', 'decimal'], ['late', 'Late (> 7 days)', 'int'], ['q', 'Quarantined', 'int'], ['st', 'Status', 'text']],
      agencies.map((a) => { const d = delays.get(a) ?? []; return [a, cur.byAgency[a] ?? 0, before.byAgency[a] ?? 0, median(d), d.filter((x) => x > 7).length, district === null ? quarantinedBy.get(a) ?? 0 : null, (cur.byAgency[a] ?? 0) > 0 ? 'reported' : 'silent']; }),
      'Previous period here: the 90 days before the period. Quarantine counts cover all ingest runs, not only this period, and are omitted from district editions (quarantined rows have no trusted district).'));
    const cov: [string, number, ColumnKind][] = [[label(lang, 'Agencies reporting'), reported.length, 'int'], [label(lang, 'Silent agencies'), silent.length, 'int'], [label(lang, 'Corroborated (2+ sources)'), corroborated, 'int'], [label(lang, 'No district'), noDistrict, 'int'], [label(lang, 'Dated to month or year only'), coarse, 'int']];
    if (district === null) cov.push([label(lang, 'Quarantined rows (all runs)'), quarantined, 'int']);
    s.tables.push(kvTable(lang, 'coverage', 'Coverage', cov));
    b.methods.push({ section: 'data-quality', source: 'store.stats by agency (period and the 90 days before), source receivedAt minus occurredAt, store ingest runs (quarantine)', caveats: [] });
    sections.push(s);
  }

  // --- key developments (filled last: it draws on the other sections) ---
  const dev = sections.find((s) => s.id === 'developments');
  if (dev !== undefined) {
    const areaFacts = (a: (typeof areas)[number]) => [fact('district', a.area, 'text'), fact('before', num(a.baseline.count), 'int'), fact('count', num(a.current.count), 'int'), fact('padj', num(a.pAdjusted), 'p')];
    for (const a of sigAreas.slice(0, 6)) dev.paragraphs.push(para(lang, 'dev.district.sig', [...areaFacts(a), fact('dir', t(lang, a.direction === 'up' ? 'dir.rose' : 'dir.fell'), 'text')], true));
    if (sigAreas.length === 0) {
      const rises = areas.filter((a) => a.direction === 'up').sort((x, y) => (num(y.current.count) - num(y.baseline.count)) - (num(x.current.count) - num(x.baseline.count)) || (x.area < y.area ? -1 : 1));
      const top = rises[0];
      dev.paragraphs.push(top === undefined ? para(lang, 'dev.district.none', [], true) : para(lang, 'dev.district.largest', areaFacts(top), true));
      if (top !== undefined && !wanted.has('trends')) dev.tables.push(table(lang, 'dev-district', 'By district', [['d', 'District', 'text'], ['cur', 'This period', 'int'], ['prev', 'Previous period', 'int'], ['padj', 'Adjusted p', 'p']], [[top.area, num(top.current.count), num(top.baseline.count), num(top.pAdjusted)]]));
    }
    dev.paragraphs.push(...devParas);
  }

  {
    const s = emptySection(lang, 'methods');
    s.paragraphs.push({ text: t(lang, 'methods.text'), facts: [] });
    s.tables.push(table(lang, 'methods', 'Methods notes', [['s', 'Section', 'text'], ['src', 'Source', 'text'], ['c', 'Caveats', 'text']],
      b.methods.map((m) => [sectionTitle(lang, m.section), m.source, m.caveats.length === 0 ? '–' : m.caveats.join(' | ')])));
    sections.push(s);
  }

  const classification = CLASSIFICATION_LEVELS[Math.max(...b.classifications.map((c) => CLASSIFICATION_LEVELS.indexOf(c)))] ?? 'UNCLASSIFIED';
  const title = `${t(lang, `title.${o.template}`)}: ${scopeName}, ${periodLabel}`;
  return {
    schema: REPORT_SCHEMA, template: o.template, lang, title,
    period: { kind: period.kind, label: period.label, from: ISO(period.from), to: ISO(period.to), previousLabel: period.previousLabel, nextLabel: period.nextLabel },
    scope: { province, district },
    classification,
    districts: district !== null ? [district] : [...labelDistricts].sort(),
    generatedAt: o.now.toISOString(), generatedBy: o.generatedBy,
    sections,
    methods: b.methods,
  };
}

/**
 * 90% interval of a sum of independent counts from their probability vectors (P(count = k)),
 * by convolution: the province total of district forecasts.
 */
export function provinceTotalInterval(pmfs: readonly (readonly number[])[]): { lower: number; upper: number } {
  let acc = [1];
  for (const p of pmfs) {
    const out = new Array<number>(acc.length + p.length - 1).fill(0);
    for (let i = 0; i < acc.length; i++) { const a = acc[i]!; if (a === 0) continue; for (let j = 0; j < p.length; j++) out[i + j]! += a * p[j]!; }
    acc = out;
  }
  const total = acc.reduce((x, y) => x + y, 0);
  let c = 0, lower = 0, upper = acc.length - 1;
  let lowerSet = false;
  for (let k = 0; k < acc.length; k++) {
    c += acc[k]! / total;
    if (!lowerSet && c >= 0.05) { lower = k; lowerSet = true; }
    if (c >= 0.95) { upper = k; break; }
  }
  return { lower, upper };
}

/** Every incident id the report read for a district edition's check (tests): ids of the scope's columns. */
export function columnsDistricts(cols: IncidentColumns): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < cols.length; i++) { const d = cols.district[i]!; out.add(d >= 0 ? cols.districtNames[d]! : ''); }
  return out;
}
