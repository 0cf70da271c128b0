/**
 * Spike rule: wraps `evaluateLatestPeriod` (`evaluateSeries`' last step: EARS, Farrington flexible,
 * CUSUM or the window scan) for the series of one
 * district x category group, counted in periods of `periodDays` (default 7) up to and including
 * the incident's period. It fires when the incident's period alarms (after the minimum-count rule).
 *
 * What it answers: "is this week's count of terrorism events in Kech more than the detector expects?"
 * Units: events per period. Complexity: that of the detector at the incident's period (EARS: one
 * baseline window; CUSUM: a pass over `lookbackPeriods`), plus O(h) to count the history, per incident.
 * How to read the explanation: count, expected and threshold are the detector's for the current,
 * partial period (the count grows as events arrive; the period alarms as soon as it crosses).
 * False alarms: the detector's nominal alpha holds for Gaussian-ish counts only; on the sparse UCDP
 * series the measured rates are in docs/methods/spike-detection.md and alerts per month from the
 * replay in docs/methods/alert-rules.md.
 */
import { categoryGroup, type CategoryGroup } from '../../domain/taxonomy.js';
import { DEFAULT_MINIMUM_COUNT, type Detector } from '../evaluate-series.js';
import { evaluateLatestPeriod } from '../evaluate-latest-period.js';
import type { AlertCandidate, AlertSeverity, MonitorIncident } from './types.js';

export interface SpikeRule {
  kind: 'spike';
  id: string;
  severity: AlertSeverity;
  /** Category groups watched (one series per district x group); default all. */
  groups?: readonly CategoryGroup[];
  /** Default EARS C2 with minSigma 0.5 (C2's 0/0 on all-zero baselines otherwise alarms on any event). */
  detector?: Detector;
  periodDays?: number;
  /** Periods of history given to the detector; default 60 (enough for EARS; give Farrington 5 years). */
  lookbackPeriods?: number;
  /** Count at which a statistical alarm pages; default 2 (evaluateSeries' rule). */
  minimumCount?: number;
  /** Periods are counted from this instant (ISO UTC); default Monday 1970-01-05, so weeks run Monday to Sunday UTC. */
  origin?: string;
  /** Default `periodDays` x 1440: a spike alerts once per period, and again if it lasts into the next. */
  suppressionMinutes?: number;
}

const DAY_MS = 86_400_000;
const DEFAULT_DETECTOR: Detector = { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } };

export function periodIndex(iso: string, periodDays: number, origin: number): number {
  return Math.floor((Date.parse(iso) - origin) / (periodDays * DAY_MS));
}

/** Evaluate with `history` = earlier incidents (the incident itself is added to its period). */
export function evaluateSpikeRule(rule: SpikeRule, incident: MonitorIncident, history: readonly MonitorIncident[]): AlertCandidate | null {
  const district = incident.location.district;
  if (district === undefined) return null;
  const group = categoryGroup(incident.category);
  if (rule.groups !== undefined && !rule.groups.includes(group)) return null;
  const periodDays = rule.periodDays ?? 7;
  const origin = spikeRuleOrigin(rule);
  const lookback = rule.lookbackPeriods ?? 60;
  const current = periodIndex(incident.occurredAt, periodDays, origin);
  const first = current - lookback + 1;
  const counts = new Map<number, number>();
  for (const h of history) {
    if (h.id === incident.id || h.location.district !== district || categoryGroup(h.category) !== group) continue;
    const p = periodIndex(h.occurredAt, periodDays, origin);
    if (p >= first && p <= current) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return evaluateSpikeRuleOnCounts(rule, incident, (p) => counts.get(p) ?? 0);
}

/** The instant (epoch ms) periods are counted from. */
export function spikeRuleOrigin(rule: SpikeRule): number {
  return Date.parse(rule.origin ?? '1970-01-05T00:00:00.000Z');
}

/**
 * The same rule over counts kept by the caller: `countOf(p)` = earlier events of the incident's
 * district and category group in period `p` (periods of `periodDays` from `spikeRuleOrigin`), the
 * incident itself not included. A live monitor keeps these counts incrementally, so that each
 * incident costs the detector over `lookbackPeriods` instead of a pass over the history;
 * `evaluateSpikeRule` is this function over counts taken from a history array.
 */
export function evaluateSpikeRuleOnCounts(rule: SpikeRule, incident: MonitorIncident, countOf: (period: number) => number): AlertCandidate | null {
  const district = incident.location.district;
  if (district === undefined) return null;
  const group = categoryGroup(incident.category);
  if (rule.groups !== undefined && !rule.groups.includes(group)) return null;
  const periodDays = rule.periodDays ?? 7;
  const origin = spikeRuleOrigin(rule);
  const lookback = rule.lookbackPeriods ?? 60;
  const current = periodIndex(incident.occurredAt, periodDays, origin);
  const first = current - lookback + 1;
  // evaluateSeries pages only from `minimumCount` events in the period (no severe option is given
  // here): below it the answer is null whatever the detector says, so neither the series nor the
  // detector is built (the live monitor calls this for every event). An invalid minimumCount
  // (negative, NaN) fails this test and reaches evaluateLatestPeriod, which rejects it.
  const minimumCount = rule.minimumCount ?? DEFAULT_MINIMUM_COUNT;
  const currentCount = countOf(current) + 1;
  if (lookback > 0 && currentCount < minimumCount) return null;
  const series = new Float64Array(lookback);
  for (let k = 0; k < lookback - 1; k++) series[k] = countOf(first + k);
  if (lookback > 0) series[lookback - 1] = currentCount;
  // the last step of evaluateSeries, computed for that period alone
  const evaluation = evaluateLatestPeriod(series, rule.detector ?? DEFAULT_DETECTOR, rule.minimumCount === undefined ? {} : { minimumCount: rule.minimumCount });
  const step = evaluation.step;
  if (step === undefined || !step.alarm || !Number.isFinite(step.expected) || !Number.isFinite(step.threshold)) return null;
  return {
    ruleId: rule.id,
    ruleKind: 'spike',
    severity: rule.severity,
    incidentId: incident.id,
    occurredAt: incident.occurredAt,
    district,
    zoneIds: [],
    suppressionMinutes: rule.suppressionMinutes ?? periodDays * 1440,
    // One key per district and group: the suppression window (a period by default) keeps a spike to one alert per period.
    dedupKey: `${rule.id}|${district}|${group}`,
    explanation: {
      count: step.explanation.count,
      expected: step.expected,
      threshold: step.threshold,
      rule: `${rule.id} (spike, ${evaluation.detector})`,
      text: `${group} in ${district}, ${periodDays}-day period ${current}: ${step.explanation.text}`,
    },
  };
}
