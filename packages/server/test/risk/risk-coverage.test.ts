/**
 * riskService on a store with a feed gap (test/analysis/gap-store.ts: a 2021 feed and a 2024
 * feed in Quetta, each ingested as its own run; nothing covers 2022-2023): the panel's exposure
 * comes from the runs' recorded ranges. On UCDP Balochistan ingested as two runs with 2014-2015
 * left out: the uncovered half-years are left out of training, and the answer says so per factor
 * and per area.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caveatCodes, type Report } from '@baseerat/engine';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { AnalysisContext } from '../../src/analysis/index.js';
import { ingestOne } from '../../src/cli/services.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore } from '../../src/store/index.js';
import { buildRiskInputs, riskService, type RiskResult } from '../../src/risk/risk-service.js';
import type { Store } from '../../src/store/index.js';
import { openGapStore } from '../analysis/gap-store.js';

let store: Store;
let ctx: AnalysisContext;
beforeAll(async () => { ({ store, ctx } = await openGapStore()); }, 60_000);
afterAll(async () => { await store.close(); });

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const OPTS = { filter: { province: 'Balochistan', to: '2025-01-01' }, level: 'district' as const, period: 'quarter' as const };

describe('risk index on a store with a feed gap', () => {
  it('each quarter\'s exposure is the share of it the ingest runs cover', async () => {
    const inp = await buildRiskInputs(ctx, OPTS);
    expect(inp.panel.nPeriods).toBe(16); // 2021 Q1 .. 2024 Q4
    const e = [...inp.panel.exposure];
    expect(e.slice(0, 3)).toEqual([1, 1, 1]);
    // The 2021 feed's last call is on 30 December (one every 3 days from 1 January): its run
    // covers the Pakistan days up to 30 December, 91 of the quarter's 92.
    expect(e[3]).toBeCloseTo(91 / 92, 12);
    expect(e.slice(4, 12)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(e.slice(12)).toEqual([1, 1, 1, 1]);
    // Without an end the history runs to the month after the latest incident; with coverage known,
    // days after the feeds' last covered day are not covered rather than quiet.
    const open = await buildRiskInputs(ctx, { ...OPTS, filter: { province: 'Balochistan' } });
    expect(open.caveats.find((c) => c.code === 'LAST_PERIOD_OPEN')?.message).toMatch(/the days after the last day the feeds cover count as not covered/);
    expect(inp.caveats.find((c) => c.code === 'RISK_PERIODS_UNCOVERED')?.message).toMatch(/^8 of the 16 quarter periods have no feed coverage \(2022-01-01 to 2022-03-31 \.\.\. 2023-10-01 to 2023-12-31\) and 1 are partly covered/);
  });

  it('incidents written outside the ingest path make their periods read as covered, not scaled by a coverage that does not describe them', async () => {
    // A second store: the gap store's two feeds, plus one incident written directly (no ingest run
    // records it) in each quarter of 2022 and none in 2023.
    const { store: s2, ctx: c2 } = await openGapStore();
    try {
      const direct = (i: number, at: string): Report => ({
        occurredAt: at, timePrecision: 'exact', location: { lat: 30.19, lon: 67.01, precision: 'exact', district: 'Quetta', province: 'Balochistan' },
        category: 'TI.BOMB', severity: { killed: 0, injured: 0, abducted: 0 }, narrative: `direct ${i}`, classification: 'UNCLASSIFIED', reportingMode: 'public',
        source: { agency: 'seed', sourceId: `direct-${i}`, receivedAt: '2025-01-02T00:00:00.000Z', format: 'test', raw: `{"i":${i}}` },
      }) as Report;
      const at = ['2022-02-10T05:00:00.000Z', '2022-05-10T05:00:00.000Z', '2022-08-10T05:00:00.000Z', '2022-11-10T05:00:00.000Z'];
      await s2.writeBatch({ newIncidents: at.map((t, i) => ({ id: `inc_direct_${i}`, reports: [direct(i, t)], links: [] })), attachments: [], quarantine: [] });
      const inp = await buildRiskInputs(c2, OPTS);
      expect([...inp.panel.exposure].slice(4, 12)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
      const c = inp.caveats.find((x) => x.code === 'COVERAGE_INCOMPLETE')!;
      expect(c.count).toBe(4);
      expect(c.message).toMatch(/^4 incidents in the history lie on days no ingest run recorded as covered .*: their 4 quarter periods are read as fully covered$/);
    } finally {
      await s2.close();
    }
  });

});

/** UCDP GED as two ingest runs with 2014-2015 left out: what a store whose feed went down for two years holds. */
async function ucdpWithGap(): Promise<Store> {
  const rows = parse(readFileSync(UCDP), { relax_column_count: true }) as string[][];
  const date = rows[0]!.indexOf('date_start');
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const dir = mkdtempSync(join(tmpdir(), 'risk-gap-'));
  const s = await openStore(':memory:');
  for (const [k, [from, to]] of [['1989', '2014'], ['2016', '2022']].entries()) {
    const file = join(dir, `part${k}.csv`);
    writeFileSync(file, [rows[0]!, rows[1]!, ...rows.slice(2).filter((r) => r[date]! >= from! && r[date]! < to!)].map((r) => r.map(q).join(',')).join('\n') + '\n');
    await ingestOne(s, file, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
  }
  rmSync(dir, { recursive: true, force: true });
  return s;
}

describe('risk index on UCDP Balochistan with 2014-2015 not covered', () => {
  let gap: Store;
  let gctx: AnalysisContext;
  beforeAll(async () => { gap = await ucdpWithGap(); gctx = { store: gap, geography: loadGeography() }; }, 120_000);
  afterAll(async () => { await gap.close(); });
  const UCDP_OPTS = { filter: { province: 'Balochistan', to: '2022-01-01' }, level: 'district' as const, period: 'half-year' as const, historyPeriods: 40 };

  it('trains on covered half-years only and says so', async () => {
    const inp = await buildRiskInputs(gctx, UCDP_OPTS);
    const e = [...inp.panel.exposure];
    const h = (iso: string) => inp.starts.findIndex((s) => new Date(s + 5 * 3600e3).toISOString().startsWith(iso));
    expect(e.slice(h('2014-01-01'), h('2016-01-01'))).toEqual([0, 0, 0, 0]);
    expect(e.filter((x) => x === 0).length).toBe(4);
    const env = await riskService(gctx, UCDP_OPTS);
    const r = env.result as unknown as RiskResult & { model: { coverage: { originsLeftOut: number; originsPartlyCovered: number }; trainingRows: number } };
    expect(r.model.coverage.originsLeftOut).toBe(4);
    expect(r.model.trainingRows).toBe(34 * (40 - 4 - 4));
    expect(caveatCodes(env.caveats)).toEqual(expect.arrayContaining(['UNCOVERED_PERIODS', 'RISK_PERIODS_UNCOVERED', 'RISK_TRAINED_ON_COVERED_PERIODS']));
    // One fact, one caveat: the three fold into the window's coverage caveat, each consequence said once.
    const gapCaveat = env.caveats.find((c) => c.code === 'UNCOVERED_PERIODS')!;
    expect(gapCaveat.message).toMatch(/^no feed covers 2013-12-\d\d to 2016-01-\d\d .*the risk model is not trained on them; for the same reason, the risk factors are rates per covered day and a factor with too little covered time is reported as not known; 4 training periods are left out/);
    expect(env.caveats.filter((c) => /no feed cover/.test(c.message))).toHaveLength(1);
    for (const row of r.top) {
      expect(row.rankRange[0]).toBeLessThanOrEqual(row.rank);
      expect(row.rankRange[1]).toBeGreaterThanOrEqual(row.rank);
      for (const f of row.factors) { expect(f.known).toBe(true); expect(f.lowCoverage).toBe(false); }
    }
  });

  it('scored when the feed has been down for two years: the windowed factors are not known, intensity rests on little covered time, every rank is uncertain', async () => {
    // History to 2016-01-01: the last four half-years (2014-2015) have no coverage.
    const env = await riskService(gctx, { ...UCDP_OPTS, filter: { province: 'Balochistan', to: '2016-01-01' } });
    const r = env.result as unknown as RiskResult;
    expect(r.top.length).toBe(20);
    for (const row of r.top) {
      const by = (n: string) => row.factors.find((f) => f.name === n)!;
      for (const n of ['harm', 'trend', 'nearRepeat']) {
        expect(by(n).known).toBe(false);
        expect(by(n).value).toBeNull(); // NaN in the engine, null in JSON
        expect(by(n).contribution).toBe(0);
        expect(by(n).coveredShare).toBe(0);
      }
      // Half-life 3 half-years: the last four carry 1 - 2^(-4/3) = 60 % of the decay weight.
      expect(by('intensity').coveredShare).toBeCloseTo(Math.pow(2, -4 / 3), 2);
      expect(by('intensity').known).toBe(true);
      expect(by('intensity').lowCoverage).toBe(true);
      expect(row.uncertain).toBe(true);
    }
  });
});
