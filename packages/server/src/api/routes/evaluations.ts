/**
 * Evaluations of measures ("did it work?") through the same service as `baseerat evaluate`. The
 * result is a derived product of every area it read (treated, comparison, buffer): it is released
 * only if the user may see all of them at the highest classification read (`releaseDerived`), so a
 * district officer can evaluate a measure in their own districts and nothing else. Each run is
 * audited and draws from the heavy rate limit.
 */
import { ClassificationSchema, EVALUATION_METHODS } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateMeasureService } from '../../evaluate/index.js';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { releaseAnalysis } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const EvaluationEnvelopeSchema = z.object({
  analysis: z.literal('evaluate'),
  classification: ClassificationSchema.describe('highest classification of the incidents the evaluation read'),
  filter: z.record(z.string(), z.unknown()),
  incidentsRead: z.number().int(),
  parameters: z.unknown(),
  result: z.unknown().describe('per method: the effect as a rate ratio with its 95% interval, the counterfactual series, robustness checks'),
  annotations: z.unknown().describe('the measure, the window, the areas, the matching and one plain-language conclusion per method'),
  caveats: z.array(z.unknown()),
}).meta({ id: 'EvaluationEnvelope' });

export const evaluationRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.post('/api/evaluations', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['evaluations'],
      summary: 'Did a measure work? Interrupted time series, difference in differences, synthetic control, weighted displacement difference',
      body: z.strictObject({
        measure: z.unknown().describe('the measure declaration (see docs/methods/evaluation.md)'),
        methods: z.array(z.enum(EVALUATION_METHODS)).min(1).optional(),
      }),
      response: { 200: EvaluationEnvelopeSchema, ...PROBLEMS, 422: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req) => {
    const { gate, authz, principal } = authOf(req);
    const t = now();
    const env = await evaluateMeasureService({ store: deps.store, geography: deps.geography }, req.body.measure,
      req.body.methods === undefined ? {} : { methods: req.body.methods });
    // Areas given as H3 cells or polygons name no district: such an evaluation is province-wide
    // for the policy (an empty district list), which only unscoped users may see.
    const areas = env.annotations.areas;
    const districts = areas.every((a) => a.kind === 'district') ? [...new Set(areas.map((a) => a.name))].sort() : [];
    const label: SecurityLabel = { classification: env.classification, compartments: [], districts };
    const released = await releaseAnalysis({
      gate, authz, audit: deps.security.audit, actor: principal.id, from: req.ip, now: t,
      resourceId: 'evaluation', target: 'evaluation', label, field: 'measure', details: { measure: env.annotations.measure.id }, result: env,
    });
    return released as unknown as z.infer<typeof EvaluationEnvelopeSchema>;
  });
};
