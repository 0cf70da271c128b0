/**
 * Loaders of the shipped reference geography (data/reference/): 2023-census district boundaries,
 * census statistics, post-census folds and the two gazetteers, turned into the engine's
 * `Geography`. The directory is found from this file's location, not the working directory;
 * `BASEERAT_REFERENCE_DIR` overrides it. Loading takes about 0.3 s and is cached per H3 resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { BaseeratError } from '@baseerat/engine';
import { Geography, featuresFromTopology } from '@baseerat/engine';
import type { DistrictFeatureCollection, DistrictStatisticsRow, FoldRow, PlaceInput } from '@baseerat/engine';

/** data/reference/ of this repository, or BASEERAT_REFERENCE_DIR. */
export function referenceDir(): string {
  const env = process.env['BASEERAT_REFERENCE_DIR'];
  if (env !== undefined && env !== '') return env;
  return fileURLToPath(new URL('../../../../data/reference/', import.meta.url));
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new BaseeratError('CONFIG', `reference file ${path} cannot be read (set BASEERAT_REFERENCE_DIR to the data/reference directory)`, { field: 'BASEERAT_REFERENCE_DIR', cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BaseeratError('PARSE', `reference file ${path} is not valid JSON`, { cause });
  }
}

function readCsv(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new BaseeratError('CONFIG', `reference file ${path} cannot be read (set BASEERAT_REFERENCE_DIR to the data/reference directory)`, { field: 'BASEERAT_REFERENCE_DIR', cause });
  }
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
}

const DISTRICTS_DIR = 'pakistan-districts-2023';

let topologyCache: unknown;
function topology(): unknown {
  topologyCache ??= readJson(join(referenceDir(), DISTRICTS_DIR, 'geography.topojson.json'));
  return topologyCache;
}

/**
 * The 2023 districts as a GeoJSON FeatureCollection (properties name, division, province,
 * osmRelations), optionally of one province (any spelling the gazetteer knows: "KPK", "Balochistān").
 */
export function loadDistrictsGeoJSON(province?: string): DistrictFeatureCollection {
  const all = featuresFromTopology(topology(), 'districts');
  if (province === undefined) return all;
  const canonical = loadGeography().resolveProvince(province);
  if (canonical === undefined) {
    throw new BaseeratError('VALIDATION', `province ${JSON.stringify(province)} is not a province or territory of Pakistan`, { field: 'province' });
  }
  return { type: 'FeatureCollection', features: all.features.filter((f) => f.properties?.province === canonical) };
}

interface StatisticsFile {
  districts: Record<string, { population?: number; areaSqKm?: number; households?: number }>;
}
interface FoldsFile {
  folds: FoldRow[];
}

function statisticsRows(): DistrictStatisticsRow[] {
  const s = readJson(join(referenceDir(), DISTRICTS_DIR, 'statistics.json')) as StatisticsFile;
  return Object.entries(s.districts).map(([district, v]) => {
    const row: DistrictStatisticsRow = { district };
    if (typeof v.population === 'number') row.population = v.population;
    if (typeof v.areaSqKm === 'number') row.areaSqKm = v.areaSqKm;
    if (typeof v.households === 'number') row.households = v.households;
    return row;
  });
}

function foldRows(): FoldRow[] {
  const f = readJson(join(referenceDir(), DISTRICTS_DIR, 'post-census-district-folds.json')) as FoldsFile;
  return f.folds.map((x) => ({ district: x.district, into: x.into, province: x.province }));
}

/** Both shipped gazetteers as place rows: simplemaps cities first, then UCDP place names. */
export function placeRows(): PlaceInput[] {
  const dir = join(referenceDir(), 'gazetteer');
  const out: PlaceInput[] = [];
  for (const r of readCsv(join(dir, 'simplemaps_pk_cities.csv'))) {
    const row: PlaceInput = { name: r['city'] ?? '', lat: Number(r['lat']), lon: Number(r['lng']), kind: 'city', source: 'simplemaps' };
    if (r['admin_name']) row.province = r['admin_name'];
    const pop = Number(r['population']);
    if (Number.isFinite(pop) && pop > 0) row.weight = pop;
    out.push(row);
  }
  for (const r of readCsv(join(dir, 'ucdp_places_pakistan.csv'))) {
    const row: PlaceInput = { name: r['place_name'] ?? '', lat: Number(r['lat_median']), lon: Number(r['lon_median']), kind: 'place', source: r['source'] || 'UCDP' };
    if (r['adm1']) row.province = r['adm1'];
    if (r['adm2']) row.district = r['adm2'];
    const n = Number(r['n_incidents']);
    if (Number.isFinite(n)) row.weight = n;
    out.push(row);
  }
  return out;
}

const cache = new Map<number, Geography>();

/** The shipped geography, built once per H3 resolution (default 7). */
export function loadGeography(opts: { h3Resolution?: number } = {}): Geography {
  const res = opts.h3Resolution ?? 7;
  let g = cache.get(res);
  if (g === undefined) {
    g = new Geography({
      districts: featuresFromTopology(topology(), 'districts'),
      statistics: statisticsRows(),
      folds: foldRows(),
      places: placeRows(),
      h3Resolution: res,
    });
    cache.set(res, g);
  }
  return g;
}
