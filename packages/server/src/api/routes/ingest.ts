/**
 * Ingest over HTTP: a batch of records as NDJSON (one JSON object a line) or a JSON array, read by
 * a named format (a built-in adapter or a configured agency mapping) through the same pipeline as
 * the CLI. The answer comes only after the batch and its run are written (the store commits before
 * `ingestRecords` returns), and a batch sent twice stores nothing the second time: the store's
 * unique (agency, source id) key makes it idempotent. Lines that are not JSON go to quarantine.
 */
import { BaseeratError, DEFAULT_LINK_RULES, linkBatch } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { builtinAdapterRegistry } from '../../ingest/registry.js';
import { ingestRecords } from '../../ingest/pipeline.js';
import { monitoredStore } from '../../monitor/monitored-store.js';
import { asSystem } from '../../store/request-scope.js';
import type { ApiDeps } from '../context.js';
import { requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

export const MAX_INGEST_RECORDS = 50_000;

/** NDJSON body -> records; a line that is not JSON is kept as its text, which the pipeline quarantines with its line number. */
export function parseNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try { out.push(JSON.parse(line)); } catch { out.push(line); }
  }
  return out;
}

const IngestSummarySchema = z.object({
  runId: z.string(), format: z.string(), agency: z.string(), rowsRead: z.number().int(), stored: z.number().int(), inserted: z.number().int(),
  attached: z.number().int(), duplicates: z.number().int(), quarantined: z.number().int(), duplicatesInFile: z.number().int(),
}).meta({ id: 'IngestSummary' });

export const ingestRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  const adapters = deps.adapters ?? builtinAdapterRegistry();
  // With a live monitor, every incident this route stores runs through the rules once its batch commits.
  const store = deps.monitor === undefined ? deps.store : monitoredStore(deps.store, deps.monitor);
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseNdjson(body as string));
  });

  app.post('/api/ingest', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['ingest'], summary: 'Ingest a batch of records (NDJSON or a JSON array); answered after the durable write',
      consumes: ['application/x-ndjson', 'application/json'],
      description: `Body: \`application/x-ndjson\` (one record a line) or \`application/json\` (an array), at most ${MAX_INGEST_RECORDS} records. Formats: ${Object.keys(adapters).sort().join(', ')}.`,
      querystring: z.strictObject({
        format: z.string().min(1).max(100).describe('a configured format: built-in adapter or agency mapping'),
        agency: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/).optional().describe("agency stamped on the records (default the format's)"),
      }),
      body: z.array(z.unknown()).max(MAX_INGEST_RECORDS),
      response: { 200: IngestSummarySchema, ...PROBLEMS, 413: ProblemSchema, 415: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req) => {
    const { gate, principal } = authOf(req);
    const t = now();
    await requireSystem(gate, 'ingest', 'ingest', t);
    const adapter = adapters[req.query.format];
    if (adapter === undefined) {
      throw new BaseeratError('VALIDATION', `format: ${JSON.stringify(req.query.format)} is not configured (known: ${Object.keys(adapters).sort().join(', ')})`, { field: 'format' });
    }
    // Allowed to ingest: the pipeline then works for the system (it must see every stored source key and
    // link candidate whatever the caller's clearance), not under the caller's row-level security scope.
    const s = await asSystem(() => ingestRecords(req.body, {
      adapter, store, geocoder: deps.geography, link: deps.link ?? linkBatch, linkRules: DEFAULT_LINK_RULES,
      receivedAt: t.toISOString(), origin: `api:${principal.id}`, now,
      ...(req.query.agency === undefined ? {} : { agency: req.query.agency }),
    }));
    await deps.security.audit.record({
      actor: principal.id, action: 'data.ingest', target: s.runId, from: req.ip, outcome: 'success',
      details: { format: s.format, agency: s.agency, rowsRead: s.rowsRead, stored: s.stored, duplicates: s.duplicates, quarantined: s.quarantined },
    }, t);
    return {
      runId: s.runId, format: s.format, agency: s.agency, rowsRead: s.rowsRead, stored: s.stored, inserted: s.inserted,
      attached: s.attached, duplicates: s.duplicates, quarantined: s.quarantined, duplicatesInFile: s.duplicatesInFile,
    };
  });
};
