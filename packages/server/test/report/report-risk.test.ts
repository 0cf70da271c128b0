/**
 * The report's risk outlook and recommended deployment come from the same services, with the same
 * parameters, as `GET /api/risk` and `POST /api/allocation`: the numbers of the report's tables
 * equal the API's answers through the real app (Cedar, need-to-know), for a SECRET analyst, for a
 * RESTRICTED analyst (the report built with the RESTRICTED ceiling) and for a district officer's
 * district edition. The forecast section respects the reader's clearance and, in a district edition,
 * forecasts that district alone (equal to runCountForecast called with the same scope) and leaves
 * the risk ranking (of one district, against nothing) to the province edition.
 * Data: three years of seeded monthly incidents in five districts (the history of
 * test/risk/risk-api.test.ts), a quarter of them discovered by patrols, at three classifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRng, type Classification, type Report } from '@baseerat/engine';
import { runCountForecast } from '../../src/forecast/counts-service.js';
import { loadGeography } from '../../src/reference/geography.js';
import { buildReport, reportAllocationOptions, reportRiskOptions, reportScope, type BuildReportOptions } from '../../src/report/build-report.js';
import type { ReportModel, ReportTable } from '../../src/report/model.js';
import { harness, type Harness, type Who } from '../api/api-harness.js';

const geography = loadGeography();
const PLACES = [
  { district: 'Quetta', lat: 30.18, lon: 67.01, rate: 6 },
  { district: 'Kech', lat: 26.0, lon: 63.05, rate: 3 },
  { district: 'Gwadar', lat: 25.13, lon: 62.32, rate: 1.5 },
  { district: 'Mastung', lat: 29.8, lon: 66.84, rate: 1 },
  { district: 'Khuzdar', lat: 27.8, lon: 66.6, rate: 0.7 },
];
const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL'];

function history(): Report[] {
  const rng = new SeededRng('report-risk');
  const out: Report[] = [];
  let n = 0;
  for (let m = 0; m < 36; m++) {
    const y = 2021 + Math.floor(m / 12), mo = (m % 12) + 1;
    for (const p of PLACES) {
      const k = Math.floor(p.rate * (0.5 + rng.next()));
      for (let e = 0; e < k; e++) {
        n++;
        out.push({
          occurredAt: `${y}-${String(mo).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 27)).padStart(2, '0')}T10:00:00.000Z`, timePrecision: 'exact',
          location: { lat: p.lat + (rng.next() - 0.5) * 0.4, lon: p.lon + (rng.next() - 0.5) * 0.4, precision: 'exact', district: p.district, province: 'Balochistan' },
          category: 'TI.BOMB', severity: { killed: Math.floor(rng.next() * 3), injured: Math.floor(rng.next() * 4), abducted: 0 },
          classification: LEVELS[n % 3]!, reportingMode: n % 4 === 0 ? 'discovered' : 'public',
          source: { agency: 'police', sourceId: `hist_${n}`, receivedAt: '2024-01-20T00:00:00.000Z', format: 'test', raw: `{"n":${n}}` },
        });
      }
    }
  }
  return out;
}

let h: Harness;
const tok: Partial<Record<Who, string>> = {};
const NOW = new Date('2024-02-01T08:00:00.000Z');
const BASE: Pick<BuildReportOptions, 'template' | 'period' | 'sections' | 'generatedBy' | 'now'> = { template: 'custom', period: '2023-12', sections: ['outlook', 'deployment'], generatedBy: 'test', now: NOW };

beforeAll(async () => {
  h = await harness();
  const reports = history();
  await h.env.store.writeBatch({ newIncidents: reports.map((r, i) => ({ id: `inc_h${i}`, reports: [r], links: [] })), attachments: [], quarantine: [] });
  for (const w of ['analyst', 'lowanalyst', 'quetta'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

const ctx = () => ({ store: h.env.store, geography });
const section = (m: ReportModel, id: string) => m.sections.find((s) => s.id === id)!;
const tableOf = (m: ReportModel, id: string): ReportTable | undefined => m.sections.flatMap((s) => s.tables).find((tb) => tb.id === id);
const col = (tb: ReportTable, key: string): number => tb.columns.findIndex((c) => c.key === key);
const kv = (tb: ReportTable, label: string): number | string | null => {
  const row = tb.rows.find((r) => r[0]!.value === label);
  if (row === undefined) throw new Error(`no row ${label} in ${tb.id}`);
  return row[1]!.value;
};

type RiskTop = { rank: number; id: string; band: string; expected: number; pastIncidents: number; dataMix: { public: number; discovered: number; unknown: number } };
type Alloc = {
  totalExpected: number;
  plans: { greedy: { sites: { id: string }[]; coveredShare: number }; proportional: { coveredShare: number }; uniform: { coveredShare: number } };
  ratios: { greedyOverProportional: number | null; greedyOverUniform: number | null };
  schedule: { coverage: { id: string; probability: number }[]; expectedCovered: number };
  dataMix: { public: number; discovered: number; unknown: number };
};

/** The query the report's risk request is (for a district edition: what it would be), as a URL of GET /api/risk. */
function riskUrl(m: ReportModel, o: BuildReportOptions): string {
  const r = reportRiskOptions(reportScope(geography, o), o);
  const q = new URLSearchParams({ province: m.scope.province, to: r.filter!.to!, level: r.level!, period: r.period!, target: r.target!, top: String(r.top) });
  if (m.scope.district !== null) q.set('districts', m.scope.district);
  return `/api/risk?${q.toString()}`;
}

