/**
 * Turning the shipped TopoJSON into GeoJSON features, in the engine so that the server, the
 * dashboard and a researcher's notebook decode it the same way. Pure: the caller reads the file.
 */
import { feature } from 'topojson-client';
import { BaseeratError } from '../domain/errors.js';
import type { DistrictFeatureCollection } from './district-index.js';

/**
 * GeoJSON FeatureCollection of one named object of a TopoJSON topology (`districts`, `provinces`,
 * `divisions`). Throws a VALIDATION error naming the object when it is missing or not a collection.
 */
export function featuresFromTopology(topology: unknown, objectName = 'districts'): DistrictFeatureCollection {
  const t = topology as { type?: unknown; objects?: Record<string, { type?: string } | undefined> | null } | null;
  if (t === null || typeof t !== 'object' || t.type !== 'Topology' || typeof t.objects !== 'object' || t.objects === null) {
    throw new BaseeratError('VALIDATION', 'topology is not a TopoJSON Topology (type must be "Topology" with objects)', { field: 'type' });
  }
  const obj = t.objects[objectName];
  if (obj === undefined || obj.type !== 'GeometryCollection') {
    throw new BaseeratError('VALIDATION', `topology.objects.${objectName} is ${obj === undefined ? 'missing' : obj.type}, expected a GeometryCollection`, {
      field: `objects.${objectName}`,
    });
  }
  // topojson-client's overloads are typed per geometry kind; the object was checked above.
  return (feature as unknown as (t: unknown, o: unknown) => unknown)(t, obj) as DistrictFeatureCollection;
}
