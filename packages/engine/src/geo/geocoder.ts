/**
 * The Geocoder port: what ingest needs to place a report. Implemented by `Geography`
 * (engine/geo/geography.ts) over the shipped 2023 district boundaries and gazetteer; tests may
 * pass a small fake.
 */
export interface PlaceMatch {
  lat: number;
  lon: number;
  district: string;
  province: string;
  /** Canonical name of the place matched. */
  name: string;
}

export interface AreaMatch {
  district: string;
  province: string;
}

export interface Geocoder {
  /** District and province containing a point; undefined outside Pakistan's districts. */
  locate(lat: number, lon: number): AreaMatch | undefined;
  /** Canonical district for a district name as written by any source (aliases, spellings, post-census splits). */
  resolveDistrict(name: string, province?: string): AreaMatch | undefined;
  /** A named place (city, town, village) from the gazetteer, with its coordinates. */
  findPlace(name: string, province?: string): PlaceMatch | undefined;
  /** H3 cell of a point at the configured resolution (default 7). */
  cell(lat: number, lon: number): string;
  /**
   * `locate`, or else the nearest district whose boundary lies within `toleranceKm` (a harbour just
   * off the clipped coastline), with the distance so that the caller can record the snap.
   * Optional: a geocoder without it never snaps.
   */
  locateWithin?(lat: number, lon: number, toleranceKm: number): (AreaMatch & { distanceKm: number }) | undefined;
  /** Distance in km from a point to a named (canonical) district, 0 inside. Optional: without it no consistency check is made. */
  distanceToDistrictKm?(lat: number, lon: number, district: string): number | undefined;
}
