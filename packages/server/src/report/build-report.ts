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
import { cellToLatLng } from 'h3-js';
import {
  BaseeratError, CATEGORY_CODES, CATEGORY_GROUPS, CLASSIFICATION_LEVELS, EXAMPLE_RULES, EXAMPLE_WATCH_ZONES,
  describeSpan, emptyAlertBook, evaluateIncident, historyDaysNeeded, InsufficientDataError, intakeCandidate, mergeCaveats, parseRuleSet, parseWatchZones, DAY_MS, RISK_BANDS,
  type Alert, type Caveat, type Classification, type FactorContribution, type Geography, type MonitorIncident, type RiskBand, type RuleSet,
} from '@baseerat/engine';
import {
  aggregateService, calendarUnitStart, classificationOf, emergingHotspotsService, hotspotsService, nearRepeatService, trendsService,
  type AnalysisContext, type AnalysisFilter, type TrendsEnvelope,
} from '../analysis/index.js';
import { runCountForecast } from '../forecast/counts-service.js';
import { allocationService, type AllocationServiceOptions } from '../risk/allocation-service.js';
import { riskService, type RiskServiceOptions } from '../risk/risk-service.js';
import type { TerrainLayer } from '../risk/terrain-layers.js';
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
  /** Units placed by the deployment section (default 5) and their coverage radius in km (default 30). */
  deploymentUnits?: number;
  deploymentRadiusKm?: number;
  /** Terrain layers of the risk index (the server's `serve --risk-layers`, as GET /api/risk uses). */
  riskLayers?: readonly TerrainLayer[];
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
function changeParagraph(lang: ReportLanguage, c: (RateLike & { baseline: { to?: number | null } }) | null, otherLabel: string, prefix: string, earliest: number, span: string): Paragraph {
  // no feed covers the other period (the trends service did not compare it): say so, never "rose from 0"
  if (c === null) {
    const facts = [fact('other', otherLabel, 'text'), fact('span', span, 'text')];
    return { key: 'change.notcovered', text: fill(t(lang, 'change.notcovered'), facts), facts: facts.map((f) => ({ ...f, key: `${prefix}.${f.key}` })) };
  }
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

/** Rows of the risk ranking shown in the PDF; the full ranking goes to the XLSX annex. */
const RISK_TABLE_ROWS = 12;

/**
 * The risk index request of a report: what `GET /api/risk?level=district&period=month&target=count`
 * is given for the same scope (province or district, the reader's classification ceiling) with
 * `to` = the start of the month that holds the report period's end (Pakistan time): a monthly
 * report scores the month after it, a weekly brief the month the week ends in, each from the
 * complete months before. Exported so that tests ask the API the same question.
 */
export function reportRiskOptions(scope: ReportScope, o: Pick<BuildReportOptions, 'riskLayers'>): RiskServiceOptions {
  return {
    filter: { ...scope.filter, to: ISO(calendarUnitStart(scope.period.to, 'month')) },
    level: 'district', period: 'month', target: 'count', top: 500,
    ...(o.riskLayers === undefined ? {} : { layers: o.riskLayers }),
  };
}

/**
 * The allocation request of a report: `POST /api/allocation` with level h3 (resolution 4, cells
 * about 45 km across: on UCDP Balochistan resolution 5 leaves a factor constant and the fit
 * fails), period month, target harm, the report's units and radius (default 5 units, 30 km),
 * unpredictability 0.5 and the default seed, over the same filter as the risk index.
 */
export function reportAllocationOptions(scope: ReportScope, o: Pick<BuildReportOptions, 'riskLayers' | 'deploymentUnits' | 'deploymentRadiusKm'>): AllocationServiceOptions {
  return {
    filter: { ...scope.filter, to: ISO(calendarUnitStart(scope.period.to, 'month')) },
    level: 'h3', resolution: 4, period: 'month', target: 'harm',
    units: o.deploymentUnits ?? 5, radiusKm: o.deploymentRadiusKm ?? 30, unpredictability: 0.5,
    ...(o.riskLayers === undefined ? {} : { layers: o.riskLayers }),
  };
}

/** A factor's contribution as the services return it (JSON-safe: a non-finite number is null). */
type Contribution = Pick<FactorContribution, 'name'> & { contribution: number | null; relativeRisk: number | null };

const bandName = (lang: ReportLanguage, band: RiskBand): string => t(lang, `band.${band}`);

/** A factor in a commander's words: what it is and whether it pushes the district up or down. */
function factorWords(lang: ReportLanguage, f: Contribution): string {
  const dir = num(f.contribution) >= 0 ? 'up' : 'down';
  const key = `factor.${f.name}.${dir}`;
  try { return t(lang, key); } catch { return fill(t(lang, `factor.terrain.${dir}`), [fact('name', f.name.replace(/_/g, ' '), 'text')]); }
}

/** The two factors that move the area most, with their relative risk: "many recent incidents ×2.10; rising trend ×1.25". */
function factorSummary(lang: ReportLanguage, factors: readonly Contribution[]): string {
  const top = [...factors].filter((f) => num(f.contribution) !== 0 && Number.isFinite(num(f.contribution))).sort((x, y) => Math.abs(num(y.contribution)) - Math.abs(num(x.contribution)) || (x.name < y.name ? -1 : 1)).slice(0, 2);
  return top.length === 0 ? '–' : top.map((f) => `${factorWords(lang, f)} ×${num(f.relativeRisk).toFixed(2)}`).join('; ');
}

/** Why an area ranks high, in words only (the numbers are in the table): the factors that raise it most. */
function riskDrivers(lang: ReportLanguage, factors: readonly Contribution[]): string {
  const up = [...factors].filter((f) => num(f.contribution) > 0).sort((x, y) => num(y.contribution) - num(x.contribution) || (x.name < y.name ? -1 : 1)).slice(0, 2);
  return up.length === 0 ? t(lang, 'factor.none') : up.map((f) => factorWords(lang, f)).join(t(lang, 'and'));
}

const within = (f: AnalysisFilter, from: number, to: number): AnalysisFilter => ({ ...f, from: ISO(from), to: ISO(to) });

/** A service's caveats for the methods notes, each fact once (engine mergeCaveats; the envelopes already are, the count forecast's list is not). */
const said = (caveats: readonly Caveat[]): string[] => mergeCaveats(caveats).map((c) => c.message);

export async function buildReport(reportCtx: AnalysisContext, o: BuildReportOptions): Promise<ReportModel> {
  // every section's analysis is made as of the report's now: later days are not "uncovered" in its caveats
  const ctx: AnalysisContext = { ...reportCtx, now: o.now };
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
  const trends = await trendsService(ctx, { filter: within(scope.filter, period.from, period.to), seriesMonths: 36, asOf: o.now });
  b.classifications.push(trends.classification);
  b.methods.push({ section: 'trends', source: 'trendsService: exact conditional Poisson rate test (previous period, same period last year), per district with Benjamini-Hochberg; Mann-Kendall with Sen slope on 36 monthly counts', caveats: said(trends.caveats) });
  const byGroup: { group: string; env: TrendsEnvelope }[] = [];
  for (const g of CATEGORY_GROUPS) byGroup.push({ group: g, env: await trendsService(ctx, { filter: { ...within(scope.filter, period.from, period.to), groups: [g] }, seriesMonths: 12, asOf: o.now }) });

  const agg = await aggregateService(ctx, { filter: within(scope.filter, period.from, period.to), period: 'none' });
  b.classifications.push(agg.classification);
  const totals = { killed: 0, injured: 0 };
  for (const d of agg.annotations.districtTotals) { totals.killed += num(d.killed); totals.injured += num(d.injured); }
  // incidents without a district are in the aggregate's rows but not in districtTotals
  let killedAll = 0, injuredAll = 0;
  for (const r of agg.result.rows) { killedAll += num(r.killed); injuredAll += num(r.injured); }

  const cmp = trends.result.comparison;
  // the current window's count, also when a comparison was not made (no feed covers its baseline)
  const current = cmp.current;
  const tw = trends.annotations.window;
  // Latin-digit dates kept left to right in the Urdu edition (as periodName does), and without "to"
  const ltr = (x: string) => (lang === 'ur' ? `\u2066${x}\u2069` : x);
  const spanText = (from: string, to: string) => {
    const en = describeSpan({ from: Date.parse(from), to: Date.parse(to) });
    return lang === 'ur' ? ltr(en.replace(' to ', ' – ')) : en;
  };
  const prevSpan = spanText(tw.previousFrom, tw.from);
  const lySpan = spanText(tw.lastYearFrom, tw.lastYearTo);
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

  // --- forecast (the reader's clearance; a district edition forecasts its district alone) ---
  let outlook: ReportSection | undefined;
  const fc = { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, ok: false };
  const riskFacts = { ok: false, severe: 0, top: '', next: '' };
  if (wanted.has('outlook')) {
    outlook = emptySection(lang, 'outlook');
    try {
      const origin = period.kind === 'month' ? period.nextLabel : localIsoDate(period.nextFrom);
      const f = await runCountForecast({
        db: ctx.store, province, period: period.kind, origin, horizon: 1, backtestOrigins: 0,
        ...(district === null ? {} : { districts: [district] }),
        ...(o.maxClassification === undefined ? {} : { maxClassification: o.maxClassification }),
      });
      b.classifications.push(f.classification);
      const h = f.horizons[0]!;
      const rows = [...h.districts].sort((x, y) => y.mean - x.mean || (x.district < y.district ? -1 : 1));
      fc.mean = rows.reduce((s2, r) => s2 + r.mean, 0); fc.ok = true;
      const only = district !== null && rows.length === 1 ? rows[0]! : undefined;
      if (only !== undefined) { fc.lo = only.interval90[0]; fc.hi = only.interval90[1]; }
      else { const total = provinceTotalInterval(rows.map((r) => r.probabilities)); fc.lo = total.lower; fc.hi = total.upper; }
      for (const r of rows) labelDistricts.add(r.district);
      const next = periodName(lang, period.nextLabel);
      if (only !== undefined) outlook.paragraphs.push(para(lang, 'outlook.district', [fact('district', only.district, 'text'), fact('next', next, 'text'), fact('mean', fc.mean, 'decimal'), fact('lo', fc.lo, 'int'), fact('hi', fc.hi, 'int')]));
      else outlook.paragraphs.push(para(lang, 'outlook.text', [fact('next', next, 'text'), fact('districts', rows.length, 'int'), fact('province', province, 'text'), fact('mean', fc.mean, 'decimal')]));
      outlook.tables.push(kvTable(lang, 'forecast-summary', 'Forecast', [[label(lang, 'Districts'), rows.length, 'int'], [`${label(lang, 'Expected count')}: ${label(lang, 'total')}`, fc.mean, 'decimal'], [`${label(lang, '90% interval')}: ${label(lang, 'lower')}`, fc.lo, 'int'], [`${label(lang, '90% interval')}: ${label(lang, 'upper')}`, fc.hi, 'int']]));
      outlook.tables.push(table(lang, 'forecast', 'Forecast', [['district', 'District', 'text'], ['last', 'Last observed', 'int'], ['mean', 'Expected count', 'decimal'], ['i50', '50% interval', 'text'], ['i90', '90% interval', 'text']],
        [...rows.map((r) => [r.district, r.lastObserved, r.mean, `${r.interval50[0]}–${r.interval50[1]}`, `${r.interval90[0]}–${r.interval90[1]}`]), ...(only !== undefined ? [] : [[label(lang, 'total'), null, fc.mean, null, `${fc.lo}–${fc.hi}`]])],
        `${h.selection?.statement ?? `${period.nextLabel}: model ${f.model}.`} ${f.modelCard.description}${only !== undefined ? ' District edition: the model is fitted on this district\'s own record alone (no other district is read).' : ' Province total: the district distributions convolved as if independent (plug-in).'}`));
      const top = rows.slice(0, 12);
      outlook.charts.push({ id: 'forecast-chart', title: label(lang, 'Expected count'), kind: 'bar', categories: top.map((r) => r.district), series: [{ name: label(lang, 'Expected count'), values: top.map((r) => r.mean) }], intervals: { lower: top.map((r) => r.interval90[0]), upper: top.map((r) => r.interval90[1]) } });
      b.methods.push({ section: 'outlook', source: `runCountForecast (server/forecast/counts-service.ts), model ${f.model}${f.model === h.model ? '' : ` (chosen on the backtest before the origin: ${h.model})`}, origin ${f.origin}, horizon 1, ${district === null ? 'every district of the province' : `district ${district} only`}, incidents up to ${o.maxClassification ?? 'SECRET'}`, caveats: [...said(f.caveats), ...f.modelCard.knownLimits] });
    } catch (e) {
      const why = insufficient(e);
      if (why === undefined) throw e;
      outlook.paragraphs.push({ text: `${t(lang, 'outlook.noforecast')} ${why}`, facts: [] });
      b.methods.push({ section: 'outlook', source: 'runCountForecast', caveats: [`no count forecast: ${why}`] });
    }

    // --- risk index: the same service and parameters as GET /api/risk ---
    // A district edition reads one district: the index would rank it against nothing and calibrate
    // its bands on it alone (the busiest district of the province then reads "low"), so the ranking
    // is left to the province edition.
    if (district !== null) outlook.paragraphs.push(para(lang, 'risk.district', [fact('district', district, 'text')]));
    else try {
      const risk = await riskService(ctx, reportRiskOptions(scope, o));
      b.classifications.push(risk.classification);
      const r = risk.result;
      const next0 = periodName(lang, localIsoDate(Date.parse(r.scoredPeriod.from)).slice(0, 7));
      if (r.top[0] !== undefined) Object.assign(riskFacts, { ok: true, severe: num(r.bandCounts.severe), top: r.top[0].id, next: next0 });
      const next = periodName(lang, localIsoDate(Date.parse(r.scoredPeriod.from)).slice(0, 7));
      for (const a of r.top) if (a.district !== null) labelDistricts.add(a.district);
      const mix = { public: num(r.dataMix.public), discovered: num(r.dataMix.discovered), unknown: num(r.dataMix.unknown) }, mixTotal = mix.public + mix.discovered + mix.unknown;
      outlook.paragraphs.push(para(lang, 'risk.text', [fact('areas', num(r.areas), 'int'), fact('next', next, 'text'), fact('months', num(r.periods.count), 'int'),
        fact('severe', num(r.bandCounts.severe), 'int'), fact('high', num(r.bandCounts.high), 'int'), fact('elevated', num(r.bandCounts.elevated), 'int'), fact('low', num(r.bandCounts.low), 'int')]));
      if (fc.ok) outlook.paragraphs.push(para(lang, 'risk.vs.forecast', []));
      for (const a of r.top.slice(0, 3)) {
        if (a.band === 'low') break;
        outlook.paragraphs.push(para(lang, 'risk.top', [fact('district', a.id, 'text'), fact('band', bandName(lang, a.band), 'text'), fact('expected', num(a.expected), 'decimal'), fact('drivers', riskDrivers(lang, a.factors), 'text')], true));
      }
      outlook.paragraphs.push(para(lang, 'risk.mix', [fact('total', mixTotal, 'int'), fact('public', mix.public, 'int'), fact('discovered', mix.discovered, 'int'), fact('unknown', mix.unknown, 'int')]));
      if (mix.discovered > 0 && !r.feedbackLoopCorrection) outlook.paragraphs.push(para(lang, 'risk.mix.discovered', []));
      outlook.tables.push(kvTable(lang, 'risk-summary', 'Risk index', [
        [label(lang, 'Districts ranked'), num(r.areas), 'int'], [label(lang, 'Months of history'), num(r.periods.count), 'int'],
        ...RISK_BANDS.slice().reverse().map((band): [string, number, ColumnKind] => [`${label(lang, 'Band')}: ${bandName(lang, band)}`, num(r.bandCounts[band]), 'int']),
        [label(lang, 'Incidents behind the index'), mixTotal, 'int'], [label(lang, 'Reported by the public'), mix.public, 'int'],
        [label(lang, 'Discovered by patrols'), mix.discovered, 'int'], [label(lang, 'Reporting mode unknown'), mix.unknown, 'int'],
      ], `Bands are calibrated on history: in past periods the severe districts together held ${Math.round(100 * num(r.model.thresholds.shares[0]))}% of the incidents that followed, severe and high ${Math.round(100 * num(r.model.thresholds.shares[1]))}%, down to elevated ${Math.round(100 * num(r.model.thresholds.shares[2]))}%.`));
      const riskRows = (rows: typeof r.top) => rows.map((a) => [a.rank, a.id, bandName(lang, a.band), a.expected, a.pastIncidents, factorSummary(lang, a.factors), `${num(a.dataMix.public)} / ${num(a.dataMix.discovered)} / ${num(a.dataMix.unknown)}`]);
      const riskCols: [string, string, ColumnKind][] = [['rank', 'Rank', 'int'], ['d', 'District', 'text'], ['band', 'Band', 'text'], ['e', 'Expected incidents', 'decimal'], ['past', 'Recent incidents', 'int'], ['f', 'Main factors (relative risk)', 'text'], ['mix', 'History: public / discovered / unknown', 'text']];
      const riskNote = `${next}: expected incidents from the area risk index (penalised Poisson regression on recent incidents, harm, trend and neighbouring districts; riskService, as GET /api/risk?level=district&period=month&target=count). Main factors: the two that move the district most against an average district, with their relative risk (above 1 raises, below 1 lowers). Recent incidents: the last ${num(r.pastPeriods)} months. History: how the district's incidents over the whole history came to notice (reported by the public, discovered by patrols, not recorded).`;
      outlook.tables.push(table(lang, 'risk', 'Risk ranking', riskCols, riskRows(r.top.slice(0, RISK_TABLE_ROWS)), riskNote));
      if (r.top.length > RISK_TABLE_ROWS) outlook.tables.push({ ...table(lang, 'risk-all', 'Risk ranking', riskCols, riskRows(r.top), riskNote), annexOnly: true });
      const values: Record<string, number> = {};
      for (const a of r.top) values[a.id] = num(a.expected);
      outlook.maps.push({ id: 'risk-map', title: fill(t(lang, 'risk.map'), [fact('next', next, 'text')]), kind: 'choropleth', districts: district !== null ? [district] : ctx.geography.districtsIn(province).map((d) => d.name), values, legend: label(lang, 'Expected incidents') });
      b.methods.push({ section: 'outlook', source: `riskService (server/risk/risk-service.ts, as GET /api/risk): districts, monthly periods ${localIsoDate(Date.parse(r.periods.from))} to ${localIsoDate(Date.parse(r.periods.to))} (Pakistan time, end exclusive), target count, penalty ${r.model.lambda}, scored ${localIsoDate(Date.parse(r.scoredPeriod.from))} to ${localIsoDate(Date.parse(r.scoredPeriod.to))}`, caveats: said(risk.caveats) });
    } catch (e) {
      const why = insufficient(e);
      if (why === undefined) throw e;
      outlook.paragraphs.push({ text: `${t(lang, 'risk.none')} ${why}`, facts: [] });
      b.methods.push({ section: 'outlook', source: 'riskService', caveats: [`no risk index: ${why}`] });
    }
    // the short tables first, the 30-odd-row forecast table last
    const order = ['forecast-summary', 'risk-summary', 'risk', 'forecast', 'risk-all'];
    outlook.tables.sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  }

  const sections: ReportSection[] = [];
  // --- executive summary ---
  {
    const s = emptySection(lang, 'summary');
    s.paragraphs.push(para(lang, 'summary.counts', [fact('period', periodLabel, 'text'), fact('scope', scopeName, 'text'), fact('count', num(current.count), 'int'), fact('killed', killedAll, 'int'), fact('injured', injuredAll, 'int')]));
    s.paragraphs.push(changeParagraph(lang, cmp.previous, periodName(lang, period.previousLabel), 'previous', earliest, prevSpan));
    s.paragraphs.push(changeParagraph(lang, cmp.lastYear, periodName(lang, period.lastYearLabel), 'lastYear', earliest, lySpan));
    if (areas.length > 1) s.paragraphs.push(para(lang, 'summary.districts', [fact('sig', sigAreas.length, 'int'), fact('n', areas.length, 'int')]));
    if (wanted.has('alerts')) s.paragraphs.push(para(lang, 'summary.alerts', [fact('alerts', alertFacts.alerts, 'int'), fact('critical', alertFacts.critical, 'int')]));
    const prevName = periodName(lang, period.previousLabel), lyName = periodName(lang, period.lastYearLabel);
    const kv: [string, number | string | null, ColumnKind][] = [
      [`${label(lang, 'Incidents')}: ${periodLabel}`, num(current.count), 'int'],
      // a period no feed covers reads "No data", not 0
      [`${label(lang, 'Incidents')}: ${prevName}`, cmp.previous === null ? label(lang, 'No data') : num(cmp.previous.baseline.count), cmp.previous === null ? 'text' : 'int'],
      [`${label(lang, 'Rate ratio')}: ${prevName}`, cmp.previous?.rateRatio ?? null, 'ratio'],
      [`${label(lang, 'p-value')}: ${prevName}`, cmp.previous === null ? null : num(cmp.previous.pValue), 'p'],
      [`${label(lang, 'Incidents')}: ${lyName}`, cmp.lastYear === null ? label(lang, 'No data') : num(cmp.lastYear.baseline.count), cmp.lastYear === null ? 'text' : 'int'],
      [`${label(lang, 'Rate ratio')}: ${lyName}`, cmp.lastYear?.rateRatio ?? null, 'ratio'],
      [`${label(lang, 'p-value')}: ${lyName}`, cmp.lastYear === null ? null : num(cmp.lastYear.pValue), 'p'],
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
    if (riskFacts.ok) {
      s.paragraphs.push(para(lang, 'summary.risk', [fact('severe', riskFacts.severe, 'int'), fact('next', riskFacts.next, 'text'), fact('district', riskFacts.top, 'text')]));
      kv.push([`${label(lang, 'Districts in the severe risk band')}: ${riskFacts.next}`, riskFacts.severe, 'int'], [label(lang, 'Highest risk'), riskFacts.top, 'text']);
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
      byGroup.map(({ group, env }) => {
        const c = env.result.comparison.previous;
        if (c === null) return [group.replace('_', ' '), num(env.result.comparison.current.count), label(lang, 'No data'), null, null, '—'];
        return [group.replace('_', ' '), num(c.current.count), num(c.baseline.count), c.percentChange, num(c.pValue), yesNo(lang, c.significant)];
      })));
    const pop = new Map(agg.annotations.districtTotals.map((d) => [d.district, d]));
    s.tables.push(table(lang, 'by-district', 'By district', [['d', 'District', 'text'], ['cur', 'This period', 'int'], ['prev', 'Previous period', 'int'], ['rr', 'Rate ratio', 'ratio'], ['p', 'p-value', 'p'], ['padj', 'Adjusted p', 'p'], ['sig', 'Significant', 'text'], ['k', 'Killed', 'int'], ['r', 'Per 100,000', 'decimal']],
      [...areas].sort((x, y) => num(y.current.count) - num(x.current.count) || (x.area < y.area ? -1 : 1)).map((a) => [
        a.area, num(a.current.count), num(a.baseline.count), a.rateRatio, num(a.pValue), num(a.pAdjusted), yesNo(lang, a.significantAfterAdjustment), pop.get(a.area)?.killed ?? 0, pop.get(a.area)?.countPer100k ?? null,
      ]), 'Per 100,000: incidents in the period per 100,000 residents (census 2023).'));
    const sr = trends.result.series;
    const noData = sr.keys.filter((_, i) => sr.counts[i] === null);
    if (noData.length > 0) {
      // the feeds' recorded coverage says which months have no data (they are gaps in the chart)
      const months = noData.length <= 4 ? noData.join(', ') : `${noData[0]!} … ${noData[noData.length - 1]!}`;
      s.paragraphs.push(para(lang, 'trends.nodata', [fact('n', noData.length, 'int'), fact('total', sr.keys.length, 'int'), fact('months', ltr(months), 'text')]));
    } else if (Number.isFinite(earliest) && earliest > seriesFrom + 31 * DAY_MS) s.paragraphs.push(para(lang, 'trends.coverage', [fact('first', localIsoDate(earliest), 'text')]));
    s.charts.push(seriesChart);
    s.tables.push({ ...table(lang, 'series', 'Monthly incidents', [['m', 'Month', 'text'], ['n', 'Incidents', 'int']], trends.result.series.keys.map((k, i) => { const v = trends.result.series.counts[i]; return [k, v === null ? label(lang, 'No data') : num(v)]; })), annexOnly: true });
    const tr = trends.result.trend;
    if (tr !== null) {
      s.paragraphs.push(para(lang, 'trends.mk', [fact('months', num(tr.n), 'int'), fact('p', num(tr.pValue), 'p'), fact('slope', num(tr.slope), 'decimal')]));
      const tm = trends.annotations.trendMonths;
      if (tm !== null && num(tm.count) < sr.keys.length - (sr.keys[sr.keys.length - 1] === tm.to ? 0 : 1)) {
        s.paragraphs.push(para(lang, 'trends.stretch', [fact('from', ltr(tm.from), 'text'), fact('to', ltr(tm.to), 'text')]));
      }
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
      b.methods.push({ section: 'maps', source: `hotspotsService: Getis-Ord Gi* with FDR on H3 resolution 5, window ${localIsoDate(hotFrom)} to ${localIsoDate(period.to - 1)}`, caveats: said(hot.caveats) });
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
      b.methods.push({ section: 'maps', source: `emergingHotspotsService: monthly space-time cube, ${em.annotations.window.from.slice(0, 10)} to ${em.annotations.window.to.slice(0, 10)}`, caveats: said(em.caveats) });
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
      b.methods.push({ section: 'near-repeat', source: `nearRepeatService: Knox test, ${perms} seeded permutations, BH across bands, exactly located incidents, ${localIsoDate(nrFrom)} to ${localIsoDate(period.to - 1)}`, caveats: said(nr.caveats) });
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

  // --- recommended deployment: the same service and parameters as POST /api/allocation ---
  if (wanted.has('deployment')) {
    const s = emptySection(lang, 'deployment');
    try {
      const opts = reportAllocationOptions(scope, o);
      const al = await allocationService(ctx, opts);
      b.classifications.push(al.classification);
      const r = al.result;
      const next = periodName(lang, localIsoDate(Date.parse(r.scoredPeriod.from)).slice(0, 7));
      const total = num(r.totalExpected);
      const share = (x: number | null) => (total > 0 ? 100 * num(x) / total : Number.NaN);
      const pct = (x: number | null) => 100 * num(x);
      const g = r.plans.greedy, prop = r.plans.proportional, unif = r.plans.uniform;
      for (const site of g.sites) if (site.district !== null) labelDistricts.add(site.district);
      s.paragraphs.push(para(lang, 'deploy.text', [fact('units', g.sites.length, 'int'), fact('radius', num(r.radiusKm), 'int'), fact('next', next, 'text'), fact('share', pct(g.coveredShare), 'share')]));
      const rp = r.ratios.greedyOverProportional, ru = r.ratios.greedyOverUniform;
      if (rp !== null && ru !== null) s.paragraphs.push(para(lang, 'deploy.compare', [fact('prop', pct(prop.coveredShare), 'share'), fact('unif', pct(unif.coveredShare), 'share'), fact('rprop', rp, 'ratio'), fact('runif', ru, 'ratio')]));
      else s.paragraphs.push(para(lang, 'deploy.compare.zero', [fact('prop', pct(prop.coveredShare), 'share'), fact('unif', pct(unif.coveredShare), 'share')]));
      const topSite = r.schedule.coverage[0];
      if (topSite !== undefined) s.paragraphs.push(para(lang, 'deploy.schedule', [fact('top', pct(topSite.probability), 'share'), fact('sched', share(r.schedule.expectedCovered), 'share')]));
      const kv: [string, number | string | null, ColumnKind][] = [
        [label(lang, 'Units'), g.sites.length, 'int'], [label(lang, 'Radius (km)'), r.radiusKm, 'int'],
        [`${label(lang, 'Expected harm, all areas')}: ${next}`, total, 'decimal'],
        [label(lang, 'Optimised plan: share of expected harm covered'), pct(g.coveredShare), 'share'],
        [label(lang, 'Proportional plan: share covered'), pct(prop.coveredShare), 'share'],
        [label(lang, 'Uniform plan: share covered'), pct(unif.coveredShare), 'share'],
        [label(lang, 'Optimised / proportional'), rp, 'ratio'], [label(lang, 'Optimised / uniform'), ru, 'ratio'],
      ];
      if (r.plans.exact !== undefined) kv.push([label(lang, 'Exact optimum: share covered'), share(r.plans.exact.covered), 'share']);
      kv.push([label(lang, 'Randomised schedule: share covered on average'), share(r.schedule.expectedCovered), 'share'], [label(lang, 'Unpredictability (0 fixed, 1 follows risk)'), r.schedule.unpredictability, 'ratio']);
      kv.push([label(lang, 'Reported by the public'), r.dataMix.public, 'int'], [label(lang, 'Discovered by patrols'), r.dataMix.discovered, 'int'], [label(lang, 'Reporting mode unknown'), r.dataMix.unknown, 'int']);
      s.tables.push(kvTable(lang, 'deployment-summary', 'Deployment summary', kv,
        `Expected harm: killed + 0.5 x injured + 0.5 x abducted predicted by the area risk index for H3 resolution-${opts.resolution ?? 5} cells (about 45 km across) in ${next}; allocationService, as POST /api/allocation (level h3, period month, target harm, ${opts.units} units, ${opts.radiusKm} km, unpredictability ${opts.unpredictability ?? 0.5}). Proportional: units per district in proportion to past incidents; uniform: the same number in each district.`));
      const prob = new Map(r.schedule.coverage.map((c) => [c.id, c.probability]));
      s.tables.push(table(lang, 'deployment', 'Recommended deployment', [['n', 'Order', 'int'], ['site', 'Site', 'text'], ['d', 'District', 'text'], ['band', 'Band', 'text'], ['lat', 'Latitude', 'text'], ['lon', 'Longitude', 'text'], ['g', 'Added coverage', 'decimal'], ['p', 'Coverage probability', 'share']],
        g.sites.map((site, i) => [i + 1, site.id, site.district ?? '–', site.band === undefined ? '–' : bandName(lang, site.band), num(site.lat).toFixed(3), num(site.lon).toFixed(3), site.marginalGain ?? null, pct(prob.get(site.id) ?? 0)]),
        'Sites in the order the greedy plan chose them (H3 cell centres). Added coverage: expected harm first reached by the site. Coverage probability: the share of days the randomised schedule mans the site.'));
      s.tables.push(table(lang, 'deployment-schedule', 'Randomised schedule', [['site', 'Site', 'text'], ['d', 'District', 'text'], ['p', 'Coverage probability', 'share']],
        r.schedule.coverage.slice(0, 15).map((c) => [c.id, c.district ?? '–', pct(c.probability)]),
        `The ${Math.min(15, r.schedule.coverage.length)} sites most often manned of ${r.schedule.coverage.length} with a positive probability; ${r.schedule.draws} seeded draws estimate the average coverage.`));
      const units = (u: Record<string, number | null>) => Object.entries(u).map(([d, n]): [string, number] => [d, num(n)]).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([d, n]) => `${d} ${n}`).join(', ');
      s.tables.push({ ...table(lang, 'deployment-naive', 'Naive plans', [['plan', 'Plan', 'text'], ['share', 'Share covered', 'share'], ['units', 'Units by district', 'text']],
        [[label(lang, 'proportional'), pct(prop.coveredShare), units(prop.unitsByDistrict)], [label(lang, 'uniform'), pct(unif.coveredShare), units(unif.unitsByDistrict)]]), annexOnly: true });
      b.methods.push({ section: 'deployment', source: `allocationService (server/risk/allocation-service.ts, as POST /api/allocation): demand = expected harm of the area risk index at H3 cell centres, greedy maximal coverage${r.plans.exact === undefined ? '' : ', exact optimum'}, proportional and uniform plans, randomised schedule (seed ${opts.seed ?? 'allocation'})`, caveats: said(al.caveats) });
    } catch (e) {
      const why = insufficient(e);
      if (why === undefined) throw e;
      s.unavailable = `${t(lang, 'deploy.none')} ${why}`;
      b.methods.push({ section: 'deployment', source: 'allocationService', caveats: [`no deployment plan: ${why}`] });
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
