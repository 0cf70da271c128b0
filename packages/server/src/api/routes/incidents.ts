/**
 * Incidents: the consolidated records, filtered by need-to-know. The list pushes the user's scope
 * into the store query, then lets the policy decide each record; narratives (list and detail) and
 * raw source records (detail only) go through the AccessGate, so every read is audited and a
 * field the user may not read is withheld and named in `withheld`. The map's points
 * (`/api/incidents/points`) are the exception, explained at the route: scope in the query only.
 */
import { BaseeratError, type Incident } from '@baseerat/engine';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessGate } from '../../security/access-gate.js';
import { fieldLabel, type SecurityLabel } from '../../security/security-label.js';
import type { RequestAuthorizer } from '../../security/policy-engine.js';
import type { ApiDeps } from '../context.js';
import { incidentLabel, incidentQueryFilter, requireSystem } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';
import { IncidentQuerySchema, IncidentViewSchema, PageQuerySchema, type IncidentView } from '../schemas.js';

/** Most points one request may ask for. */
const POINTS_MAX = 5000;

/** A sensitive field to read through the gate, and where its value goes in the views. */
interface FieldRead {
  recordId: string;
  /** As the audit and the policy name it: `narrative` or `raw`. */
  field: 'narrative' | 'raw';
  label: SecurityLabel;
  decrypt: () => string;
  view: IncidentView;
  /** The source's index for `raw`; -1 for the narrative. */
  source: number;
}

const stored = (text: string) => () => text;

/** What `incidentLabel` reads of a record, as a key: its classification and district (compartments: none). */
const labelInputs = (inc: Incident) => `${inc.classification}\u0000${inc.location.district ?? ''}`;

/**
 * The records the user may view, in order: `authz.filterRecords(incidents, id, incidentLabel)`'s
 * decision (viewIncident on the record's label), asked once per distinct classification and district
 * of the page rather than once per record. The same decisions: the label is a function of those two
 * alone, and `can` is memoised on the label, never on the id.
 */
export function visibleIncidents(authz: RequestAuthorizer, incidents: readonly Incident[]): Incident[] {
  const decided = new Map<string, boolean>();
  const out: Incident[] = [];
  for (let i = 0; i < incidents.length; i++) {
    const inc = incidents[i]!;
    const key = labelInputs(inc);
    let ok = decided.get(key);
    if (ok === undefined) {
      ok = authz.can('viewIncident', { kind: 'Record', id: inc.id, label: incidentLabel(inc) });
      decided.set(key, ok);
    }
    if (ok) out.push(inc);
  }
  return out;
}

/** The list's answer (200). */
export const IncidentListSchema = z.object({ items: z.array(IncidentViewSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });

/**
 * The list's serializer. Its 200 answer is built by `incidentViews` alone, every object in the
 * schema's shape and key order (nested objects copied field by field, nothing else carried), from
 * incidents the store validated when they were written; re-checking 500 of them against the zod
 * schema before `JSON.stringify` was a quarter of the page's CPU (docs/benchmarks.md, issue #7). So
 * the 200 answer is stringified as built: the same bytes as the zod serializer's (test:
 * incident-list-serializer.test.ts). Every other status goes through the zod serializer as before.
 */
export const listSerializerCompiler: FastifySerializerCompiler<unknown> = (route) =>
  String(route.httpStatus) === '200' ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);

/**
 * Builds the views of `incidents`, reading their sensitive fields through the gate in one audited
 * batch. Plain loops and views of one shape (every key present, undefined when absent), so that
 * this hot path of the list stays monomorphic.
 */
