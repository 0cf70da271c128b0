/**
 * The checks of an `IncidentFilter` that every store's WHERE builder needs before it writes SQL:
 * category codes and groups must exist, the classification ceiling must be a level, the bbox must
 * be finite. Throws VALIDATION naming the field and the value. Shared so that DuckDB and
 * PostgreSQL refuse the same filters with the same messages.
 */
import { BaseeratError, CATEGORY_CODES, TAXONOMY, classificationRank } from '@baseerat/engine';
import type { IncidentFilter } from './port.js';

const KNOWN_GROUPS = new Set(TAXONOMY.map((d) => d.group as string));

export function checkIncidentFilter(filter: IncidentFilter): void {
  for (const c of filter.categories ?? []) {
    if (!(CATEGORY_CODES as readonly string[]).includes(c)) throw new BaseeratError('VALIDATION', `categories: unknown category code ${JSON.stringify(c)}`, { field: 'categories' });
  }
  for (const g of filter.groups ?? []) {
    if (!KNOWN_GROUPS.has(g)) throw new BaseeratError('VALIDATION', `groups: unknown category group ${JSON.stringify(g)}`, { field: 'groups' });
  }
  if (filter.maxClassification !== undefined && classificationRank(filter.maxClassification) < 0) {
    throw new BaseeratError('VALIDATION', `maxClassification: unknown level ${JSON.stringify(filter.maxClassification)}`, { field: 'maxClassification' });
  }
  if (filter.bbox !== undefined) {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    for (const [k, v] of Object.entries({ minLon, minLat, maxLon, maxLat })) {
      if (!Number.isFinite(v)) throw new BaseeratError('VALIDATION', `bbox.${k} is not a finite number: ${String(v)}`, { field: 'bbox' });
    }
  }
}
