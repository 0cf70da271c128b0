/**
 * Alerts: the live monitor's output, filtered by need-to-know. An alert reveals an incident, so a
 * user sees an alert exactly when they may view a record of its classification in its district:
 * a district officer sees their districts' alerts only, and alerts without a district reach
 * province-wide users only. Acknowledge and resolve need the policy's `acknowledgeAlert` on the
 * alert and are audited (`alert.acknowledge`, `alert.action` with action resolve); an alert the user
 * may not see answers 404, like one that does not exist.
 *
 * `GET /api/alerts/stream`: server-sent events. Event `alert`, `id` = the hub's sequence number,
 * data = the engine's Alert JSON plus `classification` and `change` (opened, retriggered,
 * acknowledged, resolved). A comment line every `alertStreamHeartbeatMs` (default 15 s) keeps
 * proxies from closing the stream; at each heartbeat the session is checked again and the stream
 * ends when it is no longer valid. `Last-Event-ID` (header, or `lastEventId` in the query for
 * clients that cannot set headers) replays the buffered events after it; when the buffer no longer
 * reaches back that far an event `resync` tells the client to reload the list.
 * Without a monitor (`deps.monitor` unset) these routes answer 404 (after authentication).
 */
import { ALERT_SEVERITIES, ALERT_STATES, BaseeratError, ClassificationSchema, type AlertState } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StoredAlert } from '../../monitor/alert-repository.js';
import { alertEventJson, type AlertEvent } from '../../monitor/alert-hub.js';
import type { LiveMonitor } from '../../monitor/live-monitor.js';
import type { RequestAuthorizer } from '../../security/policy-engine.js';
import { recordLabel, type SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { requireSystem, scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';
import { setSecurityHeaders } from '../plugins/security-headers.js';
import { canonicalDistricts, PageQuerySchema } from '../schemas.js';

const isoUtc = z.iso.datetime({ offset: false });
const csv = (what: string) => z.string().max(4000).describe(`comma-separated ${what}`)
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const TransitionSchema = z.object({ from: z.enum(ALERT_STATES).nullable(), to: z.enum(ALERT_STATES), by: z.string(), at: z.string(), note: z.string().optional() });
export const AlertViewSchema = z.object({
  id: z.string(), dedupKey: z.string(), ruleId: z.string(), ruleKind: z.enum(['category', 'near-repeat', 'spike']), severity: z.enum(ALERT_SEVERITIES),
  district: z.string().describe("'' when unknown"), zoneIds: z.array(z.string()), incidentId: z.string(), suppressedIncidentIds: z.array(z.string()).describe('the latest 100 re-triggering incidents'),
  suppressedNotListed: z.number().int().optional().describe('re-triggering incidents older than those listed'),
  explanation: z.object({ count: z.number(), expected: z.number(), threshold: z.number(), rule: z.string(), text: z.string() }),
  state: z.enum(ALERT_STATES), openedAt: z.string(), lastTriggeredAt: z.string(), triggers: z.number().int(), history: z.array(TransitionSchema),
  classification: ClassificationSchema, updatedAt: z.string(),
}).meta({ id: 'Alert' });

const AlertQuerySchema = z.strictObject({
  state: csv(`states (${ALERT_STATES.join(', ')})`).pipe(z.array(z.enum(ALERT_STATES))).optional(),
  district: csv('district names (aliases accepted)').optional(),
  minimumSeverity: z.enum(ALERT_SEVERITIES).optional(),
  ruleId: csv('rule ids').optional(),
  from: isoUtc.optional().describe('inclusive lower bound on openedAt (ISO UTC)'),
  to: isoUtc.optional().describe('exclusive upper bound on openedAt (ISO UTC)'),
  maxClassification: ClassificationSchema.optional(),
});

export function alertLabel(s: Pick<StoredAlert, 'classification'> & { alert: { district: string } }): SecurityLabel {
  return recordLabel({ classification: s.classification, district: s.alert.district });
}

function view(s: StoredAlert): z.infer<typeof AlertViewSchema> {
  return { ...s.alert, classification: s.classification, updatedAt: s.updatedAt };
}

function visible(authz: RequestAuthorizer, s: StoredAlert): boolean {
  return authz.can('viewIncident', { kind: 'Record', id: s.alert.id, label: alertLabel(s) });
}

export const alertRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  const need = (): LiveMonitor => {
    if (deps.monitor === undefined) throw new BaseeratError('NOT_FOUND', 'live monitoring is not enabled on this server (start it with a rule set)', { field: 'monitor' });
    return deps.monitor;
  };

  app.get('/api/alerts', {
    schema: {
      tags: ['alerts'], summary: 'List alerts you may see (newest first; filters, pagination)',
      querystring: AlertQuerySchema.extend(PageQuerySchema.shape),
      response: { 200: z.object({ items: z.array(AlertViewSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }), ...PROBLEMS },
    },
  }, async (req) => {
    const { gate, authz } = authOf(req);
    const t = now();
    const repo = need().repository;
    await requireSystem(gate, 'listIncidents', 'alerts', t);
    const q = req.query;
    const f = await scopedFilter(gate, authz, { districts: canonicalDistricts(q.district, deps.geography), maxClassification: q.maxClassification }, {}, t);
    const page = await repo.list({
      ...(q.state === undefined || q.state.length === 0 ? {} : { states: q.state as AlertState[] }),
      ...(f.districts === undefined ? {} : { districts: f.districts }),
      ...(f.maxClassification === undefined ? {} : { maxClassification: f.maxClassification }),
      ...(q.minimumSeverity === undefined ? {} : { minimumSeverity: q.minimumSeverity }),
      ...(q.ruleId === undefined || q.ruleId.length === 0 ? {} : { ruleIds: q.ruleId }),
      ...(q.from === undefined ? {} : { openedFrom: q.from }),
      ...(q.to === undefined ? {} : { openedTo: q.to }),
    }, { offset: q.offset, limit: q.limit });
    // The query is the first fence; the policy decides each alert.
    const items = page.items.filter((s) => visible(authz, s));
    return { items: items.map(view), total: page.total - (page.items.length - items.length), offset: page.offset, limit: page.limit };
  });

  app.get('/api/alerts/:id', {
    schema: {
      tags: ['alerts'], summary: 'One alert with its explanation and history',
      params: z.strictObject({ id: z.string().min(1).max(600) }),
      response: { 200: AlertViewSchema, ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const { gate } = authOf(req);
    const t = now();
    const s = await need().repository.get(req.params.id);
    if (s === undefined || !(await gate.check('viewIncident', { kind: 'Record', id: s.alert.id, label: alertLabel(s) }, t))) {
      throw new BaseeratError('NOT_FOUND', `alert ${req.params.id} not found`, { field: 'id' });
    }
    return view(s);
  });

  for (const action of ['acknowledge', 'resolve'] as const) {
    app.post(`/api/alerts/:id/${action}`, {
      schema: {
        tags: ['alerts'], summary: action === 'acknowledge' ? 'Acknowledge an open alert (audited)' : 'Resolve an open or acknowledged alert (audited)',
        params: z.strictObject({ id: z.string().min(1).max(600) }),
        body: z.strictObject({ note: z.string().max(2000).optional() }).optional(),
        response: { 200: AlertViewSchema, ...PROBLEMS, 404: ProblemSchema, 409: ProblemSchema },
      },
    }, async (req) => {
      const { gate, authz, principal } = authOf(req);
      const t = now();
      const monitor = need();
      const s = await monitor.repository.get(req.params.id);
      if (s === undefined || !visible(authz, s)) {
        if (s !== undefined) await gate.check('viewIncident', { kind: 'Record', id: s.alert.id, label: alertLabel(s) }, t);
        throw new BaseeratError('NOT_FOUND', `alert ${req.params.id} not found`, { field: 'id' });
      }
      if (!(await gate.check('acknowledgeAlert', { kind: 'Alert', id: s.alert.id, label: alertLabel(s) }, t))) {
        throw new BaseeratError('FORBIDDEN', `role ${principal.role} may not ${action} alerts`, { field: 'role' });
      }
      const note = req.body?.note;
      let next: StoredAlert;
      try {
        next = await monitor.transition(s.alert.id, action, principal.id, note);
      } catch (e) {
        await deps.security.audit.record({
          actor: principal.id, action: action === 'acknowledge' ? 'alert.acknowledge' : 'alert.action', target: s.alert.id, from: req.ip, outcome: 'failure',
          details: { action, state: s.alert.state, error: e instanceof Error ? e.message : String(e) },
        }, t);
        throw e;
      }
      await deps.security.audit.record({
        actor: principal.id, action: action === 'acknowledge' ? 'alert.acknowledge' : 'alert.action', target: s.alert.id, from: req.ip, outcome: 'success',
        details: { action, from: s.alert.state, to: next.alert.state, district: s.alert.district, severity: s.alert.severity },
      }, t);
      return view(next);
    });
  }

  app.get('/api/alerts/stream', {
    schema: {
      tags: ['alerts'], summary: 'Live alerts you may see, as server-sent events (event `alert`; Last-Event-ID resumes)',
      description: 'text/event-stream. Each event: `id: <seq>`, `event: alert`, `data: <Alert JSON + classification + change>`. Comment heartbeats keep the connection open; `event: resync` asks the client to reload GET /api/alerts.',
      querystring: z.strictObject({
        district: csv('district names (aliases accepted)').optional(),
        minimumSeverity: z.enum(ALERT_SEVERITIES).optional(),
        lastEventId: z.coerce.number().int().min(0).optional().describe('resume after this event id (as the Last-Event-ID header)'),
      }),
      produces: ['text/event-stream'],
      response: { 200: z.string().describe('an event stream'), ...PROBLEMS },
    },
  }, async (req, reply) => {
    const { gate, authz, token } = authOf(req);
    const t = now();
    const monitor = need();
    await requireSystem(gate, 'listIncidents', 'alerts', t);
    const f = await scopedFilter(gate, authz, { districts: canonicalDistricts(req.query.district, deps.geography) }, {}, t);
    const districts = f.districts === undefined ? undefined : new Set(f.districts);
    const minRank = req.query.minimumSeverity === undefined ? 0 : ALERT_SEVERITIES.indexOf(req.query.minimumSeverity);
    const accepts = (s: StoredAlert) => (districts === undefined || districts.has(s.alert.district))
      && ALERT_SEVERITIES.indexOf(s.alert.severity) >= minRank && visible(authz, s);
    const header = req.headers['last-event-id'];
    const lastHeader = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
    const last = lastHeader ?? req.query.lastEventId;

    setSecurityHeaders(req, reply);
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') headers[k] = v;
    raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.socket?.setNoDelay(true);
    const frame = (e: AlertEvent) => `id: ${e.seq}\nevent: alert\ndata: ${alertEventJson(e)}\n\n`;
    // Live events are gathered and written once per turn of the event loop: a batch of alerts
    // published together is one write to the socket, not one per alert.
    let pending: string[] = [];
    let closed = false;
    const flush = () => {
      const frames = pending;
      pending = [];
      if (!closed && frames.length > 0) raw.write(frames.join(''));
    };
    const send = (e: AlertEvent) => {
      if (pending.push(frame(e)) === 1) setImmediate(flush);
    };
    raw.write(`retry: 3000\n\n`);
    const hub = monitor.hub;
    if (hub === undefined) { raw.end(); return; }
    if (last !== undefined) {
      const missed = hub.since(last, accepts);
      if (!missed.complete) raw.write(`event: resync\ndata: {"reason":"events after ${last} are no longer buffered: reload GET /api/alerts"}\n\n`);
      if (missed.events.length > 0) raw.write(missed.events.map(frame).join(''));
    }
    const unsubscribe = hub.subscribe({ accepts, deliver: send });
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      unsubscribe();
      raw.end();
    };
    const beat = setInterval(() => {
      void deps.security.accounts.authenticate(token, req.ip, now()).then((s) => {
        if (!s.ok) { raw.write(`event: end\ndata: {"reason":"session ${s.reason}"}\n\n`); close(); } else raw.write(`: heartbeat ${now().toISOString()}\n\n`);
      }, () => close());
    }, deps.alertStreamHeartbeatMs ?? 15_000);
    req.raw.on('close', close);
    raw.on('error', close);
  });
};
