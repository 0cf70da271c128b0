/**
 * The analysis pages beyond the map: trends, forecasts, risk, allocation, evaluations, data quality
 * and the reports archive. Each calls its API route and shows the answer; a route the server does
 * not have (404) gives a clear "not available", a 403 says the role or clearance does not allow it.
 */
import { api, qs, type ApiResult, type Stats } from '../api.js';
import { chartIn } from '../charts.js';
import { h, pakistanTime, table } from '../dom.js';
import type { Messages } from '../i18n/en.js';
import { currentLang, t } from '../i18n/index.js';
import { nextMonth } from '../months.js';
import { mergeCaveats, type Caveat } from '@baseerat/engine/domain/caveats';

const PROVINCE = 'Balochistan';
type Cleanup = () => void;

export function page(root: HTMLElement, title: string, id: string): HTMLElement {
  const body = h('section', { class: 'card page', id });
  root.append(h('h1', {}, title), body);
  return body;
}

/** The "not available" / forbidden / error line for a failed call, or undefined when it succeeded. */
export function unavailable(path: string, r: ApiResult<unknown>): HTMLElement | undefined {
  if (r.ok) return undefined;
  if (r.status === 404) return h('p', { class: 'not-available', 'data-path': path }, t('notAvailable', { path, status: 404 }));
  if (r.status === 403) return h('p', { class: 'not-available forbidden', 'data-path': path }, t('forbidden'));
  return h('p', { class: 'error', 'data-path': path }, t('loadFailed', { detail: r.detail }));
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object')) return v.slice(0, 12).join(', ');
    // Quarantine reasons and caveats: say them, not their count.
    const said = v.map((x) => (x as { message?: unknown }).message).filter((m): m is string => typeof m === 'string');
    return said.length > 0 ? said.join('; ') : `[${v.length}]`;
  }
  return Object.entries(v as Record<string, unknown>).slice(0, 6).map(([k, x]) => `${k}: ${typeof x === 'object' ? '…' : String(x)}`).join('; ');
}

/** A readable view of any JSON answer: arrays of objects as tables, scalars as a definition list. */
export function autoView(data: unknown, depth = 0): HTMLElement {
  if (Array.isArray(data)) {
    const rows = data.slice(0, 200) as unknown[];
    if (rows.length > 0 && rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r as object)))].slice(0, 10);
      return table(keys, rows.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k]))), { class: 'compact' });
    }
    return h('p', {}, cell(data));
  }
  if (typeof data !== 'object' || data === null) return h('p', {}, cell(data));
  const box = h('div', { class: 'auto' });
  const scalars: [string, unknown][] = [];
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (typeof v === 'object' && v !== null && depth < 2 && (Array.isArray(v) ? v.some((x) => typeof x === 'object') : Object.keys(v).length > 0)) {
      box.append(h('h3', {}, k), autoView(v, depth + 1));
    } else scalars.push([k, v]);
  }
  if (scalars.length > 0) box.prepend(h('dl', {}, ...scalars.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, cell(v))])));
  return box;
}

function caveats(env: unknown): HTMLElement | null {
  return caveatList((env as { caveats?: unknown[] }).caveats ?? []);
}

/**
 * Caveats (strings or `{ message }`) as a list, each distinct text once and each fact once: caveats
 * from different parts of a result that state the same fact about the same period (no feed covers
 * it) are one item (engine mergeCaveats, as the API's envelope does): the fact, then what follows
 * from it at each step as a list under it (the item's `data-message` is the caveat's whole message,
 * as the API and the report give it); null when there are none.
 */
export function caveatList(list: readonly unknown[]): HTMLElement | null {
  const asCaveat = (x: unknown): Caveat => {
    if (typeof x === 'string') return { code: '', message: x };
    const c = x as Partial<Caveat> & { text?: string };
    return typeof c.message === 'string' ? { ...c, code: String(c.code ?? ''), message: c.message } : { code: '', message: String(c.text ?? JSON.stringify(x)) };
  };
  const said: Caveat[] = [];
  for (const c of mergeCaveats(list.map(asCaveat))) if (!said.some((x) => x.message === c.message)) said.push(c);
  if (said.length === 0) return null;
  return h('ul', { class: 'caveats' }, ...said.map((c) => {
    const parts = c.merged ?? [];
    if (parts.length < 2) return h('li', { 'data-message': c.message }, c.message);
    return h('li', { 'data-message': c.message, class: 'merged' }, `${parts[0]!.message}; for the same reason:`,
      h('ul', {}, ...parts.slice(1).map((m) => h('li', {}, m.then ?? m.message))));
  }));
}

