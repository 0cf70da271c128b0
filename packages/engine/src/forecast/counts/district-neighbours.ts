/**
 * Which districts share a boundary, from the TopoJSON topology (two districts are neighbours when
 * their polygons share at least one arc: topojson-client `neighbors`). Used for the spatial lag of
 * the count models: the mean count of a district's neighbours in the last observed period.
 *
 * Answers: "whose violence spills over into this district?" in its simplest form. Shared boundaries
 * rather than centroid distance because Balochistan's districts differ in size by two orders of
 * magnitude (Quetta 3,500 km^2 against Chagai 50,000 km^2): any one distance band would give small
 * districts too many neighbours or large ones none. Complexity O(arcs). Pure: the caller reads the file.
 */
import { neighbors } from 'topojson-client';
import { BaseeratError } from '../../domain/errors.js';

/**
 * Neighbour lists for `names` (in that order), from `topology.objects[objectName]` whose geometries
 * carry `properties.name`. Neighbours outside `names` (another province) are left out. Throws a
 * VALIDATION error naming a district that is not in the topology.
 */
export function districtNeighboursFromTopology(topology: unknown, names: readonly string[], objectName = 'districts'): number[][] {
  const t = topology as { type?: string; objects?: Record<string, { type?: string; geometries?: { properties?: { name?: string } }[] }> } | null;
  const obj = t?.objects?.[objectName];
  if (t === null || t.type !== 'Topology' || obj === undefined || !Array.isArray(obj.geometries)) {
    throw new BaseeratError('VALIDATION', `topology.objects.${objectName} is not a TopoJSON GeometryCollection`, { field: `objects.${objectName}` });
  }
  const geoms = obj.geometries;
  const adj = (neighbors as unknown as (g: unknown[]) => number[][])(geoms);
  const pos = new Map<string, number>();
  names.forEach((n, i) => pos.set(n, i));
  const geomIndex = new Map<string, number>();
  geoms.forEach((g, i) => { const n = g.properties?.name; if (n !== undefined) geomIndex.set(n, i); });
  return names.map((n) => {
    const gi = geomIndex.get(n);
    if (gi === undefined) throw new BaseeratError('VALIDATION', `district ${JSON.stringify(n)} is not in topology.objects.${objectName}`, { field: 'names' });
    const out: number[] = [];
    for (const gj of adj[gi] ?? []) {
      const j = pos.get(geoms[gj]?.properties?.name ?? '');
      if (j !== undefined && j !== pos.get(n)) out.push(j);
    }
    return out.sort((a, b) => a - b);
  });
}
