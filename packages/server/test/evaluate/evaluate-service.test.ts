import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseeratError, cellOf } from '@baseerat/engine';
import { ingestOne } from '../../src/cli/services.js';
import { parseMethods } from '../../src/cli/commands/evaluate.js';
import { evaluateMeasureService } from '../../src/evaluate/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';

const repoPath = (p: string) => new URL(`../../../../${p}`, import.meta.url).pathname;
const geography = loadGeography();
let store: Store;

/** UCDP GED events in Balochistan that started 2009-2014 (the illustrative measure's window), ingested through the real adapter. */
beforeAll(async () => {
  const text = readFileSync(repoPath('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), 'utf8');
  const records = parse(text, { columns: true, raw: true, skip_empty_lines: true, relax_column_count: true }) as { record: Record<string, string>; raw: string }[];
  const kept = records.filter((r, i) => i > 0 && r.record['adm_1'] === 'Balochistan province' && r.record['date_start']! >= '2009' && r.record['date_start']! < '2015');
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-evaluate-'));
  const file = join(dir, 'ucdp-balochistan-2009-2014.csv');
  writeFileSync(file, `${text.slice(0, text.indexOf('\n'))}\n${kept.map((r) => r.raw.replace(/\r?\n$/, '')).join('\n')}\n`);
  store = await openStore(':memory:');
  await ingestOne(store, file, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
}, 60_000);
afterAll(async () => { await store.close(); });

const measure = JSON.parse(readFileSync(repoPath('bench/evaluate/illustrative-measure.json'), 'utf8')) as Record<string, unknown>;
const PKT = 5 * 3600e3;

describe('evaluateMeasureService on UCDP Balochistan (illustrative measure)', () => {
  it('counts, areas and JSON-safe output agree with the store', async () => {
    const e = await evaluateMeasureService({ store, geography }, measure);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    expect(e.annotations.window).toEqual({ firstMonth: '2009-01', startMonth: '2013-01', lastMonth: '2014-12', preMonths: 48, postMonths: 24 });
    expect(e.caveats.map((c) => c.code)).toContain('ILLUSTRATIVE');
    expect(e.annotations.matching?.chosen).toHaveLength(6);
    // Independent count from the store: Quetta incidents before and after the start.
    const before = await store.countIncidents({ districts: ['Quetta'], from: new Date(Date.UTC(2009, 0, 1) - PKT).toISOString(), to: new Date(Date.UTC(2013, 0, 1) - PKT).toISOString() });
    const after = await store.countIncidents({ districts: ['Quetta'], from: new Date(Date.UTC(2013, 0, 1) - PKT).toISOString(), to: new Date(Date.UTC(2015, 0, 1) - PKT).toISOString() });
    const quetta = e.result.areas.find((a) => a.name === 'Quetta')!;
    expect([quetta.preTotal, quetta.postTotal]).toEqual([before, after]);
    expect(before).toBeGreaterThan(0);
    for (const m of ['its', 'did', 'synth', 'wdd'] as const) expect(e.result[m]?.ok, m).toBe(true);
    expect(e.annotations.conclusions).toHaveLength(4);
    const its = e.result.its;
    if (its?.ok === true) {
      expect(its.result.series.observed.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(e.result.areas.filter((a) => a.role === 'treated').reduce((s, a) => s + (a.preTotal ?? 0) + (a.postTotal ?? 0), 0));
      expect(its.result.series.periods).toHaveLength(72);
    }
  });
  it('a polygon treated area counts exactly the incidents inside it', async () => {
    // A box around Quetta city.
    const box = [[66.85, 30.1], [67.15, 30.1], [67.15, 30.35], [66.85, 30.35], [66.85, 30.1]];
    const e = await evaluateMeasureService({ store, geography }, { ...measure, treated: { polygons: [{ type: 'Polygon', coordinates: [box] }] }, buffer: undefined }, { methods: ['its', 'did'] });
    const cols = await store.readColumns({ from: new Date(Date.UTC(2009, 0, 1) - PKT).toISOString(), to: new Date(Date.UTC(2015, 0, 1) - PKT).toISOString() });
    let inside = 0;
    for (let i = 0; i < cols.length; i++) if (cols.lon[i]! > 66.85 && cols.lon[i]! < 67.15 && cols.lat[i]! > 30.1 && cols.lat[i]! < 30.35) inside += 1;
    const t = e.result.areas.find((a) => a.role === 'treated')!;
    expect((t.preTotal ?? 0) + (t.postTotal ?? 0)).toBe(inside);
    expect(inside).toBeGreaterThan(10);
    expect(e.result.synth).toBeUndefined();
  });
  it('an H3 treated area (resolution 6 cells around Quetta city) counts the incidents in those cells', async () => {
    const cells = [cellOf(30.19, 67.0, 6), cellOf(30.2, 66.95, 6), cellOf(30.25, 67.05, 6)];
    const e = await evaluateMeasureService({ store, geography }, { ...measure, treated: { h3: cells }, buffer: undefined }, { methods: ['wdd'] });
    const cols = await store.readColumns({ from: new Date(Date.UTC(2009, 0, 1) - PKT).toISOString(), to: new Date(Date.UTC(2015, 0, 1) - PKT).toISOString() });
    const set = new Set(cells);
    let inside = 0;
    for (let i = 0; i < cols.length; i++) if (Number.isFinite(cols.lat[i]!) && set.has(cellOf(cols.lat[i]!, cols.lon[i]!, 6))) inside += 1;
    const t = e.result.areas.find((a) => a.role === 'treated')!;
    expect(t.name).toBe('treated (3 H3 cells)');
    expect((t.preTotal ?? 0) + (t.postTotal ?? 0)).toBe(inside);
    expect(inside).toBeGreaterThan(5);
  });
  it('rejects a bad declaration and an unknown district with VALIDATION naming the field', async () => {
    await expect(evaluateMeasureService({ store, geography }, { ...measure, type: 'parade' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'measure.type' });
    await expect(evaluateMeasureService({ store, geography }, { ...measure, treated: { districts: ['Atlantis'] } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'treated.districts' });
  });
  it('CLI method list', () => {
    expect(parseMethods('all')).toEqual(['its', 'did', 'synth', 'wdd']);
    expect(parseMethods('did,wdd')).toEqual(['did', 'wdd']);
    expect(() => parseMethods('bayes')).toThrow(BaseeratError);
  });
});
