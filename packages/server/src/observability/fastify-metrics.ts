/**
 * API request latency into `baseerat_http_request_seconds{method,route,status}`: one onResponse
 * hook. The route label is the route's pattern (`/api/incidents/:id`), never the URL, so that the
 * number of series stays bounded and no identifier or query string reaches the metrics.
 */
import type { FastifyInstance } from 'fastify';
import type { BaseeratMetrics } from './metrics.js';

export function registerRequestMetrics(app: FastifyInstance, metrics: Pick<BaseeratMetrics, 'httpRequestSeconds'>): void {
  app.addHook('onResponse', (req, reply, done) => {
    metrics.httpRequestSeconds.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
