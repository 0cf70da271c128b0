/**
 * Geography: the engine's implementation of the Geocoder port, over the 2023-census district
 * boundaries, the gazetteer and H3. Built from plain data (the caller reads the files:
 * server/src/reference/geography.ts does it for the shipped ones), so it runs in the browser too.
 *
 * It answers: which district a point is in (`locate`, `locateMany`), which district a written name
 * means (`resolveDistrict`), where a named place is (`findPlace`), the H3 cell of a point (`cell`),
 * and the census population of a district for per-capita rates (`population`, `ratePer100k`).
 * Population is absent, never zero, for the 20 districts of AJK and Gilgit-Baltistan, which the
 * 2023 census tables do not cover.
 */
import { BaseeratError } from '../domain/errors.js';
import type { Caveat } from '../domain/caveats.js';
import { caveat } from '../domain/caveats.js';
import type { AreaMatch, Geocoder, PlaceMatch } from './geocoder.js';
import { DistrictIndex } from './district-index.js';
import type { DistrictFeatureCollection, DistrictInfo } from './district-index.js';
import { Gazetteer } from './gazetteer.js';
import type { DistrictResolution, FoldRow, PlaceRow } from './gazetteer.js';
import { DEFAULT_H3_RESOLUTION, cellOf } from './h3.js';

/** A gazetteer point farther than this outside the district its own row names is rejected, km. */
export const PLACE_CONSISTENCY_KM = 25;

export interface DistrictStatisticsRow {
  district: string;
  population?: number;
  /** Land area published by the census (PBS Table 1), km^2. */
  areaSqKm?: number;
  households?: number;
}

/** A gazetteer row before it is placed in a 2023 district. */
export interface PlaceInput {
  name: string;
  lat: number;
  lon: number;
  /** District and province as the source wrote them: used only when the point falls outside every district. */
  district?: string;
  province?: string;
  kind: 'city' | 'place';
  source: string;
  weight?: number;
}

export interface GeographyInput {
  districts: DistrictFeatureCollection;
  statistics?: readonly DistrictStatisticsRow[];
  folds?: readonly FoldRow[];
  places?: readonly PlaceInput[];
  h3Resolution?: number;
  /** Grid cell of the district index, degrees (default 0.05). */
  cellDegrees?: number;
}

export interface DistrictSummary extends DistrictInfo {
  /** Census 2023 population; absent where the census published none. */
  population?: number;
  /** Census 2023 published land area, km^2; absent where none was published. */
  publishedAreaSqKm?: number;
  households?: number;
}

export interface RateRow {
  district: string;
  province: string;
  count: number;
  population: number;
  per100k: number;
}

export class Geography implements Geocoder {
  readonly index: DistrictIndex;
  readonly gazetteer: Gazetteer;
  readonly h3Resolution: number;
  readonly districts: readonly DistrictSummary[];
  /**
   * Gazetteer rows left out, with the reason: no district from either the point or the names, or a
   * point more than PLACE_CONSISTENCY_KM outside the district the row itself names (UCDP places
   * "Sui town, Dera Bugti" at 25.65N 62.05E, 724 km away on the Gwadar coast: such a row would
   * send every later report of Sui to the wrong district).
   */
  readonly rejectedPlaces: readonly { name: string; reason: string }[];
  private readonly byName = new Map<string, DistrictSummary>();