function allocationBody(m: ReportModel, o: BuildReportOptions): Record<string, unknown> {
  const a = reportAllocationOptions(reportScope(geography, o), o);
  return {
    filter: { province: m.scope.province, to: a.filter!.to, ...(m.scope.district === null ? {} : { districts: m.scope.district }) },
    level: a.level, resolution: a.resolution, period: a.period, target: a.target, units: a.units, radiusKm: a.radiusKm, unpredictability: a.unpredictability,
  };
}

/** The report's risk tables equal the API's ranking, row by row. */
async function expectRiskEqualsApi(m: ReportModel, o: BuildReportOptions, token: string): Promise<RiskTop[]> {
  const res = await h.req('GET', riskUrl(m, o), token);
  expect(res.statusCode, res.body).toBe(200);
  const api = res.json() as { classification: string; result: { areas: number; bandCounts: Record<string, number>; top: RiskTop[]; dataMix: RiskTop['dataMix'] } };
  const tb = tableOf(m, 'risk-all') ?? tableOf(m, 'risk')!;
  expect(tb.rows.length).toBe(api.result.top.length);
  tb.rows.forEach((row, i) => {
    const a = api.result.top[i]!;
    expect(row[col(tb, 'rank')]!.value).toBe(a.rank);
    expect(row[col(tb, 'd')]!.value).toBe(a.id);
    expect(row[col(tb, 'band')]!.value).toBe(a.band);
    expect(row[col(tb, 'e')]!.value).toBe(a.expected);
    expect(row[col(tb, 'past')]!.value).toBe(a.pastIncidents);
    expect(row[col(tb, 'mix')]!.value).toBe(`${a.dataMix.public} / ${a.dataMix.discovered} / ${a.dataMix.unknown}`);
  });
  const sum = tableOf(m, 'risk-summary')!;
  expect(kv(sum, 'Districts ranked')).toBe(api.result.areas);
  for (const b of ['severe', 'high', 'elevated', 'low']) expect(kv(sum, `Band: ${b}`)).toBe(api.result.bandCounts[b]);
  expect([kv(sum, 'Reported by the public'), kv(sum, 'Discovered by patrols'), kv(sum, 'Reporting mode unknown')]).toEqual([api.result.dataMix.public, api.result.dataMix.discovered, api.result.dataMix.unknown]);
  return api.result.top;
}

/** The report's deployment tables equal the API's plan. */
async function expectAllocationEqualsApi(m: ReportModel, o: BuildReportOptions, token: string): Promise<Alloc> {
  const res = await h.req('POST', '/api/allocation', token, allocationBody(m, o));
  expect(res.statusCode, res.body).toBe(200);
  const a = (res.json() as { result: Alloc }).result;
  const plan = tableOf(m, 'deployment')!;
  expect(plan.rows.map((r) => r[col(plan, 'site')]!.value)).toEqual(a.plans.greedy.sites.map((s) => s.id));
  const prob = new Map(a.schedule.coverage.map((c) => [c.id, c.probability]));
  for (const r of plan.rows) expect(r[col(plan, 'p')]!.value).toBe(100 * (prob.get(r[col(plan, 'site')]!.value as string) ?? 0));
  const sched = tableOf(m, 'deployment-schedule')!;
  expect(sched.rows.map((r) => [r[0]!.value, r[2]!.value])).toEqual(a.schedule.coverage.slice(0, 15).map((c) => [c.id, 100 * c.probability]));
  const sum = tableOf(m, 'deployment-summary')!;
  expect(kv(sum, 'Optimised plan: share of expected harm covered')).toBe(100 * a.plans.greedy.coveredShare);
  expect(kv(sum, 'Proportional plan: share covered')).toBe(100 * a.plans.proportional.coveredShare);
  expect(kv(sum, 'Uniform plan: share covered')).toBe(100 * a.plans.uniform.coveredShare);
  expect(kv(sum, 'Optimised / proportional')).toBe(a.ratios.greedyOverProportional);
  expect(kv(sum, 'Optimised / uniform')).toBe(a.ratios.greedyOverUniform);
  expect(kv(sum, 'Randomised schedule: share covered on average')).toBe(100 * a.schedule.expectedCovered / a.totalExpected);
  expect([kv(sum, 'Reported by the public'), kv(sum, 'Discovered by patrols'), kv(sum, 'Reporting mode unknown')]).toEqual([a.dataMix.public, a.dataMix.discovered, a.dataMix.unknown]);
  return a;
}

