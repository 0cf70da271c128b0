/**
 * createApp(deps): the Baseerat HTTP API on Fastify 5. Order matters and is deliberate: security
 * headers and problem+json first (they cover every answer, errors included), then authentication
 * (deny by default: only routes marked `config.public` skip it), rate limits, OpenAPI, routes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerRequestMetrics } from '../observability/fastify-metrics.js';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './context.js';
import { registerAuth } from './plugins/auth.js';
import { registerDocsRoutes, registerOpenApi } from './plugins/openapi.js';
import { problem, registerProblemJson, sendProblem } from './plugins/problem-json.js';
import { DEFAULT_RATE_LIMITS, registerRateLimits } from './plugins/rate-limit.js';
import { registerSecurityHeaders, setSecurityHeaders } from './plugins/security-headers.js';
import { alertRoutes } from './routes/alerts.js';
import { watchZoneRoutes } from './routes/watch-zones.js';
import { keyRoutes } from './routes/keys.js';
import { analysisRoutes } from './routes/analyses.js';
import { forecastRoutes } from './routes/forecasts.js';
import { riskRoutes } from './routes/risk.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { evaluationRoutes } from './routes/evaluations.js';
import { healthRoutes } from './routes/health.js';
import { staticDashboardRoutes } from './static-dashboard.js';
import { incidentRoutes } from './routes/incidents.js';
import { ingestRoutes } from './routes/ingest.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { releaseRoutes } from './routes/releases.js';
import { reportRoutes } from './routes/reports.js';
import { sourceRoutes } from './routes/sources.js';
import { statsRoutes } from './routes/stats.js';
import { userRoutes } from './routes/users.js';

export async function createApp(deps: ApiDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 16 * 1024 * 1024,
    // Behind a reverse proxy set trustProxy there, not here: a spoofed X-Forwarded-For would otherwise
    // choose the rate-limit bucket and the address in the audit trail.
    trustProxy: false,
    routerOptions: { maxParamLength: 256 },
    // Errors the router raises before any route (bad URL, over-long parameter) are problems too.
    frameworkErrors: (error, req, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      setSecurityHeaders(req, reply);
      void sendProblem(reply, problem(status, 'VALIDATION', error.message, req.url.split('?')[0] ?? req.url, { field: 'url' }));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerSecurityHeaders(app);
  registerProblemJson(app);
  if (deps.metrics !== undefined) registerRequestMetrics(app, deps.metrics);
  registerAuth(app, { ...deps, now });
  registerRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits }, now);
  await registerOpenApi(app);
  registerDocsRoutes(app);

  const opts = { deps, now };
  await app.register(healthRoutes, { deps });
  await app.register(authRoutes, { ...opts, secureCookie: deps.secureCookie ?? true });
  await app.register(incidentRoutes, opts);
  await app.register(statsRoutes, opts);
  await app.register(sourceRoutes, opts);
  await app.register(quarantineRoutes, opts);
  await app.register(ingestRoutes, opts);
  await app.register(analysisRoutes, opts);
  await app.register(forecastRoutes, opts);
  await app.register(riskRoutes, opts);
  await app.register(evaluationRoutes, opts);
  await app.register(userRoutes, opts);
  await app.register(auditRoutes, opts);
  await app.register(releaseRoutes, opts);
  await app.register(reportRoutes, opts);
  await app.register(alertRoutes, opts);
  await app.register(watchZoneRoutes, opts);
  await app.register(keyRoutes, opts);
  if (deps.webDir !== undefined) await app.register(staticDashboardRoutes, { webDir: deps.webDir });
  // background warm-ups still running finish before the store they read is closed
  app.addHook('onClose', async () => { await deps.accountWarmer?.settle(); });
  await app.ready();
  return app;
}
