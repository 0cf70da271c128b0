/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas by @fastify/swagger, served at
 * `/docs/openapi.json`, and a plain HTML index of the operations at `/docs`: rendered on the
 * server, no script and no CDN assets (the machines have no network, and the CSP allows none).
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const API_VERSION = '0.1.0';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Baseerat API', version: API_VERSION,
        description: 'Security analytics for a provincial Home Department. Every /api route except login needs a session; every answer is filtered by need-to-know. Errors are RFC 9457 problem+json.',
        license: { name: 'see LICENSE in the repository' },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'session token from POST /api/auth/login' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'baseerat_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
      tags: ['auth', 'incidents', 'stats', 'analyses', 'sources', 'ingest', 'users', 'audit', 'health'].map((name) => ({ name })),
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
    // The docs routes themselves are not API operations.
    hideUntagged: true,
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsPage(doc: { info?: { title?: string; version?: string }; paths?: Record<string, Record<string, { summary?: string; tags?: string[] }>> }, nonce: string): string {
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      rows.push(`<tr><td>${esc(op.tags?.[0] ?? '')}</td><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}</td></tr>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info?.title ?? 'API')} ${esc(doc.info?.version ?? '')}</title>
<style nonce="${nonce}">body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}</style>
</head><body><h1>${esc(doc.info?.title ?? 'API')} ${esc(doc.info?.version ?? '')}</h1>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1). Errors are <code>application/problem+json</code> (RFC 9457).</p>
<table><thead><tr><th>tag</th><th>method</th><th>path</th><th>summary</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}

export function registerDocsRoutes(app: FastifyInstance): void {
  app.get('/docs/openapi.json', { config: { public: true } }, async () => app.swagger());
  app.get('/docs', { config: { public: true } }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(app.swagger() as Parameters<typeof docsPage>[0], req.cspNonce)));
}
