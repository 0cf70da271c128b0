/** Aggregate counts (by district, province, category, month, agency) over what the user may see. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ClassificationSchema } from '@baseerat/engine';
import type { ApiDeps } from '../context.js';
import { incidentQueryFilter, requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS } from '../plugins/problem-json.js';
import { IncidentQuerySchema } from '../schemas.js';
import { releasedStats } from '../scoped-stats.js';

const counts = z.record(z.string(), z.number().int());

export const StatsSchema = z.object({
  total: z.number().int(),
  reports: z.number().int(),
  byProvince: counts, byDistrict: counts, byCategory: counts,
  byMonth: counts.describe("'YYYY-MM' in Pakistan time -> count"),
  byAgency: counts,
  label: z.object({ classification: ClassificationSchema, compartments: z.array(z.string()), districts: z.array(z.string()) })
    .describe('the security label of this result: the highest classification and every district it aggregates'),
}).meta({ id: 'Stats' });

export const statsRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/stats', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['stats'], summary: 'Counts over the incidents you may see (a district officer: their districts)',
      querystring: IncidentQuerySchema,
      response: { 200: StatsSchema, ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    await requireSystem(gate, 'listIncidents', 'stats', t);
    const q = req.query;
    const filter = await incidentQueryFilter(gate, authz, deps.geography, q, t);
    const { stats, label } = await releasedStats(deps.store, gate, authz, 'stats', filter, t);
    return { ...stats, label: { classification: label.classification, compartments: [...label.compartments], districts: [...label.districts] } };
  });
};
