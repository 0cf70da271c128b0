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
import { EARTH_RADIUS_KM, haversineDistanceKm } from '../../link/haversine-distance.js';
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
const RAD = Math.PI / 180;

export function isSerious(incident: MonitorIncident, minimumKilled = 5): boolean {
  return category(incident.category).severe || incident.severity.killed >= minimumKilled;
}

/** A history entry with its time in epoch ms, parsed once by the caller (the live monitor keeps its history so). */
export interface TimedIncident {
  t: number;
  inc: MonitorIncident;
}

/** What a neighbour must be within, in time and space, for the rule (both evaluations read it here). */
function reachOf(rule: NearRepeatRule) {
  const windowMs = rule.days * DAY_MS;
  const baselineMs = (rule.baselineDays ?? 365) * DAY_MS;
  return {
    windowMs,
    /** The window and the baseline before it: older neighbours count for neither. */
    reachMs: windowMs + baselineMs,
    minimumKilled: rule.minimumKilled ?? 5,
    // A great-circle distance is at least the latitude difference times the radius: neighbours
    // further north or south than the distance (with a margin for rounding) are out without the
    // haversine. In the live path bench about 3 in 10 neighbours the grid gives are.
    latitudeReach: (rule.distanceKm / (EARTH_RADIUS_KM * RAD)) * (1 + 1e-9),
    distanceKm: rule.distanceKm,
  };
}

/**
 * Evaluate against `history`: earlier incidents (any order). Events at the same instant or later are
 * ignored, so the incident never counts itself.
 */
export function evaluateNearRepeatRule(rule: NearRepeatRule, incident: MonitorIncident, history: readonly MonitorIncident[]): AlertCandidate | null {
  return evaluateNearRepeatRuleTimed(rule, incident, history.map((h) => ({ t: Date.parse(h.occurredAt), inc: h })));
}

/** `evaluateNearRepeatRule` over a history whose times are already parsed (no parse per neighbour and look-up). */
export function evaluateNearRepeatRuleTimed(rule: NearRepeatRule, incident: MonitorIncident, history: readonly TimedIncident[]): AlertCandidate | null {
  const { lat, lon } = incident.location;
  if (lat === undefined || lon === undefined) return null;
  const t = Date.parse(incident.occurredAt);
  const { windowMs, reachMs, minimumKilled, latitudeReach, distanceKm } = reachOf(rule);
  let count = 0, background = 0;
  // the nearest serious event inside the window (the first found at the smallest distance, as before)
  let nearestInc: MonitorIncident | undefined, nearestKm = Infinity, nearestDt = 0;
  const id = incident.id;
  // Cheapest tests first (the live monitor hands about 40 neighbours per event in the path bench):
  // the time kept beside each neighbour, then its coordinates; its id and category only for those in reach.
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    const dt = t - e.t;
    if (!(dt > 0) || dt > reachMs) continue;
    const h = e.inc;
    const hLat = h.location.lat, hLon = h.location.lon;
    if (hLat === undefined || hLon === undefined || Math.abs(hLat - lat) > latitudeReach) continue;
    const km = haversineDistanceKm(lat, lon, hLat, hLon);
    if (km > distanceKm || h.id === id || !isSerious(h, minimumKilled)) continue;
    if (dt <= windowMs) {
      count++;
      if (nearestInc === undefined || km < nearestKm) { nearestInc = h; nearestKm = km; nearestDt = dt; }
    } else background++;
  }
  return nearRepeatCandidate(rule, incident, count, background, nearestInc, nearestKm, nearestDt);
}

/**
 * Serious events kept in columns, as the live monitor's grid cells hold them: entry i (0 <= i < n) has
 * its time in epoch ms at d[3i], its latitude at d[3i + 1] and its longitude at d[3i + 2] (read from
 * the incident when it was kept), and the incident at inc[i].
 */
export interface NearRepeatColumns {
  n: number;
  d: Float64Array;
  inc: MonitorIncident[];
}

/**
 * `evaluateNearRepeatRuleTimed` over the entries of `cells[0 .. cellCount)` (cell by cell, each in
 * its order) whose time is at least `minTime`: the same candidate as that function given those
 * entries in that order. Times and coordinates are read from the columns; an entry's incident
 * (id, category, killed) only for those within reach in time and distance.
 */
export function evaluateNearRepeatRuleOnColumns(
  rule: NearRepeatRule, incident: MonitorIncident, cells: readonly NearRepeatColumns[], cellCount: number, minTime: number,
): AlertCandidate | null {
  const { lat, lon } = incident.location;
  if (lat === undefined || lon === undefined) return null;
  const t = Date.parse(incident.occurredAt);
  const { windowMs, reachMs, minimumKilled, latitudeReach, distanceKm } = reachOf(rule);
  let count = 0, background = 0;
  let nearestInc: MonitorIncident | undefined, nearestKm = Infinity, nearestDt = 0;
  const id = incident.id;
  for (let c = 0; c < cellCount; c++) {
    const cell = cells[c]!;
    const d = cell.d, n = cell.n;
    for (let i = 0, k = 0; i < n; i++, k += 3) {
      const et = d[k]!;
      if (!(et >= minTime)) continue;
      const dt = t - et;
      if (!(dt > 0) || dt > reachMs) continue;
      const hLat = d[k + 1]!;
      if (Math.abs(hLat - lat) > latitudeReach) continue;
      const km = haversineDistanceKm(lat, lon, hLat, d[k + 2]!);
      if (km > distanceKm) continue;
      const h = cell.inc[i]!;
      if (h.id === id || !isSerious(h, minimumKilled)) continue;
      if (dt <= windowMs) {
        count++;
        if (nearestInc === undefined || km < nearestKm) { nearestInc = h; nearestKm = km; nearestDt = dt; }
      } else background++;
    }
  }
  return nearRepeatCandidate(rule, incident, count, background, nearestInc, nearestKm, nearestDt);
}

/** The candidate (or null) from what a pass over the history found. */
function nearRepeatCandidate(
  rule: NearRepeatRule, incident: MonitorIncident, count: number, background: number,
  nearestInc: MonitorIncident | undefined, nearestKm: number, nearestDt: number,
): AlertCandidate | null {
  const minimumPrior = rule.minimumPrior ?? 1;
  const windowMs = rule.days * DAY_MS;
  const baselineMs = (rule.baselineDays ?? 365) * DAY_MS;
  const nearest = nearestInc === undefined ? undefined : { id: nearestInc.id, km: nearestKm, days: nearestDt / DAY_MS };
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
