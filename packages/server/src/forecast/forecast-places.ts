/**
 * NIJ mode of place forecasting: read a shipped NIJ Portland file (no store), keep the calls before
 * the origin, fit the chosen model on an NIJ-legal grid, flag the top cells for an NIJ-legal area,
 * and write the flagged cells as GeoJSON polygons in the input's coordinate system (EPSG:2913,
 * NAD83(HARN) / Oregon North, international feet), with a model card.
 *
 * Defaults (model and cell size per crime type and horizon) come from `place-forecast-defaults.json`,
 * written by the backtest's temporal cross-validation (`npx tsx bench/forecast/portland-backtest.ts`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cellRing, eventsBefore, PLACE_FORECAST_KNOWN_LIMITS, SQUARE_FEET_PER_SQUARE_MILE, topRankedCells,
  type PlaceForecastModelCard,
} from '@baseerat/engine/forecast/index';
import { BaseeratError, type Caveat } from '@baseerat/engine';
import { DEFAULT_DATA_DIR, STUDY_AREA_SHP, nijGridSetup, type NijCategory, type PlaceForecastDefaultsFile } from './backtest-runner.js';
import { modelConfig } from './models.js';
import { parseHorizon, parseOrigin, nijCellsFor, windowEnd, type NijHorizon } from './nij-rules.js';
import { isoDate, readNijFile } from './portland-nij-file.js';
import { loadStudyArea, studyAreaContains } from './study-area.js';

export interface ForecastPlacesOptions {
  /** Path of the NIJ CSV file. */
  readonly input: string;
  readonly format: 'portland-nij';
  /** First day of the forecast window, yyyy-MM-01. */
  readonly origin: string;
  readonly horizon: NijHorizon | string;
  readonly rules: 'nij';
  /** 'burglary' | 'theft-of-auto'; default from the file name. */
  readonly category?: string;
  /** A model name from models.ts; default the cross-validated default for the category and horizon. */
  readonly model?: string;
  /** Cell side in feet (250 to 600); default the cross-validated one. */
  readonly cellSize?: number;
  /** Flagged area in square miles, 0.25 to 0.75; default 0.25 (NIJ scored PAI best at the smallest area). */
  readonly areaSqMi?: number;
  /** Study-area shapefile; default the shipped Portland police districts next to the input. */
  readonly studyArea?: string;
  /** Write the GeoJSON FeatureCollection here. */
  readonly output?: string;
}

export interface FlaggedCell {
  readonly rank: number;
  readonly cell: number;
  readonly score: number;
  readonly ring: [number, number][];
}

export interface ForecastPlacesResult {
  readonly crs: { readonly epsg: 2913; readonly name: string; readonly units: 'international foot' };
  readonly window: { readonly from: string; readonly toExclusive: string };
  readonly model: string;
  readonly cellSize: number;
  readonly flaggedAreaSqFt: number;
  readonly flagged: FlaggedCell[];
  readonly geojson: unknown;
  readonly modelCard: PlaceForecastModelCard;
  readonly caveats: Caveat[];
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULTS_PATH = join(here, 'place-forecast-defaults.json');

export function readDefaults(path = DEFAULTS_PATH): PlaceForecastDefaultsFile | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as PlaceForecastDefaultsFile;
}

export function categoryFromFile(path: string): NijCategory {
  const b = basename(path).toLowerCase();
  if (b.includes('burglary')) return 'burglary';
  if (b.includes('theft_of_auto') || b.includes('theft-of-auto')) return 'theft-of-auto';
  throw new BaseeratError('VALIDATION', `cannot tell the category from the file name "${b}": pass category ('burglary' or 'theft-of-auto')`, { field: 'category' });
}