/** The model choice of GET /api/forecasts/counts (horizons[].selection). */
interface ModelChoice {
  chosen?: string; baseline?: boolean; fallback?: boolean; pastOrigins?: number; origins?: string; statement?: string;
  candidates?: { model?: string; baseline?: boolean; cases?: number; meanCrps?: number; coverage50?: number; coverage90?: number }[];
}

const fmtScore = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(v < 1 ? 3 : 2) : 'n/a');

/**
 * The model-choice sentence in the page's language from the choice's facts (the same facts and
 * rounding as the server's English sentence, counts-service choiceOf); undefined when a fact is missing.
 */
export function choiceSentence(sel: ModelChoice, period: string): string | undefined {
  const won = sel.candidates?.find((c) => c.model === sel.chosen);
  if (sel.chosen === undefined) return undefined;
  if (sel.fallback === true) return t('forecastChoiceFallback', { period, model: sel.chosen });
  if (won === undefined || sel.candidates === undefined) return undefined;
  const baseline = won.baseline === true;
  const rival = sel.candidates.filter((c) => c.model !== sel.chosen && (c.baseline === true) !== baseline).sort((a, b) => (a.meanCrps ?? Infinity) - (b.meanCrps ?? Infinity))[0]
    ?? sel.candidates.find((c) => c.model !== sel.chosen);
  const parts = [
    t(baseline ? 'forecastChoiceBaseline' : 'forecastChoiceModel', { period, model: sel.chosen }),
    t('forecastChoiceScore', { crps: fmtScore(won.meanCrps), cases: won.cases ?? 0, origins: sel.pastOrigins ?? 0, range: sel.origins ?? '' }),
  ];
  if (rival !== undefined) {
    const pct = !((rival.meanCrps ?? 0) > 0) || won.meanCrps === undefined ? 0 : (1 - won.meanCrps / rival.meanCrps!) * 100;
    const vars = { rival: rival.model ?? '', role: t(rival.baseline === true ? 'forecastChoiceBestBaseline' : 'forecastChoiceBestModel'), crps: fmtScore(rival.meanCrps), pct: Math.round(pct) };
    parts.push(t(pct >= 0.5 ? 'forecastChoiceRival' : 'forecastChoiceTie', vars));
  }
  parts.push(t('forecastChoiceCoverage', { c50: fmtScore(won.coverage50), c90: fmtScore(won.coverage90) }));
  return parts.join(' ');
}

