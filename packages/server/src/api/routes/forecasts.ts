/**
 * Forecasts through the same service as `baseerat forecast counts`: the predictive distribution of
 * incident counts per district and month (or ISO week) for horizons 1..3 after an origin, with a
 * model card (data, backtest against the VIEWS benchmarks, known limits).
 *
 * Need-to-know: the user's scope goes into the service first. A district officer's forecast reads
 * and forecasts only their districts (the model is then fitted on those districts alone), and only
 * incidents at or below the classification they may view; the result is released only if they may
 * see its label (the highest classification read, the districts forecast). Each run is audited and
 * draws from the heavy rate limit (the model card's backtest refits the model at 24 origins).
 */
import { ClassificationSchema } from '@baseerat/engine';
import { COUNT_MODELS } from '@baseerat/engine/forecast/counts/index';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonSafe } from '../../analysis/json-safe.js';
import { runCountForecast } from '../../forecast/counts-service.js';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { releaseAnalysis, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';
import { canonicalDistricts } from '../schemas.js';

const csv = (what: string) => z.string().max(4000).describe(`comma-separated ${what}`)
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const CountForecastQuerySchema = z.strictObject({
  province: z.string().min(1).max(100).default('Balochistan').describe('province or territory (default Balochistan)'),
  period: z.enum(['month', 'week']).default('month'),
  origin: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/).describe("first forecast period: 'YYYY-MM' (months) or 'YYYY-MM-DD' (weeks: the ISO week containing the day); only incidents before it are used"),
  horizon: z.coerce.number().int().min(1).max(3).default(1).describe('periods ahead: forecasts for 1..horizon'),
  model: z.enum(COUNT_MODELS).optional().describe("default: backtest-selected (the candidate, the baselines included, with the best CRPS on the origins before this one)"),
  districts: csv('district names of the province (2023 census; aliases accepted)').optional(),
  maxClassification: ClassificationSchema.optional(),
  backtestOrigins: z.coerce.number().int().min(0).max(60).default(24).describe("origins in the model card's backtest (0: none)"),
});

const Num = z.number().nullable();
const DistrictPredictionSchema = z.object({
  district: z.string(),
  mean: Num,
  median: Num,
  interval50: z.array(Num),
  interval90: z.array(Num),
  probabilities: z.array(Num).describe('P(count = k) for k = 0, 1, ..., K'),
  tailProbability: Num.describe('P(count > K)'),
  lastObserved: Num,
});
const CountForecastSchema = z.object({
  province: z.string(),
  classification: ClassificationSchema.describe('highest classification of the incidents the forecast read'),
  unit: z.literal('district'),
  period: z.enum(['month', 'week']),
  origin: z.string(),
  model: z.string(),
  horizons: z.array(z.object({
    horizon: z.number().int(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    model: z.string().describe("the model whose forecast this is: for 'backtest-selected', the candidate chosen on the backtest before the origin"),
    selection: z.unknown().optional().describe("'backtest-selected': every candidate's CRPS, MAE and 50/90% coverage on earlier origins, and a sentence saying which won and by how much"),
    fitted: z.unknown().optional(),
    recentRate: z.unknown().optional(),
    dampedTrend: z.unknown().optional().describe("'damped-trend-negbin': the smoothing parameters chosen on earlier origins and the dispersion"),
    districts: z.array(DistrictPredictionSchema),
  })),
  modelCard: z.unknown(),
  caveats: z.array(z.unknown()),
}).meta({ id: 'CountForecast' });

export const forecastRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/forecasts/counts', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['forecasts'],
      summary: 'How many incidents will each district have next month (or week)? Predictive distributions with intervals and a model card',
      querystring: CountForecastQuerySchema,
      response: { 200: CountForecastSchema, ...PROBLEMS, 422: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req) => {
    const { gate, authz, principal } = authOf(req);
    const t = now();
    const q = req.query;
    const scoped = await scopedFilter(gate, authz, { districts: canonicalDistricts(q.districts, deps.geography), maxClassification: q.maxClassification }, {}, t);
    const r = await runCountForecast({
      db: deps.store, province: q.province, period: q.period, origin: q.origin, horizon: q.horizon, backtestOrigins: q.backtestOrigins,
      ...(q.model === undefined ? {} : { model: q.model }),
      ...(scoped.districts === undefined ? {} : { districts: scoped.districts }),
      ...(scoped.maxClassification === undefined ? {} : { maxClassification: scoped.maxClassification }),
    });
    const districts = r.horizons[0]?.districts.map((d) => d.district) ?? [];
    const label: SecurityLabel = { classification: r.classification, compartments: [], districts: scoped.districts === undefined ? [] : [...districts].sort() };
    const released = await releaseAnalysis({
      gate, authz, audit: deps.security.audit, actor: principal.id, from: req.ip, now: t,
      resourceId: 'forecast:counts', target: 'forecast:counts', label, field: 'districts',
      details: { province: r.province, origin: r.origin, model: r.model }, result: r,
    });
    return jsonSafe(released) as unknown as z.infer<typeof CountForecastSchema>;
  });
};
