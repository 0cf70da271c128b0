/**
 * Analyses (trends, seasonality, hotspots, emerging hotspots, near repeat, actors) through the same services as `baseerat analyze`. The
 * user's scope goes into the filter first (a district officer analyses their districts; the
 * classification ceiling is what the policy lets them view), and the result is released only if
 * the user may see its label: the highest classification the service read and the districts the
 * filter allowed (`releaseDerived`). Each run is audited; these draw from the heavy rate limit.
 */
import { ClassificationSchema } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AnalysisContext, AnalysisFilter } from '../../analysis/analysis-request.js';
import { actorsService } from '../../analysis/actors-service.js';
import { emergingHotspotsService } from '../../analysis/emerging-hotspots-service.js';
import { hotspotsService } from '../../analysis/hotspots-service.js';
import { nearRepeatService } from '../../analysis/near-repeat-service.js';
import { seasonalityService } from '../../analysis/seasonality-service.js';
import { trendsService } from '../../analysis/trends-service.js';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { releaseAnalysis, scopedAnalysisFilter, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';
import { canonicalDistricts, IncidentQuerySchema } from '../schemas.js';

const AnalysisQuerySchema = IncidentQuerySchema.omit({ agencies: true });

const EnvelopeSchema = z.object({
  analysis: z.string(),
  classification: ClassificationSchema.describe('highest classification of the incidents the analysis read'),
  filter: z.record(z.string(), z.unknown()),
  incidentsRead: z.number().int(),
  parameters: z.unknown(),
  result: z.unknown(),
  annotations: z.unknown(),
  caveats: z.array(z.unknown()),
}).meta({ id: 'AnalysisEnvelope' });

type Envelope = { classification: z.infer<typeof ClassificationSchema> };
const SERVICES: Record<string, { summary: string; run: (ctx: AnalysisContext, filter: AnalysisFilter) => Promise<Envelope> }> = {
  trends: { summary: 'Is the incident rate up or down? (window vs previous and last year, by district, Mann-Kendall)', run: (ctx, filter) => trendsService(ctx, { filter }) },
  seasonality: { summary: 'Seasonal pattern by month, weekday, hour and Hijri month', run: (ctx, filter) => seasonalityService(ctx, { filter }) },
  hotspots: { summary: 'Hot and cold spots (Getis-Ord Gi* on H3 cells, FDR)', run: (ctx, filter) => hotspotsService(ctx, { filter }) },
  'emerging-hotspots': {
    summary: 'Where is a hot spot forming or fading? (space-time cube of H3 res 5 cells by month, Gi* per step, Mann-Kendall, the ArcGIS Emerging Hot Spot categories; default window the last 36 months)',
    run: (ctx, filter) => emergingHotspotsService(ctx, { filter }),
  },
  'near-repeat': {
    summary: 'Does one incident make another nearby soon after more likely? (Knox test over space and time bands, 999 seeded permutations, exactly located incidents)',
    run: (ctx, filter) => nearRepeatService(ctx, { filter }),
  },
  actors: {
    summary: 'Threat-actor profiles: activity, districts, tactics, targets and lethality per claimed group (and unclaimed), against the previous period',
    run: (ctx, filter) => actorsService(ctx, { filter }),
  },
};

export const analysisRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  for (const [name, svc] of Object.entries(SERVICES)) {
    app.get(`/api/analyses/${name}`, {
      config: { rateLimit: 'heavy' },
      schema: {
        tags: ['analyses'], summary: svc.summary, querystring: AnalysisQuerySchema,
        response: { 200: EnvelopeSchema, ...PROBLEMS, 422: ProblemSchema, 429: ProblemSchema },
      },
    }, async (req) => {
      const { gate, authz, principal } = authOf(req);
      const t = now();
      const q = req.query;
      const scoped = await scopedFilter(gate, authz, { districts: canonicalDistricts(q.districts, deps.geography), maxClassification: q.maxClassification }, {}, t);
      const filter = scopedAnalysisFilter(q, scoped);
      // made as of the request: days after it are not "uncovered" (coverage caveats), trends cuts its window there
      const env = await svc.run({ store: deps.store, geography: deps.geography, now: t }, filter);
      const label: SecurityLabel = { classification: env.classification, compartments: [], districts: [...(scoped.districts ?? [])].sort() };
      const released = await releaseAnalysis({
        gate, authz, audit: deps.security.audit, actor: principal.id, from: req.ip, now: t,
        resourceId: `analysis:${name}`, target: name, label, field: 'filter', result: env,
      });
      return released as unknown as z.infer<typeof EnvelopeSchema>;
    });
  }
};