export async function renderForecasts(root: HTMLElement): Promise<Cleanup | void> {
  const body = page(root, t('forecastsTitle'), 'page-forecasts');
  const path = '/api/forecasts/counts';
  // The forecast starts the month after the last month with data.
  const stats = await api<Stats>(`/api/stats${qs({ province: PROVINCE })}`);
  const months = stats.ok ? Object.keys(stats.data.byMonth).sort() : [];
  const last = months[months.length - 1];
  if (last === undefined) { body.append(unavailable('/api/stats', stats) ?? h('p', {}, '—')); return; }
  const origin = nextMonth(last);
  const r = await api<unknown>(`${path}${qs({ province: PROVINCE, period: 'month', origin, horizon: 1, backtestOrigins: 0 })}`);
  const bad = unavailable(path, r);
  if (bad !== undefined) { body.append(bad); return; }
  const rows = forecastRows(r.ok ? r.data : undefined);
  const d = (r.ok ? r.data : {}) as { model?: string; horizons?: { period?: string; model?: string; selection?: ModelChoice }[]; caveats?: { code?: string }[] };
  // the model shown is the one chosen on the backtest before the origin (horizons[0].model); the sentence says which won and by how much
  body.append(h('p', { class: 'muted', id: 'forecast-meta' }, `${d.horizons?.[0]?.period ?? origin} · ${d.horizons?.[0]?.model ?? d.model ?? ''} · ${t('forecastLegend')}`));
  const sel = d.horizons?.[0]?.selection;
  // English: the server's sentence as GET /api/forecasts/counts gives it; Urdu: the same facts in Urdu
  const choice = sel === undefined ? undefined : currentLang() === 'ur' ? choiceSentence(sel, d.horizons?.[0]?.period ?? origin) ?? sel.statement : sel.statement;
  if (choice !== undefined) body.append(h('p', { class: 'small', id: 'forecast-choice' }, choice));
  if (rows.length === 0) { body.append(autoView(r.ok ? r.data : null)); return; }
  const chartEl = h('div', { class: 'chart tall', id: 'forecast-chart' });
  body.append(chartEl, table([t('district'), t('expected'), '50%', '90%'], rows.map((x) => [x.area, x.mean.toFixed(1), x.band50, `${x.lower} – ${x.upper}`]), { class: 'compact' }));
  const c = caveats({ caveats: (d.caveats ?? []).filter((x) => x.code !== 'MODEL_CHOICE') }); // MODEL_CHOICE is #forecast-choice
  if (c !== null) body.append(c);
  const { chart, dispose } = chartIn(chartEl);
  chart.setOption({
    grid: { left: 130, right: 16, top: 16, bottom: 36 }, tooltip: { trigger: 'axis', renderMode: 'richText' },
    yAxis: { type: 'category', data: rows.map((x) => x.area), inverse: true }, xAxis: { type: 'value' },
    series: [
      { type: 'bar', name: 'lower', stack: 'pi', data: rows.map((x) => x.lower), itemStyle: { color: 'transparent' } },
      { type: 'bar', name: '90%', stack: 'pi', data: rows.map((x) => x.upper - x.lower), itemStyle: { color: '#9ecae1' } },
      { type: 'line', name: 'mean', data: rows.map((x) => x.mean), lineStyle: { width: 0 }, symbol: 'diamond', symbolSize: 9, itemStyle: { color: '#08306b' } },
    ],
  });
  return dispose;
}

/** District, mean and the 90% interval of the first horizon of GET /api/forecasts/counts. */
function forecastRows(data: unknown): { area: string; mean: number; lower: number; upper: number; band50: string }[] {
  const d = (data ?? {}) as { horizons?: { districts?: { district: string; mean: number | null; interval50: (number | null)[]; interval90: (number | null)[] }[] }[] };
  const list = d.horizons?.[0]?.districts ?? [];
  return list
    .filter((x) => typeof x.mean === 'number')
    .map((x) => ({ area: x.district, mean: x.mean!, lower: x.interval90[0] ?? x.mean!, upper: x.interval90[1] ?? x.mean!, band50: `${x.interval50[0] ?? '—'} – ${x.interval50[1] ?? '—'}` }))
    .sort((a, b) => b.mean - a.mean);
}

