/**
 * Login (password + TOTP) -> session token, as a bearer token in the body and an `HttpOnly;
 * Secure; SameSite=Strict` cookie; logout; who am I. Failed logins all answer the same 401, and
 * AccountService audits each attempt and locks the account after 5 failures; the login route
 * also draws from a per-address rate limit.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BaseeratError, ClassificationSchema } from '@baseerat/engine';
import { ROLES } from '../../security/policy-engine.js';
import { SESSION_ABSOLUTE_MS } from '../../security/account-service.js';
import { SESSION_COOKIE, type ApiDeps } from '../context.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

export const LoginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  totp: z.string().regex(/^\d{6}$/, 'a 6-digit code from the authenticator app'),
});

export const PrincipalSchema = z.object({
  id: z.string(),
  username: z.string().optional(),
  role: z.enum(ROLES),
  clearance: ClassificationSchema,
  compartments: z.array(z.string()),
  districts: z.array(z.string()).nullable().describe('districts the user is limited to; null for no region limit'),
}).meta({ id: 'Principal' });

export const authRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date; secureCookie: boolean }> = async (app, { deps, now, secureCookie }) => {
  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly;${secureCookie ? ' Secure;' : ''} SameSite=Strict; Max-Age=${maxAgeS}`;

  app.post('/api/auth/login', {
    config: { public: true, rateLimit: 'login' },
    schema: {
      tags: ['auth'], summary: 'Log in with password and TOTP code', security: [],
      body: LoginSchema,
      response: { 200: z.object({ token: z.string(), userId: z.string(), expiresAt: z.string() }), 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req, reply) => {
    const r = await deps.security.accounts.login({ ...req.body, from: req.ip }, now());
    if (!r.ok) throw new BaseeratError('UNAUTHORIZED', 'invalid username, password or code (or the account is locked or disabled)');
    reply.header('Set-Cookie', cookie(r.token, Math.floor(SESSION_ABSOLUTE_MS / 1000)));
    deps.accountWarmer?.warm(r.userId); // in the background: the landing view this user is about to open
    return { token: r.token, userId: r.userId, expiresAt: r.expiresAt };
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'End this session', response: { 200: z.object({ loggedOut: z.boolean() }), 401: ProblemSchema } },
  }, async (req, reply) => {
    const ok = await deps.security.accounts.logout(authOf(req).token, req.ip, now());
    reply.header('Set-Cookie', cookie('', 0));
    return { loggedOut: ok };
  });

  app.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: 'The logged-in user and their authorization attributes', response: { 200: PrincipalSchema, 401: PROBLEMS[401] } },
  }, async (req) => {
    const p = authOf(req).principal;
    return { id: p.id, role: p.role, clearance: p.clearance, compartments: [...p.compartments], districts: p.districts === null ? null : [...p.districts] };
  });
};