export async function incidentViews(gate: AccessGate, incidents: readonly Incident[], withRaw: boolean, now: Date): Promise<IncidentView[]> {
  const reads: FieldRead[] = [];
  const views: IncidentView[] = [];
  // the sensitive fields' label, built once per distinct classification and district of the page
  const labels = new Map<string, SecurityLabel>();
  for (let i = 0; i < incidents.length; i++) {
    const inc = incidents[i]!;
    const sources: IncidentView['sources'] = [];
    for (let k = 0; k < inc.sources.length; k++) {
      const s = inc.sources[k]!;
      sources.push({ agency: s.agency, sourceId: s.sourceId, receivedAt: s.receivedAt, format: s.format, raw: undefined });
    }
    const links: IncidentView['links'] = [];
    for (let k = 0; k < inc.links.length; k++) {
      const l = inc.links[k]!;
      links.push({ a: l.a, b: l.b, rule: l.rule, distanceKm: l.distanceKm, hoursApart: l.hoursApart });
    }
    const loc = inc.location;
    const sev = inc.severity;
    // nested objects copied in the schema's key order (LocationSchema, SeveritySchema, LinkSchema):
    // the list's serializer stringifies the views as built (listSerializerCompiler)
    const view: IncidentView = {
      id: inc.id, occurredAt: inc.occurredAt, timePrecision: inc.timePrecision, reportedAt: inc.reportedAt,
      location: { lat: loc.lat, lon: loc.lon, precision: loc.precision, district: loc.district, province: loc.province, h3: loc.h3, placeName: loc.placeName },
      category: inc.category, severity: { killed: sev.killed, injured: sev.injured, abducted: sev.abducted },
      targetType: inc.targetType, perpetrator: inc.perpetrator, narrative: undefined,
      classification: inc.classification, reportingMode: inc.reportingMode, sources, links, withheld: [],
    };
    views.push(view);
    const key = labelInputs(inc);
    let label = labels.get(key);
    if (label === undefined) {
      label = fieldLabel(incidentLabel(inc), { classification: inc.classification });
      labels.set(key, label);
    }
    if (inc.narrative !== undefined) reads.push({ recordId: inc.id, field: 'narrative', label, decrypt: stored(inc.narrative), view, source: -1 });
    if (withRaw) {
      for (let k = 0; k < inc.sources.length; k++) reads.push({ recordId: inc.id, field: 'raw', label, decrypt: stored(inc.sources[k]!.raw), view, source: k });
    }
  }
  const values = await gate.readFields(reads, now);
  for (let r = 0; r < reads.length; r++) {
    const read = reads[r]!;
    const v = values[r];
    if (read.source < 0) {
      if (v === undefined) read.view.withheld.push('narrative'); else read.view.narrative = v;
    } else if (v === undefined) {
      read.view.withheld.push(`sources[${read.source}].raw`);
    } else {
      read.view.sources[read.source]!.raw = v;
    }
  }
  return views;
}

export const incidentRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  app.get('/api/incidents', {
    serializerCompiler: listSerializerCompiler,
    schema: {
      tags: ['incidents'], summary: 'List incidents you may see (filters, pagination)',
      querystring: IncidentQuerySchema.extend(PageQuerySchema.shape),
      response: { 200: IncidentListSchema, ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    await requireSystem(gate, 'listIncidents', 'incidents', t);
    const q = req.query;
    const filter = await incidentQueryFilter(gate, authz, deps.geography, q, t);
    const page = await deps.store.listIncidents(filter, { offset: q.offset, limit: q.limit });
    const visible = visibleIncidents(authz, page.items);
    return { items: await incidentViews(gate, visible, false, t), total: page.total - (page.items.length - visible.length), offset: page.offset, limit: page.limit };
  });

  // The map's points. Safe without a policy decision per record: a record's label is its
  // classification and district only (incidentLabel), and scopedFilter has already put both into
  // the store query (the user's districts, or the requested ones after each was checked in Cedar;
  // the classification ceiling Cedar allows), so every matching record is one the user may view.
  // The fields returned (id, position, category, time) carry no sensitive field (no narrative, no
  // source record); details come from /api/incidents/:id, which decides the record in Cedar.
  app.get('/api/incidents/points', {
    schema: {
      tags: ['incidents'], summary: 'Map points of the most recent incidents you may see, newest first: id, lon, lat, category, occurredAt (scope applied in the query)',
      querystring: IncidentQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(POINTS_MAX).default(500) }),
      response: {
        200: z.object({
          items: z.array(z.object({ id: z.string(), lon: z.number(), lat: z.number(), category: z.string(), occurredAt: z.string() })),
          total: z.number().int().describe('incidents matching the filter, with or without coordinates'),
          limit: z.number().int(),
        }),
        ...PROBLEMS,
      },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    await requireSystem(gate, 'listIncidents', 'incidents', t);
    const q = req.query;
    const filter = await incidentQueryFilter(gate, authz, deps.geography, q, t);
    return { ...(await deps.store.listPoints(filter, q.limit)), limit: q.limit };
  });

  app.get('/api/incidents/:id', {
    schema: {
      tags: ['incidents'], summary: 'One incident with its source records (raw records and narrative audited)',
      params: z.strictObject({ id: z.string().min(1).max(200) }),
      response: { 200: IncidentViewSchema, ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { gate } = authOf(req);
    const t = now();
    const inc = await deps.store.getIncident(req.params.id);
    // A record the user may not see answers exactly like one that does not exist (no existence oracle);
    // the denial is still audited.
    if (inc === undefined || !(await gate.check('viewIncident', { kind: 'Record', id: inc.id, label: incidentLabel(inc) }, t))) {
      throw new BaseeratError('NOT_FOUND', `incident ${req.params.id} not found`, { field: 'id' });
    }
    const [view] = await incidentViews(gate, [inc], true, t);
    return view!;
  });
};
