/**
 * The alert lifecycle: deduplication, suppression, the state machine and routing.
 *
 * Deduplication: every candidate has a `dedupKey` (rule + district + what triggered it; see each
 * rule). Suppression: a candidate whose key raised an alert less than `suppressionMinutes` before
 * (the rule's own window if it sets one, else the caller's, default 360) does not raise a new one; it is counted on that alert (`triggers`, `lastTriggeredAt`)
 * so the dashboard shows "5 more events". After the window a new alert opens, whatever the state of
 * the old one: a spike that lasts a day should page again, not hide behind an acknowledgement.
 *
 * State machine: open -> acknowledged -> resolved, or open -> resolved. Resolved is final. Every
 * transition records who and when; a transition that is not allowed, or that goes back in time,
 * throws `AlertTransitionError` (code CONFLICT or VALIDATION) and leaves the alert unchanged.
 *
 * Routing: a subscription has a scope (the whole province, or a list of districts) and a minimum
 * severity; an alert goes to every subscription whose scope contains the alert's district. An
 * alert without a district goes to province-wide scopes only.
 *
 * Pure: `now` is always a parameter, and functions return new objects rather than mutate.
 */
import { BaseeratError } from '../../domain/errors.js';
import { severityRank, type AlertCandidate, type AlertExplanation, type AlertSeverity, type RuleKind } from './types.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type AlertAction = 'acknowledge' | 'resolve';

const NEXT: Readonly<Record<AlertState, Partial<Record<AlertAction, AlertState>>>> = {
  open: { acknowledge: 'acknowledged', resolve: 'resolved' },
  acknowledged: { resolve: 'resolved' },
  resolved: {},
};

export interface AlertTransition {
  from: AlertState | null;
  to: AlertState;
  by: string;
  at: string;
  note?: string;
}

export interface Alert {
  /** `${dedupKey}@${openedAt}`: unique, and the same in every replay of the same history. */
  id: string;
  dedupKey: string;
  ruleId: string;
  ruleKind: RuleKind;
  severity: AlertSeverity;
  district: string;
  zoneIds: string[];
  incidentId: string;
  /** Incidents that re-triggered the alert inside its suppression window: the latest `SUPPRESSED_IDS_KEPT`. */
  suppressedIncidentIds: string[];
  /** Re-triggering incidents no longer listed (older than the last `SUPPRESSED_IDS_KEPT`); absent when none. */
  suppressedNotListed?: number;
  explanation: AlertExplanation;
  state: AlertState;
  openedAt: string;
  lastTriggeredAt: string;
  triggers: number;
  history: AlertTransition[];
}

export class AlertTransitionError extends BaseeratError {
  constructor(code: 'CONFLICT' | 'VALIDATION', message: string, field: string, details: Record<string, unknown>) {
    super(code, message, { field, details });
    this.name = 'AlertTransitionError';
  }
}

export interface AlertBook {
  /** All alerts, in the order they opened. */
  alerts: readonly Alert[];
  /** dedupKey -> index in `alerts` of the latest alert with that key. */
  latestByKey: ReadonlyMap<string, number>;
}

export const emptyAlertBook = (): AlertBook => ({ alerts: [], latestByKey: new Map() });

export interface IntakeResult {
  book: AlertBook;
  alert: Alert;
  outcome: 'opened' | 'suppressed';
}

const SYSTEM = 'system:rule-engine';

/**
 * An alert lists at most this many re-triggering incidents (the latest) and counts the rest: a key
 * that re-triggers thousands of times in its window (a busy spike series) would otherwise make
 * every re-trigger copy, store and publish an ever longer list.
 */
export const SUPPRESSED_IDS_KEPT = 100;

function checkTime(now: string, field: string): number {
  const t = Date.parse(now);
  if (!Number.isFinite(t)) throw new AlertTransitionError('VALIDATION', `${field} is '${now}', expected an ISO-8601 time`, field, { value: now });
  return t;
}

/**
 * Take one candidate at time `now`: open a new alert or add it to the one inside the window.
 * Returns a new book; the old one is unchanged.
 */
export function intakeCandidate(book: AlertBook, candidate: AlertCandidate, now: string, options: { suppressionMinutes?: number } = {}): IntakeResult {
  const k = book.latestByKey.get(candidate.dedupKey);
  const r = intakeOnKey(k === undefined ? undefined : book.alerts[k], candidate, now, options);
  if (r.outcome === 'suppressed') {
    const alerts = book.alerts.slice();
    alerts[k!] = r.alert;
    return { book: { alerts, latestByKey: book.latestByKey }, alert: r.alert, outcome: 'suppressed' };
  }
  const latestByKey = new Map(book.latestByKey);
  latestByKey.set(candidate.dedupKey, book.alerts.length);
  return { book: { alerts: [...book.alerts, r.alert], latestByKey }, alert: r.alert, outcome: 'opened' };
}

/**
 * `intakeCandidate` for a caller that keeps the latest alert of each key itself (the live monitor):
 * `previous` is the latest alert of the candidate's key (undefined: none). Returns the new or
 * updated alert, the same as `intakeCandidate` does, without building books. `nowMs`:
 * `Date.parse(now)` when the caller has it (checked: a finite number).
 */