  constructor(input: GeographyInput) {
    const res = input.h3Resolution ?? DEFAULT_H3_RESOLUTION;
    if (!Number.isInteger(res) || res < 0 || res > 15) {
      throw new BaseeratError('VALIDATION', `h3Resolution is ${res}, expected an integer 0..15`, { field: 'h3Resolution' });
    }
    this.h3Resolution = res;
    this.index = new DistrictIndex(input.districts, input.cellDegrees === undefined ? {} : { cellDegrees: input.cellDegrees });

    const stats = new Map<string, DistrictStatisticsRow>();
    for (const s of input.statistics ?? []) {
      if (this.index.byDistrictName(s.district) === undefined) {
        throw new BaseeratError('VALIDATION', `statistics: district ${JSON.stringify(s.district)} has no boundary`, { field: 'district' });
      }
      stats.set(s.district, s);
    }
    this.districts = this.index.districts.map((d) => {
      const s = stats.get(d.name);
      const out: DistrictSummary = { ...d };
      if (s?.population !== undefined) out.population = s.population;
      if (s?.areaSqKm !== undefined) out.publishedAreaSqKm = s.areaSqKm;
      if (s?.households !== undefined) out.households = s.households;
      this.byName.set(d.name, out);
      return out;
    });

    // Names are resolved before places are placed: a place outside every polygon (a coastal point
    // just off the clipped shoreline) falls back to the district its source named.
    const names = new Gazetteer({
      districts: this.districts.map((d) => ({ district: d.name, province: d.province })),
      folds: input.folds ?? [],
    });
    const places: PlaceRow[] = [];
    const rejected: { name: string; reason: string }[] = [];
    for (const p of input.places ?? []) {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon)) {
        rejected.push({ name: p.name, reason: `coordinates ${p.lat}, ${p.lon} are not numbers` });
        continue;
      }
      let at: AreaMatch | undefined = this.index.locate(p.lat, p.lon);
      const stated = p.district === undefined ? [] : names.districtsCoveredBy(p.district, p.province);
      if (at === undefined && stated.length === 1) at = stated[0];
      if (at === undefined) {
        rejected.push({ name: p.name, reason: `point ${p.lat}, ${p.lon} is outside every district and the row names no single district` });
        continue;
      }
      const here = at.district;
      if (stated.length > 0 && !stated.some((s) => s.district === here)) {
        const km = Math.min(...stated.map((s) => this.index.distanceToDistrictKm(this.byName.get(s.district)!.index, p.lat, p.lon)));
        if (km > PLACE_CONSISTENCY_KM) {
          rejected.push({ name: p.name, reason: `point ${p.lat}, ${p.lon} is in ${here}, ${km.toFixed(0)} km from ${p.district} named by the row` });
          continue;
        }
      }
      const row: PlaceRow = { name: p.name, lat: p.lat, lon: p.lon, district: at.district, province: at.province, kind: p.kind, source: p.source };
      if (p.weight !== undefined) row.weight = p.weight;
      places.push(row);
    }
    this.rejectedPlaces = rejected;
    this.gazetteer = new Gazetteer({
      districts: this.districts.map((d) => ({ district: d.name, province: d.province })),
      folds: input.folds ?? [],
      places,
    });
  }

  locate(lat: number, lon: number): AreaMatch | undefined {
    return this.index.locate(lat, lon);
  }

  /**
   * `locate`, or else the nearest district within `toleranceKm` (a harbour point just off the
   * clipped coastline, a border post OSM draws a little inside Afghanistan), with the distance so
   * that the caller can record the snap. Ingest decides the tolerance; 0 is plain `locate`.
   */
  locateWithin(lat: number, lon: number, toleranceKm: number): (AreaMatch & { distanceKm: number }) | undefined {
    const n = this.index.nearest(lat, lon, toleranceKm);
    if (n === undefined) return undefined;
    const d = this.districts[n.index]!;
    return { district: d.name, province: d.province, distanceKm: n.distanceKm };
  }

  /** Distance in km from a point to a district (0 inside); undefined for an unknown district name. */
  distanceToDistrictKm(lat: number, lon: number, district: string): number | undefined {
    const d = this.byName.get(district);
    return d === undefined ? undefined : this.index.distanceToDistrictKm(d.index, lat, lon);
  }

  /** District positions in `districts` (-1 outside) for many points. */
  locateMany(lat: Float64Array, lon: Float64Array): Int32Array {
    return this.index.locateMany(lat, lon);
  }

  resolveDistrict(name: string, province?: string): AreaMatch | undefined {
    return this.gazetteer.resolveDistrict(name, province);
  }

  resolveDistrictDetailed(name: string, province?: string): DistrictResolution {
    return this.gazetteer.resolveDistrictDetailed(name, province);
  }

  resolveProvince(name: string): string | undefined {
    return this.gazetteer.resolveProvince(name);
  }

  findPlace(name: string, province?: string): PlaceMatch | undefined {
    return this.gazetteer.findPlace(name, province);
  }

  cell(lat: number, lon: number): string {
    return cellOf(lat, lon, this.h3Resolution);
  }

  district(name: string): DistrictSummary | undefined {
    return this.byName.get(name);
  }

  districtsIn(province: string): DistrictSummary[] {
    const p = this.resolveProvince(province) ?? province;
    return this.districts.filter((d) => d.province === p);
  }

  /** Census 2023 population of a district (canonical name or any alias); undefined where none was published. */
  population(name: string): number | undefined {
    const d = this.byName.get(name) ?? this.byName.get(this.resolveDistrict(name)?.district ?? '');
    return d?.population;
  }

  /**
   * Counts per district turned into rates per 100,000 residents (census 2023). Districts without a
   * population are left out and reported in a caveat, never given a rate of zero or infinity.
   * Complexity O(number of districts given).
   */
  ratePer100k(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>): { rows: RateRow[]; caveats: Caveat[] } {
    const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts);
    const rows: RateRow[] = [];
    const noPopulation: string[] = [];
    const unknown: string[] = [];
    for (const [name, count] of entries) {
      const d = this.byName.get(name) ?? this.byName.get(this.resolveDistrict(name)?.district ?? '');
      if (d === undefined) unknown.push(name);
      else if (d.population === undefined || d.population <= 0) noPopulation.push(d.name);
      else rows.push({ district: d.name, province: d.province, count, population: d.population, per100k: (count / d.population) * 1e5 });
    }
    const caveats: Caveat[] = [];
    if (noPopulation.length > 0) {
      caveats.push(caveat('NO_POPULATION', `no census 2023 population for ${noPopulation.join(', ')}: no rate computed`, noPopulation.length));
    }
    if (unknown.length > 0) caveats.push(caveat('UNKNOWN_DISTRICT', `not a district: ${unknown.join(', ')}`, unknown.length));
    return { rows, caveats };
  }
}
