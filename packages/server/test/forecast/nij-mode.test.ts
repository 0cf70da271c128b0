import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQUARE_FEET_PER_SQUARE_MILE } from '@baseerat/engine/forecast/index';
import { forecastPlaces } from '../../src/forecast/forecast-places.js';
import { nijCellsFor, parseOrigin, windowEnd } from '../../src/forecast/nij-rules.js';
import { isoDate } from '../../src/forecast/portland-nij-file.js';
import { runBacktest } from '../../src/forecast/backtest-runner.js';

const DIR = 'data/reference/portland-nij';
const BURGLARY = join(DIR, 'portland_cfs_burglary_2012-03_2017-02.csv');

describe('NIJ rules', () => {
  it('windows start on the first of a month and end after 1w, 2w or whole months', () => {
    const o = parseOrigin('2016-12-01');
    expect(isoDate(windowEnd(o, '1w'))).toBe('2016-12-08');
    expect(isoDate(windowEnd(o, '2w'))).toBe('2016-12-15');
    expect(isoDate(windowEnd(o, '1m'))).toBe('2017-01-01');
    expect(isoDate(windowEnd(o, '3m'))).toBe('2017-03-01');
    expect(() => parseOrigin('2016-12-02')).toThrow(/first day of a month/);
  });
  it('flagged areas stay within 0.25 to 0.75 sq mi', () => {
    for (const cs of [250, 400, 600]) for (const a of [0.25, 0.5, 0.75]) {
      const area = nijCellsFor(cs, a) * cs * cs / SQUARE_FEET_PER_SQUARE_MILE;
      expect(area).toBeGreaterThanOrEqual(0.25);
      expect(area).toBeLessThanOrEqual(0.75);
    }
    expect(() => nijCellsFor(400, 0.8)).toThrow(/0.25 to 0.75/);
  });
});

describe('forecastPlaces (NIJ mode, shipped burglary file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-forecast-'));
  const opts = { input: BURGLARY, format: 'portland-nij' as const, origin: '2016-06-01', horizon: '1m', rules: 'nij' as const, model: 'hawkes-730d', cellSize: 600, areaSqMi: 0.25 };
  const r = forecastPlaces({ ...opts, output: join(dir, 'out.geojson') });
  it('flags NIJ-legal cells and writes GeoJSON polygons in EPSG:2913 feet', () => {
    expect(r.cellSize * r.cellSize).toBeLessThanOrEqual(360_000);
    expect(r.flaggedAreaSqFt / SQUARE_FEET_PER_SQUARE_MILE).toBeGreaterThanOrEqual(0.25);
    expect(r.flaggedAreaSqFt / SQUARE_FEET_PER_SQUARE_MILE).toBeLessThanOrEqual(0.75);
    expect(r.flagged).toHaveLength(20);
    expect(r.crs.epsg).toBe(2913);
    const gj = JSON.parse(readFileSync(join(dir, 'out.geojson'), 'utf8')) as { crs: { properties: { name: string } }; features: { geometry: { coordinates: number[][][] } }[]; modelCard: { knownLimits: string[] } };
    expect(gj.crs.properties.name).toContain('2913');
    expect(gj.features).toHaveLength(20);
    const ring = gj.features[0]!.geometry.coordinates[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[0]![0]).toBeGreaterThan(7_600_000); // feet, not degrees
    expect(gj.modelCard.knownLimits.join(' ')).toMatch(/patrols/);
    expect(r.modelCard.data.to < '2016-06-01').toBe(true);
    expect(r.window).toEqual({ from: '2016-06-01', toExclusive: '2016-07-01' });
  });
  it('does not change when the calls after the origin change', () => {
    const lines = readFileSync(BURGLARY, 'utf8').split('\n');
    const edited = lines.map((l, i) => (i === 0 || l.slice(0, 10) < '2016-06-01' ? l : l.replace(/^([^,]*),(\d+),(\d+)/, '$1,7650000,680000')));
    const path = join(dir, 'portland_cfs_burglary_edited.csv');
    writeFileSync(path, edited.join('\n'));
    const r2 = forecastPlaces({ ...opts, input: path, studyArea: join(DIR, 'Portland_Police_Districts/Portland_Police_Districts.shp') });
    expect(r2.flagged.map((c) => c.cell)).toEqual(r.flagged.map((c) => c.cell));
  });
});

describe('runBacktest (smoke: one tuning and one test origin)', () => {
  it('selects on the tuning origin and scores the test origin', () => {
    const res = runBacktest({ categories: ['burglary'], horizons: ['1m'], tuneOrigins: ['2013-06-01'], testOrigins: ['2015-06-01'], cellSizes: [600], models: ['naive', 'hawkes-730d'] });
    expect(res.defaults.burglary?.['1m']?.model).toBe('hawkes-730d');
    expect(res.test.filter((t) => t.category === 'burglary')).toHaveLength(4); // 2 models x 2 budgets
    for (const t of res.test) {
      expect(t.windows).toBe(1);
      expect(t.meanPai).not.toBeNull();
      expect(t.meanPai!).toBeGreaterThanOrEqual(0);
    }
    expect(res.markdown).toContain('burglary, horizon 1m');
  });
});

describe('signTestTwoSided (reference: scipy.stats.binomtest)', () => {
  it('matches scipy for a few counts', async () => {
    const { signTestTwoSided } = await import('../../src/forecast/backtest-runner.js');
    // scipy.stats.binomtest(3, 20).pvalue = 0.0025768280029296875; (10, 20) = 1.0; (0, 5) = 0.0625
    expect(signTestTwoSided(3, 17)).toBeCloseTo(0.0025768280029296875, 15);
    expect(signTestTwoSided(10, 10)).toBe(1);
    expect(signTestTwoSided(0, 5)).toBeCloseTo(0.0625, 15);
  });
});
