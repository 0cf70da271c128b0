/**
 * Key rotation while the server runs (no downtime): `POST /api/keys/rotate` makes a new active data
 * key version for a dataset (new writes use it at once; old versions stay readable), and
 * `POST /api/keys/reencrypt` rewrites the store's sensitive values still under an older version,
 * in short transactions that interleave with normal traffic, until none remain. Administrators only
 * (`administerUsers`); both are in the audit trail (`keys.rotate`, `keys.reencrypt`). Rotating the
 * master key stays an offline command (`baseerat keys rotate-master`): the running process holds it.
 */
import { BaseeratError } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rotateDataKey } from '../../security/admin-operations.js';
import { reencryptStore, STORE_DATASET } from '../../security/store-keys.js';
import type { ApiDeps } from '../context.js';
import { requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const DATASETS = [STORE_DATASET, 'accounts'] as const;

export const keyRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  const ring = () => {
    if (deps.keys === undefined) throw new BaseeratError('NOT_FOUND', 'key management is not available on this server', { field: 'keys' });
    return deps.keys;
  };

  app.post('/api/keys/rotate', {
    schema: {
      tags: ['keys'], summary: 'New active data key for a dataset (old versions stay readable; then POST /api/keys/reencrypt)',
      body: z.strictObject({ dataset: z.enum(DATASETS).default(STORE_DATASET) }).optional(),
      response: { 200: z.object({ keyId: z.string(), dataset: z.string() }), ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    const t = now();
    await requireSystem(gate, 'administerUsers', 'keys', t);
    const dataset = req.body?.dataset ?? STORE_DATASET;
    const keyId = await rotateDataKey({ keys: ring(), audit: deps.security.audit }, dataset, { id: principal.id, from: req.ip }, t);
    return { keyId, dataset };
  });

  app.post('/api/keys/reencrypt', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['keys'], summary: "Rewrite the store's sensitive values under the active data key, in short batches, while the server runs",
      body: z.strictObject({
        batch: z.number().int().min(100).max(50_000).optional().describe('values per transaction (default 5000)'),
        encryptPlaintext: z.boolean().optional().describe('also encrypt values stored before encryption was switched on'),
      }).optional(),
      response: { 200: z.object({ batches: z.number().int(), rewritten: z.number().int(), remaining: z.number().int() }), ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    await requireSystem(gate, 'administerUsers', 'keys', now());
    ring();
    const b = req.body ?? {};
    return reencryptStore(deps.store, deps.security.audit, { id: principal.id, from: req.ip }, now, {
      ...(b.batch === undefined ? {} : { batch: b.batch }),
      ...(b.encryptPlaintext === undefined ? {} : { encryptPlaintext: b.encryptPlaintext }),
    });
  });
};
