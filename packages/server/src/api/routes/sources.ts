/**
 * Sources: the agencies whose records the user may see (with counts, released like any
 * aggregate), the ingest runs (who fed what, when, with what outcome; for those who may ingest),
 * and the feeds' coverage (which periods each feed reported, and the gaps: a month no feed covers
 * has no data, which is not the same as no incidents).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../context.js';
import { requireSystem, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS } from '../plugins/problem-json.js';
import { releasedStats } from '../scoped-stats.js';
import { feedCoverageService } from '../../analysis/feed-coverage-service.js';

export const IngestRunSchema = z.object({
  id: z.string(), startedAt: z.string(), finishedAt: z.string().optional(), origin: z.string(), format: z.string(), agency: z.string(),
  rowsRead: z.number().int(), inserted: z.number().int(), attached: z.number().int(), duplicates: z.number().int(), quarantined: z.number().int(),
  coveredFrom: z.string().optional().describe('Earliest time (ISO UTC) of the records the run carried: with coveredTo, the period its feed reported'),
  coveredTo: z.string().optional().describe('Latest time (ISO UTC) of the records the run carried'),
}).meta({ id: 'IngestRun' });

const SpanSchema = z.object({
  from: z.string().describe('ISO UTC, inclusive (a Pakistan midnight)'), to: z.string().describe('ISO UTC, exclusive (a Pakistan midnight)'),
  label: z.string().describe('Both days inclusive, Pakistan time: 2022-01-01 to 2023-12-31'), days: z.number().int(),
}).meta({ id: 'CoveredSpan' });

export const FeedCoverageSchema = z.object({
  feeds: z.array(z.object({ feed: z.string(), runs: z.number().int(), spans: z.array(SpanSchema), gaps: z.array(SpanSchema) })),
  covered: z.array(SpanSchema).describe('What any feed covers'),
  gaps: z.array(SpanSchema).describe('Between the first and last covered day, what no feed covers: no data, not no incidents'),
}).meta({ id: 'FeedCoverage' });

export const sourceRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/sources', {
    schema: {
      tags: ['sources'], summary: 'Agencies with the number of incidents you may see that each reported',
      response: { 200: z.object({ agencies: z.array(z.object({ agency: z.string(), incidents: z.number().int() })) }), ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    await requireSystem(gate, 'listIncidents', 'sources', t);
    const filter = await scopedFilter(gate, authz, {}, {}, t);
    const { stats } = await releasedStats(deps.store, gate, authz, 'sources', filter, t);
    return { agencies: Object.entries(stats.byAgency).sort(([a], [b]) => a.localeCompare(b)).map(([agency, incidents]) => ({ agency, incidents })) };
  });

  app.get('/api/sources/coverage', {
    schema: {
      tags: ['sources'], summary: 'Which periods each feed reported (from its ingest runs), and the gaps no feed covers',
      response: { 200: FeedCoverageSchema, ...PROBLEMS },
    },
  }, async (req) => {
    await requireSystem(authOf(req).gate, 'listIncidents', 'sources', now());
    return feedCoverageService({ store: deps.store });
  });

  app.get('/api/sources/runs', {
    schema: { tags: ['sources'], summary: 'Ingest runs (analysts and administrators)', response: { 200: z.object({ runs: z.array(IngestRunSchema) }), ...PROBLEMS } },
  }, async (req) => {
    await requireSystem(authOf(req).gate, 'ingest', 'ingest-runs', now());
    return { runs: await deps.store.listRuns() };
  });
};