export async function renderRisk(root: HTMLElement): Promise<void> {
  const body = page(root, t('riskTitle'), 'page-risk');
  const path = '/api/risk';
  const r = await api<unknown>(`${path}${qs({ level: 'district', province: PROVINCE, top: 50 })}`);
  const bad = unavailable(path, r);
  if (bad !== undefined) { body.append(bad); return; }
  const d = (r.ok ? r.data : {}) as Record<string, unknown>;
  const result = (d['result'] ?? {}) as Record<string, unknown>;
  const list = (result['top'] ?? []) as Record<string, unknown>[];
  if (list.length === 0) { body.append(autoView(d)); return; }
  const scored = (result['scoredPeriod'] ?? {}) as { from?: string; to?: string };
  // The scored period in Pakistan time, its last day inclusive (the API gives the exclusive end).
  if (scored.from !== undefined && scored.to !== undefined) body.append(h('p', { class: 'muted', id: 'risk-period' }, t('riskPeriod', { from: pakistanTime(scored.from).slice(0, 10), to: pakistanTime(new Date(Date.parse(scored.to) - 86_400_000).toISOString()).slice(0, 10) })));
  body.append(bandNote(result));
  // The level: when the scored period's factors lie outside the range the model was trained on, the
  // expected total is the latest covered period's recorded total (caveat RISK_LEVEL_OUTSIDE_TRAINING).
  const level = result['levelAdjustment'];
  if (typeof level === 'number' && level !== 1) body.append(h('p', { class: 'muted small', id: 'risk-level-note' }, t('riskLevelRecalibrated')));
  // Coverage is in time only, so the factors' coverage notes are usually the same for every row:
  // the notes every row shares are said once above the table; a row keeps only the notes that differ.
  const rowGaps = list.map((o) => (Array.isArray(o['factors']) ? coverageWords(o['factors'] as Parameters<typeof coverageWords>[0]) : []));
  const common = new Set(rowGaps[0] ?? []);
  for (const g of rowGaps.slice(1)) for (const w of [...common]) if (!g.includes(w)) common.delete(w);
  if (common.size > 0) body.append(h('p', { class: 'muted small risk-coverage', id: 'risk-coverage-common' }, t('riskCoverageAllAreas', { list: [...common].join(' · ') })));
  body.append(table([t('rank'), t('area'), t('riskExpectedIncidents'), t('band'), t('riskWhy'), t('riskHistory')], list.map((o, i) => [
    rankCell(o['rank'] ?? i + 1, o['rankRange'], o['uncertain']), cell(o['district'] ?? o['id']), expectedText(o['expected']), bandBadge(o['band']), factorWords(o['factors'], o['factorsVsAverage'], common), mixText(o['dataMix']),
  ]), { class: 'compact', id: 'risk-table' }));
  body.append(h('p', { class: 'muted small', id: 'risk-help' }, t('riskFactorsHelp')));
  // Periods no feed covers: say how the ranking treats them when any row rests on them.
  if (list.some((o) => o['uncertain'] === true || (Array.isArray(o['factors']) && o['factors'].some((x) => (x as { coveredShare?: unknown }).coveredShare !== undefined && (x as { coveredShare: unknown }).coveredShare !== 1)))) {
    body.append(h('p', { class: 'muted small', id: 'risk-coverage-help' }, t('riskCoverageHelp')));
  }
  const mix = mixText(result['dataMix']);
  if (mix !== '—') body.append(h('p', { class: 'muted small', id: 'risk-mix' }, `${t('riskMixAll')}: ${mix}`));
  // the envelope's caveats: the service's own (e.g. UNCOVERED_PERIODS, months no feed covers) and the result's
  const c = caveats(d);
  if (c !== null) body.append(c);
}

const BAND_KEYS = { severe: 'bandSevere', high: 'bandHigh', elevated: 'bandElevated', low: 'bandLow' } as const;
const bandName = (b: unknown): string => (typeof b === 'string' && b in BAND_KEYS ? t(BAND_KEYS[b as keyof typeof BAND_KEYS]) : cell(b));
const bandBadge = (b: unknown): HTMLElement => h('span', { class: `badge band-${String(b)}`, 'data-band': String(b) }, bandName(b));
const expectedText = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? (v >= 10 ? v.toFixed(0) : v.toFixed(1)) : cell(v));

/** What the bands mean, in the words of the thresholds the server used, and how many areas each holds. */
function bandNote(result: Record<string, unknown>): HTMLElement {
  const th = ((result['model'] ?? {}) as { thresholds?: { shares?: number[]; scale?: string } }).thresholds ?? {};
  const sh = th.shares ?? [0.5, 0.75, 0.9];
  const pc = (x: number | undefined) => Math.round(100 * (x ?? 0));
  const counts = (result['bandCounts'] ?? {}) as Record<string, number>;
  const said = (['severe', 'high', 'elevated', 'low'] as const).map((b) => `${bandName(b)} ${counts[b] ?? 0}`).join(' · ');
  const how = t(th.scale === 'absolute' ? 'riskBandsAbsolute' : th.scale === 'ratio' ? 'riskBandsRatio' : 'riskBandsShare');
  return h('p', { class: 'muted small', id: 'risk-bands-note' }, `${t('riskBandsMeaning', { severe: pc(sh[0]), high: pc(sh[1]), elevated: pc(sh[2]) })} ${how} ${t('riskBandCounts', { counts: said })}`);
}

