// Test helper: the shipped reference geography, read here because the engine itself never reads files.
import { readFileSync } from 'node:fs';
import { featuresFromTopology } from '../../src/geo/topology.js';
import { Geography } from '../../src/geo/geography.js';
import type { DistrictFeatureCollection } from '../../src/geo/district-index.js';
import type { FoldRow } from '../../src/geo/gazetteer.js';

const root = new URL('../../../../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, root), 'utf8');

let topology: unknown;
export function shippedTopology(): unknown {
  topology ??= JSON.parse(read('data/reference/pakistan-districts-2023/geography.topojson.json'));
  return topology;
}

export function shippedDistricts(): DistrictFeatureCollection {
  return featuresFromTopology(shippedTopology(), 'districts');
}

export function shippedFolds(): FoldRow[] {
  return (JSON.parse(read('data/reference/pakistan-districts-2023/post-census-district-folds.json')) as { folds: FoldRow[] }).folds;
}

export function shippedStatistics(): { district: string; population: number; areaSqKm: number }[] {
  const s = JSON.parse(read('data/reference/pakistan-districts-2023/statistics.json')) as {
    districts: Record<string, { population: number; areaSqKm: number }>;
  };
  return Object.entries(s.districts).map(([district, v]) => ({ district, population: v.population, areaSqKm: v.areaSqKm }));
}

export function readFixture<T>(name: string): T {
  return JSON.parse(read(`packages/engine/test/fixtures/reference/${name}`)) as T;
}

let geo: Geography | undefined;
/** Geography over the shipped districts, statistics and folds (no place rows: the server test covers those). */
export function shippedGeography(): Geography {
  geo ??= new Geography({ districts: shippedDistricts(), statistics: shippedStatistics(), folds: shippedFolds() });
  return geo;
}
