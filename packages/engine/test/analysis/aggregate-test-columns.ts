// Test helper: builds TemporalColumns from plain event objects (what the store's IncidentColumns holds).
import fc from 'fast-check';
import { CATEGORY_CODES } from '../../src/domain/taxonomy.js';
import type { TemporalColumns } from '../../src/analysis/aggregate.js';

export interface Ev {
  time: number;
  timePrecision?: number;
  lat?: number;
  lon?: number;
  locationPrecision?: number;
  district?: number;
  category?: number;
  killed?: number;
  injured?: number;
  abducted?: number;
  perpetrator?: number;
  targetType?: number;
}

export const DISTRICTS = ['Quetta', 'Kech', 'Khuzdar', 'Gwadar'];
export const PERPETRATORS = ['BLA', 'TTP', 'ISKP'];
export const TARGETS = ['security forces', 'civilians', 'infrastructure'];

export function columns(evs: readonly Ev[]): TemporalColumns {
  return {
    length: evs.length,
    time: Float64Array.from(evs, (e) => e.time),
    timePrecision: Uint8Array.from(evs, (e) => e.timePrecision ?? 0),
    lat: Float64Array.from(evs, (e) => e.lat ?? Number.NaN),
    lon: Float64Array.from(evs, (e) => e.lon ?? Number.NaN),
    locationPrecision: Uint8Array.from(evs, (e) => e.locationPrecision ?? (e.lat === undefined ? 2 : 0)),
    district: Int32Array.from(evs, (e) => e.district ?? -1),
    districtNames: DISTRICTS,
    category: Uint16Array.from(evs, (e) => e.category ?? 0),
    killed: Uint32Array.from(evs, (e) => e.killed ?? 0),
    injured: Uint32Array.from(evs, (e) => e.injured ?? 0),
    abducted: Uint32Array.from(evs, (e) => e.abducted ?? 0),
    perpetrator: Int32Array.from(evs, (e) => e.perpetrator ?? -1),
    perpetratorNames: PERPETRATORS,
    targetType: Int32Array.from(evs, (e) => e.targetType ?? -1),
    targetTypeNames: TARGETS,
  };
}

const T0 = Date.UTC(2022, 0, 1), T1 = Date.UTC(2025, 0, 1);
/** Arbitrary events in Balochistan, 2022-2024, with every precision and some missing fields. */
export const arbEvent: fc.Arbitrary<Ev> = fc.record({
  time: fc.integer({ min: T0, max: T1 }),
  timePrecision: fc.integer({ min: 0, max: 3 }),
  lat: fc.double({ min: 25, max: 31, noNaN: true }),
  lon: fc.double({ min: 61, max: 70, noNaN: true }),
  locationPrecision: fc.integer({ min: 0, max: 4 }),
  district: fc.integer({ min: -1, max: DISTRICTS.length - 1 }),
  category: fc.integer({ min: 0, max: CATEGORY_CODES.length - 1 }),
  killed: fc.nat({ max: 30 }),
  injured: fc.nat({ max: 40 }),
  abducted: fc.nat({ max: 5 }),
  perpetrator: fc.integer({ min: -1, max: PERPETRATORS.length - 1 }),
  targetType: fc.integer({ min: -1, max: TARGETS.length - 1 }),
});
