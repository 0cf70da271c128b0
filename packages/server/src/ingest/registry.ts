/**
 * Format detection: `csv`, `ndjson` and `geojson` need an agency mapping file; any other format
 * names a built-in adapter of a public dataset (`ucdp`, `gtd`, `acled`, `portland-nij`) from
 * `./adapters/index.js`.
 */
import { BaseeratError } from '@baseerat/engine';
import type { Adapter } from './adapter.js';
import { loadMappingFile } from './mapping.js';
import { builtinAdapters } from './adapters/index.js';

export const GENERIC_FORMATS = ['csv', 'ndjson', 'geojson'] as const;

/** The built-in adapters, by format name. */
export function builtinAdapterRegistry(): Record<string, Adapter> {
  return builtinAdapters;
}

/** The adapter for a format name, loading the mapping file for the generic formats. */
export async function resolveAdapter(format: string, mappingPath?: string): Promise<Adapter> {
  const f = format.trim().toLowerCase();
  if ((GENERIC_FORMATS as readonly string[]).includes(f)) {
    if (mappingPath === undefined) {
      throw new BaseeratError('VALIDATION', `format '${format}' needs a mapping file (--mapping path.json); see data/mappings/README.md`, { field: 'mapping' });
    }
    const adapter = await loadMappingFile(mappingPath);
    if (adapter.reader !== f) {
      throw new BaseeratError('VALIDATION', `format '${format}' does not match the mapping's reader '${adapter.reader}' (${mappingPath})`, { field: 'reader' });
    }
    return adapter;
  }
  const registry = builtinAdapterRegistry();
  const a = registry[f];
  if (a === undefined) {
    const known = [...GENERIC_FORMATS, ...Object.keys(registry)].join(', ');
    throw new BaseeratError('VALIDATION', `format: '${format}' is not a known format (known: ${known})`, { field: 'format' });
  }
  return a;
}
