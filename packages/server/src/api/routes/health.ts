/** Liveness and readiness without a session: says only whether the store answers. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../context.js';

export const healthRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/healthz', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Liveness: the process and its store answer', security: [], response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable') }) } },
  }, async (_req, reply) => {
    try {
      await deps.store.countIncidents({ from: '1970-01-01T00:00:00.000Z', to: '1970-01-01T00:00:00.001Z' });
      return { status: 'ok' as const };
    } catch {
      return reply.code(503).send({ status: 'unavailable' as const });
    }
  });
};