/** The rank, and when it rests on periods no feed covers, the ranks it could take ("3 · could be 1–7"). */
function rankCell(rank: unknown, range: unknown, uncertain: unknown): HTMLElement | string {
  if (uncertain !== true) return cell(rank);
  const r = Array.isArray(range) && range.length === 2 && range[0] !== range[1] ? ` · ${t('riskRankRange', { from: String(range[0]), to: String(range[1]) })}` : '';
  return h('span', { class: 'risk-rank uncertain', title: t('riskRankUncertain'), 'data-uncertain': 'true' }, `${cell(rank)}?${r}`);
}

const FACTOR_NAME_KEYS: Record<string, keyof Messages> = { intensity: 'factorNameIntensity', harm: 'factorNameHarm', trend: 'factorNameTrend', nearRepeat: 'factorNameNearRepeat' };

/**
 * The factors that rest on little covered data, in words: "the trend: not known (feeds cover 0% of
 * its time)" / "recent incidents: little covered data (feeds cover 40% of its time)".
 */
function coverageWords(all: readonly { name?: unknown; known?: unknown; lowCoverage?: unknown; coveredShare?: unknown }[]): string[] {
  const out: string[] = [];
  for (const x of all) {
    const name = String(x.name);
    const key = FACTOR_NAME_KEYS[name];
    const said = key !== undefined ? t(key) : name.replace(/_/g, ' ');
    const pct = String(Math.round(100 * (typeof x.coveredShare === 'number' ? x.coveredShare : 0)));
    if (x.known === false) out.push(t('riskFactorUnknown', { name: said, pct }));
    else if (x.lowCoverage === true) out.push(t('riskFactorLowCoverage', { name: said, pct }));
  }
  return out;
}

const FACTOR_KEYS: Record<string, readonly [keyof Messages, keyof Messages]> = {
  intensity: ['factorIntensityUp', 'factorIntensityDown'], harm: ['factorHarmUp', 'factorHarmDown'], trend: ['factorTrendUp', 'factorTrendDown'], nearRepeat: ['factorNearRepeatUp', 'factorNearRepeatDown'],
};

/**
 * The factors that move the area most, in a commander's words with their relative risk
 * ("many recent incidents ×2.10 · rising trend ×1.25"), as the report says them
 * (packages/server/src/report/build-report.ts); the raw values are in the tooltip for analysts.
 */
function factorWords(f: unknown, vsAverage: unknown, saidAbove: ReadonlySet<string> = new Set()): HTMLElement | string {
  if (!Array.isArray(f)) return cell(f);
  const all = f.map((x) => x as { name?: unknown; value?: unknown; standardised?: unknown; contribution?: unknown; relativeRisk?: unknown; known?: unknown; lowCoverage?: unknown; coveredShare?: unknown });
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  // Relative risk against the average area of this period when the server gives it (older servers:
  // against the training average, the factor's own relativeRisk).
  const avg = new Map(Array.isArray(vsAverage) ? vsAverage.map((x) => { const o = x as { name?: unknown; relativeRisk?: unknown }; return [String(o.name), num(o.relativeRisk)] as const; }) : []);
  const rr = (x: (typeof all)[number]): number => avg.get(String(x.name)) ?? num(x.relativeRisk);
  const words = (name: string, up: boolean): string => {
    const k = FACTOR_KEYS[name];
    return k !== undefined ? t(k[up ? 0 : 1]) : t(up ? 'factorTerrainUp' : 'factorTerrainDown', { name: name.replace(/_/g, ' ') });
  };
  // Factors that change the expected count by at least 10 % either way, the largest first, at most 3.
  const top = all.filter((x) => rr(x) > 0 && Math.abs(Math.log(rr(x))) >= Math.log(1.1)).sort((x, y) => Math.abs(Math.log(rr(y))) - Math.abs(Math.log(rr(x)))).slice(0, 3);
  const said = top.length === 0 ? t('factorNone') : top.map((x) => `${words(String(x.name), rr(x) > 1)} ×${rr(x) >= 10 ? rr(x).toFixed(0) : rr(x).toFixed(1)}`).join(' · ');
  const raw = all.map((x) => `${String(x.name)}: ${t('riskRawValue')} ${x.known === false ? '—' : num(x.value).toFixed(2)}, ${t('riskRawSd')} ${num(x.standardised).toFixed(2)}, ${t('riskRawLog')} ${num(x.contribution) >= 0 ? '+' : ''}${num(x.contribution).toFixed(2)} (×${num(x.relativeRisk).toFixed(2)} ${t('riskRawVsTraining')})`).join('\n');
  const gaps = coverageWords(all).filter((g) => !saidAbove.has(g));
  if (gaps.length === 0) return h('span', { class: 'risk-factors', title: raw, 'data-raw': raw }, said);
  return h('span', { class: 'risk-factors', title: raw, 'data-raw': raw }, said, h('br'), h('span', { class: 'risk-coverage muted small' }, gaps.join(' · ')));
}

