/**
 * `baseerat risk` as a user reads it on a store whose feed went down: UCDP Balochistan ingested as two
 * runs (1989-2013 and 2016-2021) and scored at 2016-01-01, after two uncovered years. The table must
 * not print a relative risk for a factor that is not known (the JSON says known: false) and must show
 * the ranks an uncertain rank could take; with full coverage it prints neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../src/analysis/index.js';
import { runCli } from '../cli-capture.js';

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-risk-gap-'));
const db = join(dir, 'gap.duckdb');

beforeAll(async () => {
  const rows = parse(readFileSync(UCDP, 'utf8'), { relax_column_count: true }) as string[][];
  const [adm1, date] = [rows[0]!.indexOf('adm_1'), rows[0]!.indexOf('date_start')];
  const balochistan = rows.slice(1).filter((r) => /baluchistan|balochistan/i.test(r[adm1] ?? ''));
  for (const [k, [from, to]] of [['1989', '2014'], ['2016', '2022']].entries()) {
    const file = join(dir, `part${k}.csv`);
    writeFileSync(file, toCsv(rows[0]!, balochistan.filter((r) => r[date]! >= from! && r[date]! < to!)));
    const r = await runCli(['ingest', file, '-f', 'ucdp', '--db', db, '-q', '--received-at', '2026-01-01T00:00:00Z']);
    expect(r.code, r.err).toBe(0);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const risk = (to: string) => ['risk', '--db', db, '--province', 'Balochistan', '--to', to, '--period', 'half-year'];

describe('baseerat risk across a feed gap', () => {
  it('prints n/k for a factor that is not known and the range of an uncertain rank, as the JSON says', async () => {
    const j = await runCli([...risk('2016-01-01'), '--json']);
    expect(j.code, j.err).toBe(0);
    const top = (JSON.parse(j.out) as { result: { top: { rank: number; id: string; rankRange: [number, number]; uncertain: boolean; factors: { name: string; known: boolean }[] }[] } }).result.top;
    const t = await runCli(risk('2016-01-01'));
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/n\/k = the factor is not known/);
    for (const a of top) {
      const line = t.out.split('\n').find((l) => l.trimStart().startsWith(`${a.rank} `) && l.includes(` ${a.id} `));
      expect(line, `no table row for ${a.id} in\n${t.out}`).toBeDefined();
      const unknown = a.factors.filter((f) => !f.known).length;
      expect(unknown).toBeGreaterThan(0);
      expect(line!.match(/n\/k/g)?.length ?? 0).toBe(unknown);
      if (a.uncertain && a.rankRange[0] !== a.rankRange[1]) expect(line).toContain(`${a.rank} (${a.rankRange[0]}-${a.rankRange[1]})`);
    }
  });

  it('with every factor known and covered, the table has no n/k and no rank ranges', async () => {
    const t = await runCli(risk('2022-01-01'));
    expect(t.code, t.err).toBe(0);
    expect(t.out).not.toMatch(/n\/k/);
    expect(t.out).not.toMatch(/^\s*\d+ \(\d+-\d+\)/m);
  });
});
