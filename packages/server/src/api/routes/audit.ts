/**
 * The audit trail, for auditors (`viewAudit`): read a range (the read is itself recorded first)
 * and verify the log against the signed checkpoints in the configured directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyAuditTrail } from '../../security/audit-checkpoints.js';
import type { ApiDeps } from '../context.js';
import { requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const AuditEntrySchema = z.object({
  seq: z.number().int(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().optional(), from: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']), details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}).meta({ id: 'AuditEntry' });

export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export const auditRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/audit', {
    schema: {
      tags: ['audit'], summary: 'Audit entries from `from` (sequence number), newest last (auditors)',
      querystring: z.strictObject({ from: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ entries: z.array(AuditEntrySchema), size: z.number().int() }), ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    const t = now();
    await requireSystem(gate, 'viewAudit', 'audit', t);
    const entries = await deps.security.audit.readAs({ actor: principal.id, from: req.ip }, req.query.from, req.query.from + req.query.limit, t);
    return { entries, size: await deps.security.auditStore.size() };
  });

  app.get('/api/audit/verify', {
    schema: {
      tags: ['audit'], summary: 'Verify the log against the signed checkpoints (auditors)',
      response: {
        200: z.object({
          ok: z.boolean(), entries: z.number().int(), checkpoints: z.number().int(), checkpointed: z.number().int(), unverifiedTail: z.number().int(),
          problem: z.string().optional(), message: z.string().optional(), firstBadIndex: z.number().int().optional(),
        }),
        ...PROBLEMS, 409: ProblemSchema,
      },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    const t = now();
    await requireSystem(gate, 'viewAudit', 'audit', t);
    const dir = deps.auditCheckpointDir;
    if (dir === undefined) throw new BaseeratError('CONFLICT', 'no audit checkpoint directory is configured for this server', { field: 'auditCheckpointDir' });
    let pem: string;
    try { pem = await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8'); } catch {
      throw new BaseeratError('CONFLICT', `no ${PUBLIC_KEY_FILE} in ${dir}: run \`baseerat audit init-keys\` and \`baseerat audit checkpoint\` first`, { field: 'auditCheckpointDir' });
    }
    const v = await verifyAuditTrail(deps.security.auditStore, dir, pem);
    await deps.security.audit.record({
      actor: principal.id, action: 'audit.verify', target: dir, from: req.ip, outcome: v.ok ? 'success' : 'failure',
      details: { entries: v.entries, checkpointed: v.checkpointed, firstBadIndex: v.firstBadIndex ?? null, problem: v.problem ?? null },
    }, t);
    return v;
  });
};