/** How the area's past incidents came to notice: public report / found on patrol / unknown. */
function mixText(m: unknown): string {
  if (m === null || typeof m !== 'object') return '—';
  const o = m as Record<string, unknown>;
  const n = (k: string) => (typeof o[k] === 'number' ? (o[k] as number) : 0);
  const total = n('public') + n('discovered') + n('unknown');
  if (!(total > 0)) return '—';
  const pc = (k: string) => `${Math.round((100 * n(k)) / total)}%`;
  return t('riskMix', { public: pc('public'), discovered: pc('discovered'), unknown: pc('unknown') });
}

export async function renderAllocation(root: HTMLElement): Promise<void> {
  const body = page(root, t('allocationTitle'), 'page-allocation');
  const k = h('input', { id: 'alloc-k', type: 'number', min: '1', max: '500', value: '6' });
  const radius = h('input', { id: 'alloc-radius', type: 'number', min: '1', max: '500', value: '25' });
  const run = h('button', { type: 'button', id: 'alloc-run' }, t('allocationRun'));
  const out = h('div', { id: 'alloc-out' }, h('p', { class: 'muted', id: 'alloc-help' }, t('allocationHelp')));
  body.append(h('div', { class: 'row form-row' }, h('label', { for: 'alloc-k' }, t('units')), k, h('label', { for: 'alloc-radius' }, t('radiusKm')), radius, run), out);
  run.addEventListener('click', async () => {
    out.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    const r = await api<unknown>('/api/allocation', { method: 'POST', body: JSON.stringify({ filter: { province: PROVINCE }, level: 'h3', units: Number(k.value), radiusKm: Number(radius.value) }) });
    const bad = unavailable('/api/allocation', r);
    if (bad !== undefined) { out.replaceChildren(bad); return; }
    const res = ((r.ok ? r.data : {}) as { result?: Record<string, unknown> }).result ?? {};
    const plans = (res['plans'] ?? {}) as Record<string, { covered?: number; coveredShare?: number; sites?: Record<string, unknown>[]; siteIds?: string[] }>;
    const planName = (n: string) => (n === 'greedy' ? t('planGreedy') : n === 'proportional' ? t('planProportional') : n === 'uniform' ? t('planUniform') : n);
    const oneDecimal = (x: unknown) => (typeof x === 'number' ? x.toFixed(1) : '—');
    out.replaceChildren(
      table([t('plan'), t('covered'), t('coveredShare'), t('sites')], Object.entries(plans).map(([name, p]) => [
        planName(name), oneDecimal(p.covered), p.coveredShare === undefined ? '—' : `${(p.coveredShare * 100).toFixed(1)}%`, cell(p.sites?.length ?? p.siteIds?.length),
      ]), { class: 'compact', id: 'alloc-plans' }),
      h('h3', {}, t('planSites', { plan: t('planGreedy') })),
      table(['#', t('district'), t('siteLocation'), t('band'), t('siteGain')], (plans['greedy']?.sites ?? []).map((s, i) => [
        String(i + 1), cell(s['district']), typeof s['lat'] === 'number' && typeof s['lon'] === 'number' ? `${s['lat'].toFixed(3)}, ${s['lon'].toFixed(3)}` : '—',
        s['band'] === undefined ? '—' : bandBadge(s['band']), oneDecimal(s['marginalGain']),
      ]), { class: 'compact', id: 'alloc-sites' }),
      caveats(r.ok ? r.data : {}) ?? '');
  });
}