describe('report risk outlook and deployment = /api/risk and /api/allocation', () => {
  it('province edition, SECRET analyst: every row of the ranking and the plan equal the API', async () => {
    const o: BuildReportOptions = { ...BASE };
    const m = await buildReport(ctx(), o);
    const top = await expectRiskEqualsApi(m, o, tok.analyst!);
    expect(top.length).toBe(geography.districtsIn('Balochistan').length);
    expect(top[0]!.id).toBe('Quetta');
    // the executive summary quotes the index's severe band and top district
    const sr = section(m, 'summary').paragraphs.find((p) => p.key === 'summary.risk')!;
    expect(sr.facts.find((f) => f.key === 'district')!.value).toBe(top[0]!.id);
    expect(sr.facts.find((f) => f.key === 'severe')!.value).toBe(top.filter((x) => x.band === 'severe').length);
    const a = await expectAllocationEqualsApi(m, o, tok.analyst!);
    expect(a.dataMix.discovered).toBeGreaterThan(0);
    // the narrative names the top district with its band and why, and says how the data came to notice
    const text = section(m, 'outlook').paragraphs.map((p) => p.text).join('\n');
    expect(text).toMatch(/^Quetta: (severe|high|elevated) risk, [\d.]+ incidents expected; it ranks high mainly because of /m);
    expect(text).toContain('discovered by patrols');
    expect(section(m, 'deployment').paragraphs.map((p) => p.key)).toEqual(['deploy.text', 'deploy.compare', 'deploy.schedule']);
  }, 60_000);

  it('RESTRICTED ceiling: the report reads what a RESTRICTED analyst may, and equals their API answers; the forecast too', async () => {
    const o: BuildReportOptions = { ...BASE, maxClassification: 'RESTRICTED' };
    const m = await buildReport(ctx(), o);
    expect(['UNCLASSIFIED', 'RESTRICTED']).toContain(m.classification);
    const top = await expectRiskEqualsApi(m, o, tok.lowanalyst!);
    const full = await buildReport(ctx(), { ...BASE });
    const fullTop = tableOf(full, 'risk-all')!.rows.map((r) => r[col(tableOf(full, 'risk-all')!, 'e')]!.value);
    expect(top.map((x) => x.expected)).not.toEqual(fullTop);
    await expectAllocationEqualsApi(m, o, tok.lowanalyst!);
    const fc = await runCountForecast({ db: h.env.store, province: 'Balochistan', period: 'month', origin: '2024-01', horizon: 1, backtestOrigins: 0, maxClassification: 'RESTRICTED' });
    const fcAll = await runCountForecast({ db: h.env.store, province: 'Balochistan', period: 'month', origin: '2024-01', horizon: 1, backtestOrigins: 0 });
    const total = (f: typeof fc) => f.horizons[0]!.districts.reduce((s, d) => s + d.mean, 0);
    const shown = kv(tableOf(m, 'forecast-summary')!, 'Expected count: total') as number;
    expect(shown).toBeCloseTo(total(fc), 10);
    expect(Math.abs(shown - total(fcAll))).toBeGreaterThan(1e-6);
    expect(fc.classification).toBe('RESTRICTED');
  }, 60_000);

  it('district edition (Quetta): the district forecast; no one-district ranking; deployment equals the district officer\'s API answer', async () => {
    const o: BuildReportOptions = { ...BASE, district: 'Quetta' };
    const m = await buildReport(ctx(), o);
    expect(m.districts).toEqual(['Quetta']);
    const fc = await runCountForecast({ db: h.env.store, province: 'Balochistan', period: 'month', origin: '2024-01', horizon: 1, backtestOrigins: 0, districts: ['Quetta'] });
    const q = fc.horizons[0]!.districts;
    expect(q.map((d) => d.district)).toEqual(['Quetta']);
    const out = section(m, 'outlook');
    expect(out.paragraphs[0]!.key).toBe('outlook.district');
    const f = Object.fromEntries(out.paragraphs[0]!.facts.map((x) => [x.key, x.value]));
    expect(f['mean']).toBeCloseTo(q[0]!.mean, 10);
    expect([f['lo'], f['hi']]).toEqual(q[0]!.interval90);
    const text = JSON.stringify(m);
    for (const other of PLACES.slice(1)) expect(text.includes(other.district), other.district).toBe(false);
    // no ranking of one district: the API's answer for the district officer has a single area whose
    // band is calibrated on itself, which the edition does not show
    expect(tableOf(m, 'risk')).toBeUndefined();
    expect(out.paragraphs.map((p) => p.key)).toContain('risk.district');
    const res = await h.req('GET', riskUrl(m, o), tok.quetta!);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { result: { areas: number } }).result.areas).toBe(1);
    if (tableOf(m, 'deployment') !== undefined) await expectAllocationEqualsApi(m, o, tok.quetta!);
    else {
      // the service refuses this area (too few cells with incidents to fit the index): the API says the same
      const r = await h.req('POST', '/api/allocation', tok.quetta!, allocationBody(m, o));
      expect(r.statusCode).toBe(422);
      expect(section(m, 'deployment').unavailable).toContain((r.json() as { detail: string }).detail);
    }
  }, 60_000);
});
