/**
 * `baseerat risk` when the scored period's factors lie outside the range the model was trained on
 * (UCDP Balochistan, scored for the first quarter of 2008 after the rise of 2006-2007: the engine sets
 * the period total to the latest covered period's, levelAdjustment != 1). The table's RR columns must
 * then be each factor's RR against this period's average area (the JSON's factorsVsAverage), as the
 * dashboard shows them, not the extrapolated RR against the training average; inside the training
 * range (2010) they are the factors' own RRs and the footnote says "training average".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../src/analysis/index.js';
import { runCli } from '../cli-capture.js';

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-risk-level-'));
const db = join(dir, 'b.duckdb');

interface Factor { name: string; relativeRisk: number; known: boolean }
interface Area { rank: number; id: string; factors: Factor[]; factorsVsAverage: { relativeRisk: number }[] }
interface Result { levelAdjustment: number; top: Area[]; model: { factors: { name: string }[] } }

beforeAll(async () => {
  const rows = parse(readFileSync(UCDP, 'utf8'), { relax_column_count: true }) as string[][];
  const adm1 = rows[0]!.indexOf('adm_1');
  const file = join(dir, 'balochistan.csv');
  writeFileSync(file, toCsv(rows[0]!, rows.slice(1).filter((r) => /baluchistan|balochistan/i.test(r[adm1] ?? ''))));
  const r = await runCli(['ingest', file, '-f', 'ucdp', '--db', db, '-q', '--received-at', '2026-01-01T00:00:00Z']);
  expect(r.code, r.err).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (to: string) => ['risk', '--db', db, '--province', 'Balochistan', '--to', to, '--period', 'quarter'];

/** The RR cells of each area's table row, by area id (columns are separated by two or more spaces). */
function rrCells(out: string, result: Result): Map<string, string[]> {
  const lines = out.split('\n');
  const header = lines.find((l) => l.startsWith('rank ') && l.includes('RR '));
  expect(header, out).toBeDefined();
  const cols = header!.trim().split(/\s{2,}/);
  const rr = result.model.factors.map((f) => cols.indexOf(`RR ${f.name}`));
  expect(rr.every((i) => i >= 0), header).toBe(true);
  const cells = new Map<string, string[]>();
  for (const a of result.top) {
    const line = lines.find((l) => l.startsWith(`${a.rank} `) && l.includes(` ${a.id} `));
    expect(line, `no row for ${a.id}`).toBeDefined();
    const c = line!.trim().split(/\s{2,}/);
    expect(c.length, line).toBe(cols.length);
    cells.set(a.id, rr.map((i) => c[i]!));
  }
  return cells;
}

const close = (cell: string, value: number) => Math.abs(Number(cell.replace('*', '')) - value) <= 0.0051;

async function run(to: string): Promise<{ out: string; result: Result }> {
  const j = await runCli([...args(to), '--json']);
  expect(j.code, j.err).toBe(0);
  const t = await runCli(args(to));
  expect(t.code, t.err).toBe(0);
  return { out: t.out, result: (JSON.parse(j.out) as { result: Result }).result };
}

describe('baseerat risk outside the training range', () => {
  it('prints each factor\'s RR against the period\'s average area, as the JSON\'s factorsVsAverage', async () => {
    const { out, result } = await run('2008-01-01');
    expect(result.levelAdjustment).not.toBe(1);
    expect(out).toMatch(/RR = relative risk from the factor against this period's average area/);
    expect(out).toMatch(/level adjustment 0\.\d+/);
    let differs = 0;
    for (const [id, cells] of rrCells(out, result)) {
      const a = result.top.find((x) => x.id === id)!;
      a.factors.forEach((f, j) => {
        if (!f.known) { expect(cells[j]).toBe('n/k'); return; }
        const vsAverage = a.factorsVsAverage[j]!.relativeRisk;
        expect(close(cells[j]!, vsAverage), `${id} ${f.name}: printed ${cells[j]}, against the average ${vsAverage}, against training ${f.relativeRisk}`).toBe(true);
        if (Math.abs(vsAverage - f.relativeRisk) > 0.02) differs++;
      });
    }
    // the case discriminates: the two RRs differ for some printed factor
    expect(differs).toBeGreaterThan(0);
  }, 60_000);

  it('inside the training range prints the factors\' own RRs and says "training average"', async () => {
    const { out, result } = await run('2010-01-01');
    expect(result.levelAdjustment).toBe(1);
    expect(out).toMatch(/RR = relative risk from the factor against an area at the training average/);
    expect(out).not.toMatch(/level adjustment/);
    for (const [id, cells] of rrCells(out, result)) {
      const a = result.top.find((x) => x.id === id)!;
      a.factors.forEach((f, j) => { if (f.known) expect(close(cells[j]!, f.relativeRisk), `${id} ${f.name}`).toBe(true); });
    }
  }, 60_000);
});
