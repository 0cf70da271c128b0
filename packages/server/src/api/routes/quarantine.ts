/**
 * Quarantine: rows that failed validation, with their reasons, for those who may ingest (analysts,
 * administrators). A quarantined row's classification is unknown (it did not parse), so its raw
 * text and the values quoted in its reasons are read as a sensitive field labelled SECRET with an
 * unknown district: only an unscoped reader cleared to SECRET sees them, and each read is audited.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UNKNOWN_DISTRICT, type SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS } from '../plugins/problem-json.js';
import { PageQuerySchema } from '../schemas.js';

export const QUARANTINE_LABEL: SecurityLabel = { classification: 'SECRET', compartments: [], districts: [UNKNOWN_DISTRICT] };

const QuarantineViewSchema = z.object({
  runId: z.string(), agency: z.string(), origin: z.string(), line: z.number().int(),
  raw: z.string().optional().describe('present only for readers cleared to SECRET without region limit (audited)'),
  reasons: z.array(z.object({ field: z.string(), value: z.string().optional(), message: z.string() })),
}).meta({ id: 'QuarantineRecord' });

export const quarantineRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/quarantine', {
    schema: {
      tags: ['ingest'], summary: 'Quarantined rows and why (analysts, administrators)',
      querystring: PageQuerySchema.extend({ runId: z.string().min(1).max(200).optional() }),
      response: { 200: z.object({ items: z.array(QuarantineViewSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }), ...PROBLEMS },
    },
  }, async (req) => {
    const { gate } = authOf(req);
    const t = now();
    await requireSystem(gate, 'ingest', 'quarantine', t);
    const page = await deps.store.listQuarantine({ offset: req.query.offset, limit: req.query.limit }, req.query.runId);
    const raws = await gate.readFields(page.items.map((q) => ({ recordId: `quarantine:${q.runId}:${q.line}`, field: 'raw', label: QUARANTINE_LABEL, decrypt: () => q.raw })), t);
    const items = page.items.map((q, i) => {
      const raw = raws[i];
      const reasons = q.reasons.map(({ value, ...r }) => (raw === undefined || value === undefined ? r : { ...r, value }));
      return { runId: q.runId, agency: q.agency, origin: q.origin, line: q.line, reasons, ...(raw === undefined ? {} : { raw }) };
    });
    return { items, total: page.total, offset: page.offset, limit: page.limit };
  });
};