export function forecastPlaces(opts: ForecastPlacesOptions): ForecastPlacesResult {
  if (opts.format !== 'portland-nij') throw new BaseeratError('VALIDATION', `format must be 'portland-nij', got "${String(opts.format)}"`, { field: 'format' });
  if (opts.rules !== 'nij') throw new BaseeratError('VALIDATION', `rules must be 'nij', got "${String(opts.rules)}"`, { field: 'rules' });
  const horizon = parseHorizon(opts.horizon);
  const origin = parseOrigin(opts.origin);
  const end = windowEnd(origin, horizon);
  const category = (opts.category ?? categoryFromFile(opts.input)) as NijCategory;
  if (category !== 'burglary' && category !== 'theft-of-auto') throw new BaseeratError('VALIDATION', `category must be 'burglary' or 'theft-of-auto', got "${category}"`, { field: 'category' });
  const defaults = readDefaults();
  const chosen = defaults?.defaults[category]?.[horizon];
  const caveats: Caveat[] = [];
  if (chosen === undefined && (opts.model === undefined || opts.cellSize === undefined)) {
    caveats.push({ code: 'NO_CROSS_VALIDATED_DEFAULT', message: 'no cross-validated default found (place-forecast-defaults.json): using hawkes-730d on 400 ft cells' });
  }
  const modelName = opts.model ?? chosen?.model ?? 'hawkes-730d';
  const cellSize = opts.cellSize ?? chosen?.cellSize ?? 400;
  const config = modelConfig(modelName);
  const areaSqMi = opts.areaSqMi ?? 0.25;
  const k = nijCellsFor(cellSize, areaSqMi);

  const saPath = opts.studyArea ?? (existsSync(join(dirname(opts.input), STUDY_AREA_SHP)) ? join(dirname(opts.input), STUDY_AREA_SHP) : join(DEFAULT_DATA_DIR, STUDY_AREA_SHP));
  const sa = loadStudyArea(saPath);
  const file = readNijFile(opts.input);
  if (file.rejected > 0) caveats.push({ code: 'ROWS_REJECTED', message: `${file.rejected} rows could not be read (date or coordinates)`, count: file.rejected });
  const keep: number[] = [];
  for (let i = 0; i < file.t.length; i++) if (file.t[i]! < origin && studyAreaContains(sa, file.x[i]!, file.y[i]!)) keep.push(i);
  const outside = file.t.filter((t) => t < origin).length - keep.length;
  if (outside > 0) caveats.push({ code: 'OUTSIDE_STUDY_AREA', message: `${outside} calls before the origin fell outside the police districts and were not used`, count: outside });
  const events = eventsBefore({ x: Float64Array.from(keep, (i) => file.x[i]!), y: Float64Array.from(keep, (i) => file.y[i]!), t: Float64Array.from(keep, (i) => file.t[i]!) }, origin);
  if (events.t.length === 0) throw new BaseeratError('INSUFFICIENT_DATA', `no calls before the origin ${opts.origin} in ${opts.input}`, { field: 'origin' });
  let lastUsed = -Infinity, firstUsed = Infinity;
  for (let i = 0; i < events.t.length; i++) { lastUsed = Math.max(lastUsed, events.t[i]!); firstUsed = Math.min(firstUsed, events.t[i]!); }
  if (origin - lastUsed > 31) caveats.push({ code: 'STALE_DATA', message: `the last call used is ${Math.floor(origin - lastUsed)} days before the origin` });

  const setup = nijGridSetup(sa, cellSize);
  const out = config.create()({ events, grid: setup.grid, origin, horizonDays: end - origin });
  caveats.push(...out.caveats);
  const top = topRankedCells(out.intensity, setup.candidates, k);
  const flagged: FlaggedCell[] = Array.from(top, (cell, i) => ({ rank: i + 1, cell, score: out.intensity[cell]!, ring: cellRing(setup.grid, cell) }));
  const crs = { epsg: 2913 as const, name: 'NAD83(HARN) / Oregon North (ft, international): EPSG:2913', units: 'international foot' as const };
  const geojson = {
    type: 'FeatureCollection',
    // RFC 7946 drops the crs member; kept here because these coordinates are feet, not WGS84.
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2913' } },
    features: flagged.map((f) => ({ type: 'Feature', properties: { rank: f.rank, cell: f.cell, score: f.score, hotspot: 1 }, geometry: { type: 'Polygon', coordinates: [f.ring] } })),
  };
  const lines = defaults?.backtest[category]?.[horizon] ?? [];
  const modelCard: PlaceForecastModelCard = {
    model: config.name,
    parameters: { ...config.parameters, cellSizeFt: cellSize, flaggedCells: k, ...(out.fitted ?? {}) },
    data: { source: basename(opts.input), category, events: events.t.length, from: isoDate(firstUsed), to: isoDate(lastUsed) },
    forecastWindow: { from: isoDate(origin), to: isoDate(end - 1) },
    backtest: lines.map((l) => ({ model: `${l.model}${l.baseline ? ' (baseline)' : ''} @${l.cellSize} ft`, horizon, budget: l.budget, windows: l.windows, meanPai: l.meanPai, meanPei: l.meanPei })),
    knownLimits: [...PLACE_FORECAST_KNOWN_LIMITS, ...(lines.length === 0 ? ['No backtest scores were found for this crime type and horizon.'] : [])],
  };
  if (opts.output !== undefined) writeFileSync(opts.output, JSON.stringify({ ...geojson, modelCard }));
  return { crs, window: { from: isoDate(origin), toExclusive: isoDate(end) }, model: config.name, cellSize, flaggedAreaSqFt: k * cellSize * cellSize, flagged, geojson, modelCard, caveats };
}

/** CLI entry (`baseerat forecast places`): prints a summary; returns the result. */
export function runForecastPlacesCommand(opts: ForecastPlacesOptions & { json?: boolean }): ForecastPlacesResult {
  const r = forecastPlaces(opts);
  if (opts.json === true) console.log(JSON.stringify({ ...r, geojson: undefined }, null, 1));
  else {
    console.log(`${r.model} on ${r.cellSize} ft cells, window ${r.window.from} to ${r.window.toExclusive} (exclusive): ${r.flagged.length} cells flagged, ${(r.flaggedAreaSqFt / SQUARE_FEET_PER_SQUARE_MILE).toFixed(3)} sq mi, coordinates in ${r.crs.name}`);
    for (const c of r.caveats) console.log(`caveat: ${c.message}`);
    if (opts.output !== undefined) console.log(`GeoJSON written to ${opts.output}`);
  }
  return r;
}
