/**
 * The shapes shared by the rules, the rule engine, the alert lifecycle and the replay.
 * `MonitorIncident` is the part of a consolidated `Incident` the rules read, so that a full
 * Incident can be passed as it is, and tests can build small ones.
 */
import type { CategoryCode } from '../../domain/taxonomy.js';

export interface MonitorIncident {
  id: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  category: CategoryCode;
  // `| undefined` because zod infers optional fields that way: a parsed Incident must fit.
  location: { lat?: number | undefined; lon?: number | undefined; district?: string | undefined };
  severity: { killed: number; injured: number; abducted?: number | undefined };
  targetType?: string | undefined;
}

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function severityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}

/** Why an alert fired, in numbers an analyst can check: always finite. */
export interface AlertExplanation {
  /** The count the rule looked at (1 for single-event rules). */
  count: number;
  /** What was expected (0 for single-event rules: no event of this kind is "normal"). */
  expected: number;
  /** Largest count that would not have fired. */
  threshold: number;
  /** The rule's id and kind, e.g. "suicide-any (category)". */
  rule: string;
  /** The same in words. */
  text: string;
}

export type RuleKind = 'category' | 'near-repeat' | 'spike';

export interface AlertCandidate {
  ruleId: string;
  ruleKind: RuleKind;
  severity: AlertSeverity;
  incidentId: string;
  occurredAt: string;
  /** District of the incident ('' when unknown: such alerts route to province-wide scopes only). */
  district: string;
  /** Zones the incident fell in, when the rule is restricted to zones. */
  zoneIds: string[];
  /** Rule + district (+ category group for spikes): the same trigger has the same key. */
  dedupKey: string;
  /** The rule's own suppression window, overriding the lifecycle's default. */
  suppressionMinutes?: number;
  explanation: AlertExplanation;
}
