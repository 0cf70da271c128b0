/**
 * `baseerat analyze ...` through `main([...])` as a user runs it: a store file holding the UCDP
 * events of Balochistan (the shipped file's Balochistan rows, ingested by `baseerat ingest`), JSON on
 * stdout that parses and matches the service, readable tables, and the CSV and GeoJSON files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { hotspotsService, toCsv, unsafeJsonPaths, type HotspotsEnvelope } from '../../src/analysis/index.js';
import { runCli } from '../cli-capture.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore } from '../../src/store/index.js';

const UCDP = new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-analyze-'));
const db = join(dir, 'ucdp.duckdb');

/** Runs the CLI and returns its exit code and what it printed on stdout. */
const cli = runCli;

beforeAll(async () => {
  // The Balochistan rows of the real file, rewritten as CSV (fields hold line breaks: no grep).
  const rows = parse(readFileSync(UCDP, 'utf8'), { relax_column_count: true }) as string[][];
  const adm1 = rows[0]!.indexOf('adm_1');
  const keep = rows.filter((r, i) => i < 2 || /baluchistan|balochistan/i.test(r[adm1] ?? ''));
  writeFileSync(join(dir, 'balochistan.csv'), toCsv(keep[0]!, keep.slice(1)));
  const r = await cli(['ingest', join(dir, 'balochistan.csv'), '-f', 'ucdp', '--db', db, '-q', '--received-at', '2026-01-01T00:00:00Z']);
  expect(r.code, r.err).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baseerat analyze', () => {
  it('hotspots --json prints the service envelope as JSON', async () => {
    const r = await cli(['analyze', 'hotspots', '--db', db, '--province', 'Balochistan', '--res', '6', '--json']);
    expect(r.code, r.err).toBe(0);
    const env = JSON.parse(r.out) as HotspotsEnvelope;
    expect(env.analysis).toBe('hotspots');
    expect(env.classification).toBe('UNCLASSIFIED');
    expect(env.incidentsRead).toBeGreaterThan(600);
    expect(unsafeJsonPaths(env)).toEqual([]);
    const store = await openStore(db);
    try {
      const direct = await hotspotsService({ store, geography: loadGeography() }, { filter: { province: 'Balochistan' }, resolution: 6 });
      expect(env).toEqual(JSON.parse(JSON.stringify(direct)));
    } finally {
      await store.close();
    }
  });

  it('hotspots prints a table of hot cells with districts and writes CSV and GeoJSON', async () => {
    const csv = join(dir, 'hot.csv'), geojson = join(dir, 'hot.geojson');
    const r = await cli(['analyze', 'hotspots', '--db', db, '--province', 'Balochistan', '--csv', csv, '--geojson', geojson]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\[UNCLASSIFIED\] Hot spots/);
    expect(r.out).toMatch(/85[0-9a-f]{13}\s+Quetta\s+[\d.]+, [\d.]+\s+\d+\s+\d+\s+[\d.]+\s+<0\.001\s+hot 99%/);
    const fc = JSON.parse(readFileSync(geojson, 'utf8')) as { features: { geometry: { coordinates: number[][][] }; properties: { id: string } }[] };
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(fc.features.length + 1);
    expect(lines[0]!.startsWith('cell,district,count')).toBe(true);
  });

  it('the other analyses run and print their headline', async () => {
    const base = ['--db', db, '--province', 'Balochistan', '-q'];
    const trends = await cli(['analyze', 'trends', ...base, '--from', '2021-01-01', '--to', '2022-01-01']);
    expect(trends.code, trends.err).toBe(0);
    expect(trends.out).toMatch(/Against the previous window \(2020-01-01 to 2020-12-31\): (up|down|unchanged)/);
    const nr = await cli(['analyze', 'near-repeat', ...base, '--permutations', '99', '--bands', '1,5,10,25/7,14,30,60']);
    expect(nr.code, nr.err).toBe(0);
    expect(nr.out).toContain('(10000, 25000] m');
    const em = await cli(['analyze', 'emerging', ...base, '--period', 'week', '--steps', '26', '--json']);
    expect(em.code, em.err).toBe(0);
    expect((JSON.parse(em.out) as { result: { summary: { nSteps: number } } }).result.summary.nSteps).toBe(26);
    const agg = await cli(['analyze', 'aggregate', ...base, '--period', 'none']);
    expect(agg.out).toMatch(/Quetta\s+\d+/);
    for (const cmd of ['seasonality', 'actors']) {
      const x = await cli(['analyze', cmd, ...base]);
      expect(x.code, x.err).toBe(0);
      expect(x.out.trimEnd().endsWith('[UNCLASSIFIED]')).toBe(true);
    }
  });

  it('bad input is an error naming the field, exit status 1', async () => {
    const r = await cli(['analyze', 'hotspots', '--db', db, '--province', 'Atlantis']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error VALIDATION (province)');
    const b = await cli(['analyze', 'near-repeat', '--db', db, '--bands', '1,5']);
    expect(b.code).toBe(1);
    expect(b.err).toContain('(bands)');
  });
});
