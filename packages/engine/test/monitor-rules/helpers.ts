import type { CategoryCode } from '../../src/domain/taxonomy.js';
import type { MonitorIncident } from '../../src/monitor/rules/types.js';

let n = 0;
/** A small constructed incident; unspecified fields are a Quetta armed clash with no casualties. */
export function inc(o: Partial<Omit<MonitorIncident, 'location' | 'severity'>> & { lat?: number | undefined; lon?: number | undefined; district?: string | undefined; killed?: number; category?: CategoryCode } = {}): MonitorIncident {
  const location: MonitorIncident['location'] = {};
  const lat = 'lat' in o ? o.lat : 30.19, lon = 'lon' in o ? o.lon : 67.0;
  if (lat !== undefined) location.lat = lat;
  if (lon !== undefined) location.lon = lon;
  const district = 'district' in o ? o.district : 'Quetta';
  if (district !== undefined) location.district = district;
  const out: MonitorIncident = {
    id: o.id ?? `i${++n}`,
    occurredAt: o.occurredAt ?? '2024-03-01T10:00:00.000Z',
    category: o.category ?? 'TI.CLASH',
    location,
    severity: { killed: o.killed ?? 0, injured: 0 },
  };
  if (o.targetType !== undefined) out.targetType = o.targetType;
  return out;
}