export function intakeOnKey(previous: Alert | undefined, candidate: AlertCandidate, now: string, options: { suppressionMinutes?: number } = {}, nowMs?: number): { alert: Alert; outcome: 'opened' | 'suppressed' } {
  const t = nowMs !== undefined && Number.isFinite(nowMs) ? nowMs : checkTime(now, 'now');
  const windowMs = (candidate.suppressionMinutes ?? options.suppressionMinutes ?? 360) * 60_000;
  if (!(windowMs >= 0)) throw new AlertTransitionError('VALIDATION', `suppressionMinutes is ${options.suppressionMinutes}, expected >= 0`, 'suppressionMinutes', {});
  if (previous !== undefined) {
    const opened = Date.parse(previous.openedAt);
    if (t >= opened && t - opened < windowMs) {
      const ids = [...previous.suppressedIncidentIds, candidate.incidentId];
      const over = ids.length - SUPPRESSED_IDS_KEPT;
      const updated: Alert = {
        ...previous,
        triggers: previous.triggers + 1,
        lastTriggeredAt: t > Date.parse(previous.lastTriggeredAt) ? now : previous.lastTriggeredAt,
        suppressedIncidentIds: over > 0 ? ids.slice(over) : ids,
        ...(over > 0 ? { suppressedNotListed: (previous.suppressedNotListed ?? 0) + over } : {}),
      };
      return { alert: updated, outcome: 'suppressed' };
    }
  }
  const alert: Alert = {
    id: `${candidate.dedupKey}@${now}`,
    dedupKey: candidate.dedupKey,
    ruleId: candidate.ruleId,
    ruleKind: candidate.ruleKind,
    severity: candidate.severity,
    district: candidate.district,
    zoneIds: candidate.zoneIds,
    incidentId: candidate.incidentId,
    suppressedIncidentIds: [],
    explanation: candidate.explanation,
    state: 'open',
    openedAt: now,
    lastTriggeredAt: now,
    triggers: 1,
    history: [{ from: null, to: 'open', by: SYSTEM, at: now }],
  };
  return { alert, outcome: 'opened' };
}

/** Apply an action by a user at time `at`; throws AlertTransitionError on a transition that is not allowed. */
export function transitionAlert(alert: Alert, action: AlertAction, by: string, at: string, note?: string): Alert {
  if (by.trim() === '') throw new AlertTransitionError('VALIDATION', `by is empty: every ${action} must name the user`, 'by', { alertId: alert.id });
  const t = checkTime(at, 'at');
  const to = NEXT[alert.state][action];
  if (to === undefined) throw new AlertTransitionError('CONFLICT', `cannot ${action} alert ${alert.id}: it is ${alert.state}`, 'state', { alertId: alert.id, state: alert.state, action });
  const last = alert.history[alert.history.length - 1];
  if (last !== undefined && t < Date.parse(last.at)) throw new AlertTransitionError('VALIDATION', `at is ${at}, before the alert's last change at ${last.at}`, 'at', { alertId: alert.id, at, last: last.at });
  const step: AlertTransition = note === undefined ? { from: alert.state, to, by, at } : { from: alert.state, to, by, at, note };
  return { ...alert, state: to, history: [...alert.history, step] };
}

/** Replace one alert in the book (after a transition). */
export function updateAlert(book: AlertBook, alert: Alert): AlertBook {
  const i = book.alerts.findIndex((a) => a.id === alert.id);
  if (i < 0) throw new BaseeratError('NOT_FOUND', `alert ${alert.id} is not in the book`, { field: 'alert.id' });
  const alerts = book.alerts.slice();
  alerts[i] = alert;
  return { alerts, latestByKey: book.latestByKey };
}

/** True when the alert's history is a valid walk of the state machine, in time order, ending in its state. */
export function isValidAlert(alert: Alert): boolean {
  const h = alert.history;
  if (h.length === 0 || h[0]!.from !== null || h[0]!.to !== 'open') return false;
  for (let i = 1; i < h.length; i++) {
    const s = h[i]!, p = h[i - 1]!;
    if (s.from !== p.to || Date.parse(s.at) < Date.parse(p.at) || s.by.trim() === '') return false;
    if (!Object.values(NEXT[s.from]).includes(s.to)) return false;
  }
  return h[h.length - 1]!.to === alert.state && alert.suppressedIncidentIds.length <= SUPPRESSED_IDS_KEPT
    && alert.triggers === 1 + alert.suppressedIncidentIds.length + (alert.suppressedNotListed ?? 0);
}

export type RoutingScope = { kind: 'province' } | { kind: 'districts'; districts: readonly string[] };

export interface Subscription {
  /** A user id or a role/channel id (e.g. `role:commander`, `webhook:dc-quetta`). */
  recipient: string;
  scope: RoutingScope;
  /** Default 'low': everything. */
  minimumSeverity?: AlertSeverity;
}

export interface Routing {
  alertId: string;
  district: string;
  recipients: string[];
}

/** Who receives the alert: each recipient once, in subscription order. */
export function routeAlert(alert: Pick<Alert, 'id' | 'district' | 'severity'>, subscriptions: readonly Subscription[]): Routing {
  const recipients: string[] = [];
  for (const s of subscriptions) {
    if (severityRank(alert.severity) < severityRank(s.minimumSeverity ?? 'low')) continue;
    const inScope = s.scope.kind === 'province' || (alert.district !== '' && s.scope.districts.includes(alert.district));
    if (inScope && !recipients.includes(s.recipient)) recipients.push(s.recipient);
  }
  return { alertId: alert.id, district: alert.district, recipients };
}
