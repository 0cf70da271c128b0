/**
 * Risk and allocation through the same services as `baseerat risk` and `baseerat allocate`:
 * `GET /api/risk` ranks districts or H3 cells by the area risk index with each factor's
 * contribution, the band and the data mix; `POST /api/allocation` plans K units. Need-to-know as
 * for analyses: the user's districts and classification ceiling go into the filter first, the
 * result is released only if the user may see its label (`releaseDerived`), every run is audited,
 * and both draw from the heavy rate limit. Terrain layers are the server's (`serve --risk-layers DIR`,
 * `ApiDeps.riskLayers`): a request cannot upload geometry.
 */
import { ClassificationSchema, type Classification } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AnalysisFilter } from '../../analysis/analysis-request.js';
import { allocationService } from '../../risk/allocation-service.js';
import { riskService, RISK_PERIODS } from '../../risk/risk-service.js';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { releaseAnalysis, scopedAnalysisFilter, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';
import { canonicalDistricts, IncidentQuerySchema } from '../schemas.js';

const PERIODS = Object.keys(RISK_PERIODS) as [keyof typeof RISK_PERIODS, ...(keyof typeof RISK_PERIODS)[]];

const RiskOptionsShape = {
  level: z.enum(['district', 'h3']).default('district').describe('rank districts or H3 cells'),
  resolution: z.coerce.number().int().min(4).max(7).optional().describe('H3 resolution for level=h3 (default 5)'),
  period: z.enum(PERIODS).default('quarter').describe('calendar period of the model (Pakistan time)'),
  historyPeriods: z.coerce.number().int().min(4).max(400).optional().describe('most periods of history (default 40)'),
  target: z.enum(['count', 'harm']).default('count').describe('what the index predicts'),
  perCapita: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('offset by census population; rates per 100,000'),
};

const RiskQuerySchema = IncidentQuerySchema.omit({ agencies: true }).extend({
  ...RiskOptionsShape,
  top: z.coerce.number().int().min(1).max(500).default(20).describe('areas listed'),
});

const AllocationBodySchema = z.strictObject({
  filter: IncidentQuerySchema.omit({ agencies: true }).partial().default({}),
  level: RiskOptionsShape.level,
  resolution: z.number().int().min(4).max(7).optional(),
  period: RiskOptionsShape.period,
  historyPeriods: z.number().int().min(4).max(400).optional(),
  target: RiskOptionsShape.target,
  units: z.number().int().min(1).max(500),
  radiusKm: z.number().positive().max(500),
  mandatorySiteIds: z.array(z.string().min(1)).max(500).optional(),
  excludedSiteIds: z.array(z.string().min(1)).max(5000).optional(),
  minUnitsPerDistrict: z.record(z.string(), z.number().int().min(0).max(500)).optional(),
  unpredictability: z.number().min(0).max(1).default(0.5),
  patrolShare: z.record(z.string(), z.number().min(0).max(1)).optional().describe('known share of patrol time per area id, for the feedback-loop correction'),
  seed: z.string().min(1).max(100).optional(),
}).meta({ id: 'AllocationRequest' });

const EnvelopeSchema = z.object({
  analysis: z.string(),
  classification: ClassificationSchema,
  filter: z.record(z.string(), z.unknown()),
  incidentsRead: z.number().int(),
  parameters: z.unknown(),
  result: z.unknown(),
  annotations: z.unknown(),
  caveats: z.array(z.unknown()),
}).meta({ id: 'RiskEnvelope' });

type Query = Partial<z.infer<typeof IncidentQuerySchema>>;

export const riskRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  /** The scoped filter, the run and the release: what both routes share. */
  async function run<T extends { classification: Classification }>(req: Parameters<typeof authOf>[0], name: 'risk' | 'allocation', q: Query, go: (filter: AnalysisFilter) => Promise<T>): Promise<T> {
    const { gate, authz, principal } = authOf(req);
    const t = now();
    const scoped = await scopedFilter(gate, authz, { districts: canonicalDistricts(q.districts, deps.geography), maxClassification: q.maxClassification }, {}, t);
    const filter = scopedAnalysisFilter(q, scoped);
    const env = await go(filter);
    const label: SecurityLabel = { classification: env.classification, compartments: [], districts: [...(scoped.districts ?? [])].sort() };
    return releaseAnalysis({
      gate, authz, audit: deps.security.audit, actor: principal.id, from: req.ip, now: t,
      resourceId: `analysis:${name}`, target: name, label, field: 'filter', result: env,
    });
  }

  app.get('/api/risk', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['risk'], summary: 'Area risk index: districts or H3 cells ranked by expected incidents next period, with factor contributions, band and data mix',
      querystring: RiskQuerySchema,
      response: { 200: EnvelopeSchema, ...PROBLEMS, 422: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req) => {
    const q = req.query;
    const env = await run(req, 'risk', q, (filter) => riskService({ store: deps.store, geography: deps.geography }, {
      filter, level: q.level, period: q.period, target: q.target, top: q.top,
      ...(deps.riskLayers === undefined ? {} : { layers: deps.riskLayers }),
      ...(q.resolution === undefined ? {} : { resolution: q.resolution }),
      ...(q.historyPeriods === undefined ? {} : { historyPeriods: q.historyPeriods }),
      ...(q.perCapita === undefined ? {} : { perCapita: q.perCapita }),
    }));
    return env as unknown as z.infer<typeof EnvelopeSchema>;
  });

  app.post('/api/allocation', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['risk'], summary: 'Allocation plan: K units placed to cover the most expected harm, against proportional and uniform plans, with coverage probabilities',
      body: AllocationBodySchema,
      response: { 200: EnvelopeSchema, ...PROBLEMS, 422: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req) => {
    const b = req.body;
    const env = await run(req, 'allocation', b.filter, (filter) => allocationService({ store: deps.store, geography: deps.geography }, {
      filter, level: b.level, period: b.period, target: b.target, units: b.units, radiusKm: b.radiusKm, unpredictability: b.unpredictability,
      ...(deps.riskLayers === undefined ? {} : { layers: deps.riskLayers }),
      ...(b.resolution === undefined ? {} : { resolution: b.resolution }),
      ...(b.historyPeriods === undefined ? {} : { historyPeriods: b.historyPeriods }),
      ...(b.mandatorySiteIds === undefined ? {} : { mandatorySiteIds: b.mandatorySiteIds }),
      ...(b.excludedSiteIds === undefined ? {} : { excludedSiteIds: b.excludedSiteIds }),
      ...(b.minUnitsPerDistrict === undefined ? {} : { minUnitsPerDistrict: b.minUnitsPerDistrict }),
      ...(b.patrolShare === undefined ? {} : { patrolShare: b.patrolShare }),
      ...(b.seed === undefined ? {} : { seed: b.seed }),
    }));
    return env as unknown as z.infer<typeof EnvelopeSchema>;
  });
};
