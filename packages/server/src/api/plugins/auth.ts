/**
 * Authentication, deny by default: every route not marked `config.public` needs a live session,
 * given as `Authorization: Bearer <token>` or the `baseerat_session` cookie. The session rules
 * (idle and absolute timeouts, revocation on any change of authorization) are AccountService's;
 * here each request gets its principal, a Cedar authorizer memoised for this request only, and an
 * AccessGate that audits with the client address, and the user's data scope is recorded for the
 * store's row-level security (data-scope.ts: server mode's second layer under Cedar).
 *
 * Sessions are created only by a login that checked both password and TOTP, so `mfa` is true.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccessGate } from '../../security/access-gate.js';
import type { ApiDeps } from '../context.js';
import { SESSION_COOKIE } from '../context.js';
import { dataScopeOf, registerDataScope, setRequestDataScope } from './data-scope.js';
import { problem, sendProblem } from './problem-json.js';

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionToken(req: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const h = req.headers.authorization;
  if (h !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,100})$/.exec(h);
    return m?.[1] === undefined ? undefined : { token: m[1], via: 'bearer' };
  }
  const c = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return c !== undefined && /^[A-Za-z0-9_-]{20,100}$/.test(c) ? { token: c, via: 'cookie' } : undefined;
}

/**
 * Defence in depth against cross-site requests riding the cookie (SameSite=Strict is the first
 * line): a state-changing request authenticated by cookie must not come from another origin.
 */
function crossSite(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] === 'cross-site';
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export function registerAuth(app: FastifyInstance, deps: Required<Pick<ApiDeps, 'now'>> & ApiDeps): void {
  app.decorateRequest('auth', null);
  // before the authentication hook: every request runs in its own data-scope frame (see data-scope.ts),
  // for a store that reads it (PostgreSQL's row-level security); DuckDB's has none
  const scoped = deps.store.enforcesRequestScope === true;
  if (scoped) registerDataScope(app);
  app.addHook('onRequest', async (req, reply) => {
    // Unknown routes (404) and public ones need no session.
    if (req.routeOptions.url === undefined || req.routeOptions.config.public === true) return;
    const presented = sessionToken(req);
    const now = deps.now();
    const instance = req.url.split('?')[0] ?? req.url;
    if (presented?.via === 'cookie' && crossSite(req)) {
      await sendProblem(reply, problem(403, 'FORBIDDEN', 'a cross-site request may not use the session cookie', instance, { field: 'origin' }));
      return reply;
    }
    const token = presented?.token;
    if (token === undefined) {
      reply.header('WWW-Authenticate', 'Bearer realm="baseerat"');
      await sendProblem(reply, problem(401, 'UNAUTHORIZED', 'a session is required: log in at POST /api/auth/login', instance));
      return reply;
    }
    const s = await deps.security.accounts.authenticate(token, req.ip, now);
    if (!s.ok) {
      reply.header('WWW-Authenticate', 'Bearer realm="baseerat", error="invalid_token"');
      await sendProblem(reply, problem(401, 'UNAUTHORIZED', `the session is not valid (${s.reason}); log in again`, instance));
      return reply;
    }
    const authz = deps.security.policies.forRequest(s.principal, { mfa: true });
    req.auth = { principal: s.principal, authz, gate: new AccessGate(authz, deps.security.audit, req.ip), token };
    // the second layer: the store's row-level security sees only what this user may see
    if (scoped) setRequestDataScope(req, dataScopeOf(s.principal));
  });
}

/** The request's auth; routes behind the hook always have it. */
export function authOf(req: FastifyRequest): NonNullable<FastifyRequest['auth']> {
  if (req.auth === null) throw new Error(`route ${req.routeOptions.url ?? req.url} reached without authentication`);
  return req.auth;
}
