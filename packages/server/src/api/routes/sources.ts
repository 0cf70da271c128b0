/**
 * Sources: the agencies whose records the user may see (with counts, released like any
 * aggregate) and the ingest runs (who fed what, when, with what outcome; for those who may ingest).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../context.js';
import { requireSystem, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS } from '../plugins/problem-json.js';
import { releasedStats } from '../scoped-stats.js';

export const IngestRunSchema = z.object({
  id: z.string(), startedAt: z.string(), finishedAt: z.string().optional(), origin: z.string(), format: z.string(), agency: z.string(),
  rowsRead: z.number().int(), inserted: z.number().int(), attached: z.number().int(), duplicates: z.number().int(), quarantined: z.number().int(),
}).meta({ id: 'IngestRun' });

export const sourceRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/sources', {
    schema: {
      tags: ['sources'], summary: 'Agencies with the number of incidents you may see that each reported',
      response: { 200: z.object({ agencies: z.array(z.object({ agency: z.string(), incidents: z.number().int() })) }), ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    await requireSystem(gate, 'listIncidents', 'sources', t);
    const filter = await scopedFilter(gate, authz, {}, {}, t);
    const { stats } = await releasedStats(deps.store, gate, authz, 'sources', filter, t);
    return { agencies: Object.entries(stats.byAgency).sort(([a], [b]) => a.localeCompare(b)).map(([agency, incidents]) => ({ agency, incidents })) };
  });

  app.get('/api/sources/runs', {
    schema: { tags: ['sources'], summary: 'Ingest runs (analysts and administrators)', response: { 200: z.object({ runs: z.array(IngestRunSchema) }), ...PROBLEMS } },
  }, async (req) => {
    await requireSystem(authOf(req).gate, 'ingest', 'ingest-runs', now());
    return { runs: await deps.store.listRuns() };
  });
};
