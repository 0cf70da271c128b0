/**
 * Accounts, for administrators (`administerUsers`): list, create (the TOTP enrolment is in the
 * answer, once), change role / clearance / compartments / scope (each ends the user's sessions),
 * disable, enable, unlock, reset the second factor. AccountService audits every change.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ClassificationSchema } from '@baseerat/engine';
import type { Actor } from '../../security/account-service.js';
import type { UserRecord } from '../../security/security-repo.js';
import { ROLES } from '../../security/policy-engine.js';
import type { ApiDeps } from '../context.js';
import { requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const district = z.string().min(1).max(100);

export const UserSchema = z.object({
  id: z.string(), username: z.string(), role: z.enum(ROLES), clearance: ClassificationSchema,
  compartments: z.array(z.string()), districts: z.array(z.string()).nullable(),
  disabled: z.boolean(), disabledReason: z.string().optional(), locked: z.boolean(),
  createdAt: z.string(), lastLoginAt: z.string().optional(),
}).meta({ id: 'User' });

const EnrollmentSchema = z.object({ user: UserSchema, totpSecret: z.string(), otpauthUri: z.string() }).meta({ id: 'Enrollment' });

function userView(u: Omit<UserRecord, 'passwordHash' | 'totpSecret'>): z.infer<typeof UserSchema> {
  return {
    id: u.id, username: u.username, role: u.role, clearance: u.clearance, compartments: [...u.compartments],
    districts: u.districts === null ? null : [...u.districts], disabled: u.disabled, locked: u.lockedAt !== undefined, createdAt: u.createdAt,
    ...(u.disabledReason === undefined ? {} : { disabledReason: u.disabledReason }),
    ...(u.lastLoginAt === undefined ? {} : { lastLoginAt: u.lastLoginAt }),
  };
}

const UserParams = z.strictObject({ user: z.string().min(1).max(64).describe('user id or username') });

export const userRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  const accounts = deps.security.accounts;
  const admin = async (req: Parameters<typeof authOf>[0], what: string): Promise<{ actor: Actor; t: Date }> => {
    const t = now();
    const { gate, principal } = authOf(req);
    await requireSystem(gate, 'administerUsers', what, t);
    return { actor: { id: principal.id, from: req.ip }, t };
  };

  app.get('/api/users', {
    schema: { tags: ['users'], summary: 'All accounts (administrators)', response: { 200: z.object({ users: z.array(UserSchema) }), ...PROBLEMS } },
  }, async (req) => {
    await admin(req, 'users');
    return { users: (await accounts.listUsers()).map(userView) };
  });

  app.post('/api/users', {
    schema: {
      tags: ['users'], summary: 'Create an account; the answer holds its TOTP secret and otpauth URI (shown once)',
      body: z.strictObject({
        username: z.string().min(2).max(64), password: z.string().min(1).max(1024), role: z.enum(ROLES), clearance: ClassificationSchema,
        compartments: z.array(z.string().min(1).max(64)).max(100).optional(), districts: z.array(district).max(200).nullable().optional(),
      }),
      response: { 201: EnrollmentSchema, ...PROBLEMS, 409: ProblemSchema },
    },
  }, async (req, reply) => {
    const { actor, t } = await admin(req, 'users');
    const b = req.body;
    const e = await accounts.createUser({
      username: b.username, password: b.password, role: b.role, clearance: b.clearance,
      ...(b.compartments === undefined ? {} : { compartments: b.compartments }), ...(b.districts === undefined ? {} : { districts: b.districts }),
    }, actor, t);
    deps.accountWarmer?.warm(e.user.id); // in the background: its landing view before its first login
    return reply.code(201).send({ user: userView(e.user), totpSecret: e.totpSecret, otpauthUri: e.otpauthUri });
  });

  app.patch('/api/users/:user', {
    schema: {
      tags: ['users'], summary: "Change role, clearance, compartments or region scope (ends the user's sessions)",
      params: UserParams,
      body: z.strictObject({
        role: z.enum(ROLES).optional(), clearance: ClassificationSchema.optional(),
        compartments: z.array(z.string().min(1).max(64)).max(100).optional(), districts: z.array(district).max(200).nullable().optional(),
      }).refine((b) => Object.keys(b).length > 0, 'give at least one of role, clearance, compartments, districts'),
      response: { 200: UserSchema, ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { actor, t } = await admin(req, 'users');
    const { user } = req.params;
    const b = req.body;
    let u: UserRecord | undefined;
    if (b.role !== undefined) u = await accounts.setRole(user, b.role, actor, t);
    if (b.clearance !== undefined) u = await accounts.setClearance(user, b.clearance, actor, t);
    if (b.compartments !== undefined) u = await accounts.setCompartments(user, b.compartments, actor, t);
    if (b.districts !== undefined) u = await accounts.setScope(user, b.districts, actor, t);
    const { passwordHash: _p, totpSecret: _s, ...rest } = u!;
    return userView(rest);
  });

  for (const op of ['disable', 'enable', 'unlock'] as const) {
    app.post(`/api/users/:user/${op}`, {
      schema: {
        tags: ['users'], summary: `${op[0]!.toUpperCase()}${op.slice(1)} an account`,
        params: UserParams, body: z.strictObject({ reason: z.string().min(1).max(500).optional() }).nullish(),
        response: { 200: UserSchema, ...PROBLEMS, 404: ProblemSchema },
      },
    }, async (req) => {
      const { actor, t } = await admin(req, 'users');
      const { user } = req.params;
      const u = op === 'disable' ? await accounts.disableUser(user, req.body?.reason ?? 'administrator', actor, t)
        : op === 'enable' ? await accounts.enableUser(user, actor, t) : await accounts.unlockUser(user, actor, t);
      const { passwordHash: _p, totpSecret: _s, ...rest } = u;
      return userView(rest);
    });
  }

  app.post('/api/users/:user/reset-2fa', {
    schema: {
      tags: ['users'], summary: 'New TOTP secret (the old one stops working; sessions end); shown once',
      params: UserParams, response: { 200: EnrollmentSchema, ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { actor, t } = await admin(req, 'users');
    const e = await accounts.resetSecondFactor(req.params.user, actor, t);
    const { passwordHash: _p, totpSecret: _s, ...rest } = e.user;
    return { user: userView(rest), totpSecret: e.totpSecret, otpauthUri: e.otpauthUri };
  });
};