export async function renderEvaluations(root: HTMLElement): Promise<void> {
  const body = page(root, t('evaluationsTitle'), 'page-evaluations');
  body.append(h('p', { class: 'muted' }, t('evaluationsHelp')));
  const r = await api<unknown>('/api/evaluations');
  // The server runs evaluations (POST) but keeps no list of them yet: say so, not "not available".
  if (!r.ok && r.status === 404) { body.append(h('p', { class: 'muted', id: 'evaluations-none' }, t('evaluationsNone'))); return; }
  body.append(unavailable('/api/evaluations', r) ?? autoView(r.ok ? r.data : null));
}

export async function renderQuality(root: HTMLElement): Promise<void> {
  const body = page(root, t('qualityTitle'), 'page-quality');
  const [sources, runs, quarantine, stats, coverage] = await Promise.all([
    api<{ agencies?: { agency: string; incidents: number }[] }>('/api/sources'), api<unknown>('/api/sources/runs?limit=50'),
    api<{ items?: Record<string, unknown>[]; total?: number }>('/api/quarantine?limit=50'), api<Stats>('/api/stats'),
    api<{ feeds?: { feed: string; runs: number; spans: { label: string }[]; gaps: { label: string }[] }[]; gaps?: { label: string }[] }>('/api/sources/coverage'),
  ]);
  const runList = runs.ok ? listOf(runs.data) : [];
  // each agency's latest run (runs come newest first or not: compare)
  const last = new Map<string, string>();
  for (const r of runList) {
    const agency = String(r['agency'] ?? ''); const at = String(r['finishedAt'] ?? r['startedAt'] ?? '');
    if (agency !== '' && at > (last.get(agency) ?? '')) last.set(agency, at);
  }
  body.append(h('h2', {}, t('feeds')));
  const sourcesBad = unavailable('/api/sources', sources);
  if (sourcesBad !== undefined) body.append(sourcesBad);
  else if (sources.ok) {
    const agencies = [...(sources.data.agencies ?? [])].sort((x, y) => y.incidents - x.incidents);
    body.append(table([t('agency'), t('incidentsHeader'), t('lastReceived')], agencies.map((a) => {
      const at = last.get(a.agency);
      return [a.agency, a.incidents, at === undefined ? '—' : pakistanTime(at)];
    }), { class: 'compact', id: 'feeds-table' }));
  }
  // which periods each feed reported: a month no feed covers is no data, not zero incidents
  body.append(h('h2', {}, t('coverage')));
  const coverageBad = unavailable('/api/sources/coverage', coverage);
  if (coverageBad !== undefined) body.append(coverageBad);
  else if (coverage.ok) {
    const feeds = coverage.data.feeds ?? [];
    const gaps = coverage.data.gaps ?? [];
    if (gaps.length > 0) body.append(h('p', { class: 'warning', id: 'coverage-gaps' }, t('coverageAllGaps', { list: gaps.map((g) => g.label).join(', ') })));
    if (feeds.length === 0) body.append(h('p', { class: 'muted', id: 'coverage-none' }, t('coverageNone')));
    else {
      body.append(table([t('agency'), t('coveredSpans'), t('coverageGaps')], feeds.map((f) => [
        f.feed, h('span', { dir: 'ltr' }, f.spans.map((x) => x.label).join(', ')), f.gaps.length === 0 ? '—' : h('span', { dir: 'ltr' }, f.gaps.map((x) => x.label).join(', ')),
      ]), { class: 'compact', id: 'coverage-table' }));
    }
  }
  body.append(h('h2', {}, t('runs')));
  const runsBad = unavailable('/api/sources/runs', runs);
  if (runsBad !== undefined) body.append(runsBad);
  else {
    const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString();
    const silent = [...last].filter(([, at]) => at < weekAgo).map(([a, at]) => `${a} (${pakistanTime(at)})`);
    if (silent.length > 0) body.append(h('p', { class: 'warning', id: 'silent-agencies' }, t('silentAgencies', { list: silent.join(', ') })));
    body.append(table([t('agency'), t('runFile'), t('runStarted'), t('rowsRead'), t('newIncidents'), t('linkedReports'), t('duplicates'), t('quarantinedCount')],
      runList.map((r) => [String(r['agency'] ?? '—'), fileName(r['origin']), r['startedAt'] === undefined ? '—' : pakistanTime(String(r['startedAt'])),
        num(r['rowsRead']), num(r['inserted']), num(r['attached']), num(r['duplicates']), num(r['quarantined'])]),
      { class: 'compact', id: 'runs-table' }));
  }
  body.append(h('h2', {}, t('quarantine')));
  const qBad = unavailable('/api/quarantine', quarantine);
  if (qBad !== undefined) body.append(qBad);
  else if (quarantine.ok) {
    const items = quarantine.data.items ?? [];
    const total = quarantine.data.total ?? items.length;
    body.append(h('p', { class: 'muted', id: 'quarantine-total' }, items.length === 0 ? t('quarantineNone') : t('quarantineShown', { total: total.toLocaleString('en-US'), shown: String(items.length) })));
    if (items.length > 0) {
      body.append(table([t('agency'), t('runFile'), t('reasons'), t('rawRow')], items.map((q) => [
        String(q['agency'] ?? '—'), `${fileName(q['origin'])}:${String(q['line'] ?? '?')}`, cell(q['reasons']), h('code', { class: 'raw' }, String(q['raw'] ?? '')),
      ]), { class: 'compact', id: 'quarantine-table' }));
    }
  }
  body.append(h('h2', {}, t('linking')));
  if (stats.ok && stats.data.total > 0) {
    body.append(h('p', { id: 'linking' }, t('linkingText', { reports: stats.data.reports.toLocaleString('en-US'), incidents: stats.data.total.toLocaleString('en-US'), ratio: (stats.data.reports / stats.data.total).toFixed(2) })));
  } else body.append(unavailable('/api/stats', stats) ?? h('p', {}, '—'));
}

