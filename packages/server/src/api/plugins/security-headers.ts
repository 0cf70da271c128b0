/**
 * Security headers on every response. The CSP allows no inline script at all (no
 * `'unsafe-inline'`): pages the server renders carry a fresh nonce per response for their one
 * inline style; the dashboard (packages/web, served from this origin) loads only its own bundled
 * files. Its map library starts its tile worker as a module worker from a same-origin file
 * (`worker-src 'self'`, no `blob:`), and its canvases and ECharts' tooltips set styles through the
 * CSSOM (`element.style`), which `style-src` does not govern, so no `'unsafe-inline'` is needed for
 * styles either; `img-src blob:` lets the map decode images it builds itself. Everything under /api
 * is personal or classified data and is never cached (`no-store`).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'", `script-src 'self' 'nonce-${nonce}'`, `style-src 'self' 'nonce-${nonce}'`, "img-src 'self' data: blob:",
    "connect-src 'self'", "worker-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (req) => {
    req.cspNonce = randomBytes(16).toString('base64');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    setSecurityHeaders(req, reply);
    return payload;
  });
}

/** Also called directly for the router's own errors, which no hook sees. */
export function setSecurityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  if (req.cspNonce === '' || req.cspNonce === undefined) req.cspNonce = randomBytes(16).toString('base64');
  reply.header('Content-Security-Policy', contentSecurityPolicy(req.cspNonce));
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  const path = req.url.split('?')[0] ?? '';
  if (path.startsWith('/api/') || reply.statusCode >= 400) reply.header('Cache-Control', 'no-store');
  else if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-cache');
}
