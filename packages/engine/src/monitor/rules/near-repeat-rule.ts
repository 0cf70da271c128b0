/**
 * Near-repeat rule: a new event within `distanceKm` and `days` of a recent serious one. Attacks
 * cluster in space and time (the Knox test in stats/knox-test.ts measures by how much on the
 * history); this rule turns the clustering into a live warning for the area around the first event.
 *
 * What it answers: "is this event close, in space and time, to a serious event we already know?"
 * Serious: a category flagged `severe` in the taxonomy, or at least `minimumKilled` killed.
 * Units: km (great circle), days. Complexity: O(h) per incident for the h events in the history
 * window (`baselineDays`), which the caller keeps sorted by time.
 * How to read the explanation: count = serious events within D km in the T days before; expected =
 * serious events within D km in the `baselineDays` before that window, scaled to T days (the disc's
 * own background rate); threshold = `minimumPrior` - 1. A count of 1 with expected 0.02 is a new
 * cluster; a count of 3 with expected 2.8 is a place where this is the usual rhythm.
 * Reference: Townsley, Homel & Chaseling (2003), Br J Criminol 43(3) (near repeats in burglary);
 * Johnson & Braithwaite (2009) for insurgent attacks.
 */
import { category } from '../../domain/taxonomy.js';
import { haversineDistanceKm } from '../../link/haversine-distance.js';
import type { AlertCandidate, AlertSeverity, MonitorIncident } from './types.js';

export interface NearRepeatRule {
  kind: 'near-repeat';
  id: string;
  severity: AlertSeverity;
  distanceKm: number;
  days: number;
  /** Killed at or above which any event is serious; default 5. */
  minimumKilled?: number;
  /** Serious prior events needed to fire; default 1. */
  minimumPrior?: number;
  /** Window before the near-repeat window used for the background rate; default 365 days. */
  baselineDays?: number;
  /** Default `days` x 1440: one alert per serious event's near-repeat window. */
  suppressionMinutes?: number;
}

const DAY_MS = 86_400_000;

export function isSerious(incident: MonitorIncident, minimumKilled = 5): boolean {
  return category(incident.category).severe || incident.severity.killed >= minimumKilled;
}

/**
 * Evaluate against `history`: earlier incidents (any order). Events at the same instant or later are
 * ignored, so the incident never counts itself.
 */
export function evaluateNearRepeatRule(rule: NearRepeatRule, incident: MonitorIncident, history: readonly MonitorIncident[]): AlertCandidate | null {
  const { lat, lon } = incident.location;
  if (lat === undefined || lon === undefined) return null;
  const t = Date.parse(incident.occurredAt);
  const windowMs = rule.days * DAY_MS;
  const baselineMs = (rule.baselineDays ?? 365) * DAY_MS;
  const minimumKilled = rule.minimumKilled ?? 5;
  const minimumPrior = rule.minimumPrior ?? 1;
  let count = 0, background = 0;
  let nearest: { id: string; km: number; days: number } | undefined;
  for (const h of history) {
    const th = Date.parse(h.occurredAt);
    const dt = t - th;
    if (!(dt > 0) || dt > windowMs + baselineMs || h.id === incident.id) continue;
    if (h.location.lat === undefined || h.location.lon === undefined || !isSerious(h, minimumKilled)) continue;
    const km = haversineDistanceKm(lat, lon, h.location.lat, h.location.lon);
    if (km > rule.distanceKm) continue;
    if (dt <= windowMs) {
      count++;
      if (nearest === undefined || km < nearest.km) nearest = { id: h.id, km, days: dt / DAY_MS };
    } else background++;
  }
  if (count < minimumPrior || nearest === undefined) return null;
  const expected = background * (windowMs / baselineMs);
  const district = incident.location.district ?? '';
  return {
    ruleId: rule.id,
    ruleKind: 'near-repeat',
    severity: rule.severity,
    incidentId: incident.id,
    occurredAt: incident.occurredAt,
    district,
    zoneIds: [],
    suppressionMinutes: rule.suppressionMinutes ?? rule.days * 1440,
    // Keyed by the nearest serious event: a run of events around the same attack is one alert within the suppression window.
    dedupKey: `${rule.id}|${district}|${nearest.id}`,
    explanation: {
      count,
      expected,
      threshold: minimumPrior - 1,
      rule: `${rule.id} (near-repeat)`,
      text: `${count} serious event(s) within ${rule.distanceKm} km in the previous ${rule.days} days (nearest ${nearest.km.toFixed(1)} km, ${nearest.days.toFixed(1)} days before: ${nearest.id}); expected ${expected.toFixed(2)} from the previous ${rule.baselineDays ?? 365} days`,
    },
  };
}
