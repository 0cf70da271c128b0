import type { CategoryCode, LocationPrecision, Report, TimePrecision } from '../../src/domain/index.js';

export interface MiniReport {
  agency: string;
  id: string;
  at: string;
  timePrecision?: TimePrecision;
  lat?: number;
  lon?: number;
  precision?: LocationPrecision;
  district?: string;
  category?: CategoryCode;
}

/** A Report with only what linking reads set to something meaningful. */
export function report(m: MiniReport): Report {
  const location: Report['location'] = { precision: m.precision ?? (m.lat === undefined ? 'district' : 'exact') };
  if (m.lat !== undefined) location.lat = m.lat;
  if (m.lon !== undefined) location.lon = m.lon;
  if (m.district !== undefined) location.district = m.district;
  return {
    occurredAt: new Date(m.at).toISOString(),
    timePrecision: m.timePrecision ?? 'exact',
    location,
    category: m.category ?? 'TI.BOMB',
    severity: { killed: 0, injured: 0, abducted: 0 },
    classification: 'RESTRICTED',
    reportingMode: 'public',
    source: { agency: m.agency, sourceId: m.id, receivedAt: '2024-06-01T00:00:00.000Z', format: 'test', raw: '' },
  };
}

/** Offset a latitude by km to the north. */
export const north = (lat: number, km: number) => lat + km / 111.195;
