/**
 * Writes the synthetic multi-agency province feed to a directory:
 *   <dir>/<agency>.csv | <agency>.ndjson   the raw feeds, one per agency
 *   <dir>/mappings/<agency>.json           each agency's mapping file (the ingest format)
 *   <dir>/truth.json                       true incidents, report -> true incident, malformed rows
 * Geography is the shipped 2023 district polygons; levies place names come from the shipped UCDP
 * gazetteer (Balochistan places, placed in 2023 districts by point in polygon).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { BaseeratError } from '@baseerat/engine';
import type { DistrictGeometry, FeedTruth, GazetteerPlace, ProvinceFeed, SynthAgency } from '@baseerat/engine/synth/index';
import { generateProvinceFeed } from '@baseerat/engine/synth/index';
import { districtGeometry, loadDistrictShapes } from './district-polygons.js';

export const DEFAULT_GAZETTEER_PATH = fileURLToPath(new URL('../../../../data/reference/gazetteer/ucdp_places_pakistan.csv', import.meta.url));

export interface WriteFeedOptions {
  seed: number | string;
  /** ISO UTC start (inclusive) and end (exclusive). */
  start: string;
  end: string;
  /** Expected number of true incidents; or give `ratePerDay`. Default 30 a day. */
  incidents?: number;
  ratePerDay?: number;
  malformedShare?: number;
  branchingRatio?: number;
  agencies?: readonly SynthAgency[];
  /** Injected for tests; default: the shipped polygons and gazetteer. */
  geometry?: DistrictGeometry;
  places?: readonly GazetteerPlace[];
}

export interface WriteFeedResult {
  files: string[];
  rows: number;
  reports: number;
  incidents: number;
  malformed: number;
  feed: ProvinceFeed;
}

let cachedGeometry: DistrictGeometry | undefined;
let cachedPlaces: GazetteerPlace[] | undefined;

/** Shipped polygons, loaded once per process. */
export function shippedGeometry(): DistrictGeometry {
  cachedGeometry ??= districtGeometry(loadDistrictShapes('Balochistan'));
  return cachedGeometry;
}

/** Balochistan places of the shipped UCDP gazetteer, each in its 2023 district. */
export function shippedPlaces(geometry: DistrictGeometry = shippedGeometry(), path = DEFAULT_GAZETTEER_PATH): GazetteerPlace[] {
  if (cachedPlaces !== undefined && path === DEFAULT_GAZETTEER_PATH) return cachedPlaces;
  const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  const places: GazetteerPlace[] = [];
  for (const r of rows) {
    if (r['adm1'] !== 'Balochistan province') continue;
    const lat = Number(r['lat_median']), lon = Number(r['lon_median']);
    const district = geometry.locate(lat, lon);
    if (district === undefined || r['place_name'] === undefined) continue;
    places.push({ name: r['place_name'], lat, lon, district });
  }
  if (path === DEFAULT_GAZETTEER_PATH) cachedPlaces = places;
  return places;
}

/** Generate and write the feed; returns what was written and the in-memory feed (Reports included). */
export function writeSyntheticFeed(dir: string, options: WriteFeedOptions): WriteFeedResult {
  const startMs = Date.parse(options.start), endMs = Date.parse(options.end);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
    throw new BaseeratError('VALIDATION', `start and end must be ISO dates with start < end, got ${options.start} .. ${options.end}`, { field: 'start' });
  }
  if (options.incidents !== undefined && options.ratePerDay !== undefined) {
    throw new BaseeratError('VALIDATION', 'give incidents or ratePerDay, not both', { field: 'incidents' });
  }
  const days = (endMs - startMs) / 86_400_000;
  const incidents = options.incidents ?? Math.round((options.ratePerDay ?? 30) * days);
  const geometry = options.geometry ?? shippedGeometry();
  const places = options.places ?? (options.geometry === undefined ? shippedPlaces(geometry) : []);
  const feed = generateProvinceFeed({
    seed: options.seed, start: options.start, end: options.end, incidents, geometry, places,
    ...(options.malformedShare === undefined ? {} : { malformedShare: options.malformedShare }),
    ...(options.branchingRatio === undefined ? {} : { branchingRatio: options.branchingRatio }),
    ...(options.agencies === undefined ? {} : { agencies: options.agencies }),
  });
  mkdirSync(join(dir, 'mappings'), { recursive: true });
  const files: string[] = [];
  let rows = 0;
  for (const f of feed.feeds) {
    const path = join(dir, f.fileName);
    writeFileSync(path, f.lines.length === 0 ? '' : f.lines.join('\n') + '\n');
    const mappingPath = join(dir, 'mappings', `${f.agency}.json`);
    writeFileSync(mappingPath, JSON.stringify(f.mapping, null, 2) + '\n');
    files.push(path, mappingPath);
    rows += f.lines.length - (f.mapping.reader === 'csv' ? 1 : 0);
  }
  const truthPath = join(dir, 'truth.json');
  writeFileSync(truthPath, stringifyTruth(feed.truth));
  files.push(truthPath);
  return { files, rows, reports: feed.reports.length, incidents: feed.truth.incidents.length, malformed: feed.truth.malformed.length, feed };
}

/** One record per line inside the arrays: diffable and still fast for 100,000 rows. */
function stringifyTruth(t: FeedTruth): string {
  const arr = (xs: readonly unknown[]) => (xs.length === 0 ? '[]' : `[\n${xs.map((x) => '    ' + JSON.stringify(x)).join(',\n')}\n  ]`);
  return `{\n  "seed": ${JSON.stringify(t.seed)},\n  "start": ${JSON.stringify(t.start)},\n  "end": ${JSON.stringify(t.end)},\n`
    + `  "incidents": ${arr(t.incidents)},\n  "reports": ${arr(t.reports)},\n  "malformed": ${arr(t.malformed)}\n}\n`;
}
