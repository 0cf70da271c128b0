/**
 * `GET /api/watch-zones`: the watch zones the live rules use, as GeoJSON for the dashboard's map
 * (radius zones as their circles, corridors as their centre lines with the buffer in properties,
 * areas as drawn). Zones name sensitive sites, so they go to the roles that act on alerts
 * (analyst, commander, district officer with RESTRICTED clearance or above: Cedar's `acknowledgeAlert`), not to researchers,
 * administrators or auditors; a denial is audited. Without a live monitor: 404.
 */
import { BaseeratError, watchZonesFeatureCollection } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const ZONES_LABEL: SecurityLabel = { classification: 'RESTRICTED', compartments: [], districts: [] };
const Position = z.tuple([z.number(), z.number()]);
const ZoneFeatureSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.union([
    z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) }),
    z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(Position)) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(Position))) }),
  ]),
  properties: z.object({
    id: z.string(), name: z.string(), kind: z.enum(['radius', 'corridor', 'area']),
    radiusKm: z.number().optional(), bufferKm: z.number().optional(),
  }),
}).meta({ id: 'WatchZoneFeature' });

export const watchZoneRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/watch-zones', {
    schema: {
      tags: ['alerts'], summary: 'The watch zones the live rules use, as GeoJSON (radius zones drawn as circles)',
      querystring: z.strictObject({}),
      response: { 200: z.object({ type: z.literal('FeatureCollection'), features: z.array(ZoneFeatureSchema) }), ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    // Decided like an alert with no district at RESTRICTED: the roles that act on alerts, at that clearance.
    if (!(await gate.check('acknowledgeAlert', { kind: 'Alert', id: 'watch-zones', label: ZONES_LABEL }, now()))) {
      throw new BaseeratError('FORBIDDEN', `role ${principal.role} may not see the watch zones`, { field: 'role' });
    }
    if (deps.monitor === undefined) throw new BaseeratError('NOT_FOUND', 'live monitoring is not enabled on this server (start it with a rule set)', { field: 'monitor' });
    return watchZonesFeatureCollection(deps.monitor.zones);
  });
};
