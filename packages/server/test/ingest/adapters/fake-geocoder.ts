/**
 * A small fake Geocoder for adapter tests: a handful of districts as latitude/longitude boxes
 * (roughly where the real ones are), name resolution that strips the suffixes UCDP writes
 * ("Quetta district", "Bajaur agency"), and H3 cells from h3-js at resolution 7.
 */
import { latLngToCell } from 'h3-js';
import type { AreaMatch, Geocoder, PlaceMatch } from '@baseerat/engine';

interface Box { district: string; province: string; south: number; north: number; west: number; east: number }

export const FAKE_DISTRICTS: readonly Box[] = [
  { district: 'Quetta', province: 'Balochistan', south: 29.9, north: 30.6, west: 66.6, east: 67.4 },
  { district: 'Kech', province: 'Balochistan', south: 25.4, north: 26.7, west: 61.6, east: 64.0 },
  { district: 'Dera Bugti', province: 'Balochistan', south: 28.6, north: 29.6, west: 68.7, east: 69.6 },
  { district: 'Neelam', province: 'Azad Jammu & Kashmir', south: 34.45, north: 35.1, west: 73.6, east: 74.9 },
  { district: 'North Waziristan', province: 'Khyber Pakhtunkhwa', south: 32.7, north: 33.3, west: 69.6, east: 70.6 },
  { district: 'Karachi', province: 'Sindh', south: 24.7, north: 25.2, west: 66.7, east: 67.6 },
  { district: 'Lahore', province: 'Punjab', south: 31.2, north: 31.75, west: 74.0, east: 74.6 },
];

const ALIASES: Record<string, string> = { turbat: 'Kech', 'jafarabad distrcit': 'Jaffarabad', 'killa abdullah': 'Qilla Abdullah' };

export class FakeGeocoder implements Geocoder {
  calls = { locate: 0, resolveDistrict: 0, findPlace: 0, cell: 0 };
  locate(lat: number, lon: number): AreaMatch | undefined {
    this.calls.locate++;
    const b = FAKE_DISTRICTS.find((d) => lat >= d.south && lat <= d.north && lon >= d.west && lon <= d.east);
    return b === undefined ? undefined : { district: b.district, province: b.province };
  }
  resolveDistrict(name: string, province?: string): AreaMatch | undefined {
    this.calls.resolveDistrict++;
    const key = name.trim().toLowerCase().replace(/\s+(district|agency)$/, '');
    const canonical = ALIASES[key] ?? key;
    const b = FAKE_DISTRICTS.find((d) => d.district.toLowerCase() === canonical.toLowerCase() && (province === undefined || d.province === province));
    return b === undefined ? undefined : { district: b.district, province: b.province };
  }
  findPlace(name: string): PlaceMatch | undefined {
    this.calls.findPlace++;
    return name.toLowerCase() === 'quetta' ? { lat: 30.18, lon: 67.0, district: 'Quetta', province: 'Balochistan', name: 'Quetta' } : undefined;
  }
  cell(lat: number, lon: number): string {
    this.calls.cell++;
    return latLngToCell(lat, lon, 7);
  }
}