/** The file name of an ingest origin (a path on the server), without its directories. */
const fileName = (origin: unknown): string => (typeof origin === 'string' && origin !== '' ? origin.split(/[\\/]/).pop()! : '—');
const num = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US') : '—');

function listOf(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  const d = (data ?? {}) as Record<string, unknown>;
  return (d['items'] ?? d['runs'] ?? d['rows'] ?? d['reports'] ?? []) as Record<string, unknown>[];
}

export async function renderReports(root: HTMLElement): Promise<void> {
  const body = page(root, t('reportsTitle'), 'page-reports');
  const r = await api<unknown>('/api/reports');
  const bad = unavailable('/api/reports', r);
  if (bad !== undefined) { body.append(bad); return; }
  // Generate: a monthly assessment of the last month with data (the archive keeps it).
  const stats = await api<Stats>(`/api/stats${qs({ province: PROVINCE })}`);
  const months = stats.ok ? Object.keys(stats.data.byMonth).sort() : [];
  const last = months[months.length - 1];
  if (last !== undefined) {
    const gen = h('button', { type: 'button', id: 'report-generate' }, `${t('reportGenerate')} ${last}`);
    const note = h('span', { class: 'muted', id: 'report-note' });
    gen.addEventListener('click', async () => {
      gen.disabled = true;
      note.textContent = t('loading');
      const g = await api<unknown>('/api/reports', { method: 'POST', body: JSON.stringify({ template: 'monthly', period: last, province: PROVINCE }) });
      // Generated and archived: the router draws the page again with the new list.
      if (g.ok) { window.dispatchEvent(new HashChangeEvent('hashchange')); return; }
      gen.disabled = false;
      note.textContent = g.status === 403 ? t('forbidden') : t('loadFailed', { detail: g.detail });
    });
    body.append(h('div', { class: 'row' }, gen, note));
  }
  const list = listOf(r.ok ? r.data : null);
  if (list.length === 0) { body.append(h('p', { class: 'muted', id: 'reports-none' }, t('reportsNone'))); return; }
  body.append(table([t('reportTitle'), t('reportPeriod'), t('classification'), t('reportGenerated'), ''], list.map((x) => {
    const id = String(x['id'] ?? '');
    const formats = Array.isArray(x['formats']) ? (x['formats'] as string[]) : ['html', 'pdf', 'xlsx'];
    const links = h('span', {}, ...formats.flatMap((f) => [h('a', { href: `/api/reports/${encodeURIComponent(id)}.${f}`, target: '_blank', rel: 'noopener' }, f), ' ']));
    return [cell(x['title'] ?? id), cell(x['period']), cell(x['classification']), x['generatedAt'] === undefined ? '—' : pakistanTime(String(x['generatedAt'])), links];
  }), { class: 'compact', id: 'reports-table' }));
}
