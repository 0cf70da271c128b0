/**
 * observability: structured logs (pino), Prometheus metrics (prom-client) and the health,
 * readiness and metrics endpoints of worker processes. May import: pino, prom-client, Node
 * built-ins. Used by `worker/` and the CLI; see docs/operations.md ("Monitoring").
 */
export * from './logger.js';
export * from './metrics.js';
export * from './http.js';
export * from './fastify-metrics.js';
