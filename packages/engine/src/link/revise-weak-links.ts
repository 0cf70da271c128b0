/**
 * Re-deciding weak links when later feeds arrive.
 *
 * What it answers: a report R that was joined to a stored incident S by a rule that holds only
 * while S is R's *only* compatible incident (`district-unique-group`, `point-near-unique-group`)
 * was judged among the incidents stored so far. When a later batch brings a new incident N that R
 * matches under a strong rule (same code: `district-time`, `district-day-same-code`, `point-near`,
 * `point-exact` ...), S was not R's only compatible incident after all, and N is the better one:
 * R should move from S to N, as linking all the reports in one batch would have decided.
 *
 * `reviseWeakLinks(arrived, stored, rules)` returns those moves; it changes nothing. The caller
 * (server ingest) detaches R from S through the store's `unlink` (recorded in the link history)
 * and attaches N's reports to the incident R now stands alone in, with `link` recording the rule.
 *
 * Decisions: each weak member R moves at most once, to its best-scoring N (then the smallest
 * incident id); N takes at most one report per agency; moves are taken greedily by score, then
 * source key, so the result does not depend on the order of `arrived` or `stored`. Only N whose
 * anchor lies in R's district are considered (every strong rule for a district-only report needs
 * the same district). Units: scores as in `matchFeatures` (lower is better).
 *
 * Complexity: O(m_s + m_a) to index plus, per weak member, the arrived incidents of its district
 * and category group; a handful at provincial rates.
 *
 * Reference: the same rule table as `linkBatch` (docs/methods/linking.md, "Through the ingest
 * pipeline"); the batch result is the target the moves approximate.
 */
import type { Link, Report } from '../domain/incident.js';
import { sourceKey } from '../domain/incident.js';
import type { LinkCandidate, NewIncident } from '../domain/linking.js';
import { DEFAULT_LINK_RULES } from '../domain/linking.js';
import { categoryGroup } from '../domain/taxonomy.js';
import { isUniqueOnlyRule, linkCandidateOf, matchReportToCandidate, type LinkOptions } from './link-batch.js';

/** `detachWeakLinks` (default true): also detach a weak member that nothing strong claims once it has another compatible incident. */
export interface ReviseOptions extends LinkOptions {
  detachWeakLinks?: boolean;
  /**
   * `reviseCoarseLinks` (default true): a report known only to its district or to 25 km that joined
   * under a strong rule also moves when an arrived incident matches it strictly better (lower score).
   */
  reviseCoarseLinks?: boolean;
}

/** A stored incident near the arrived ones, with all its reports (the store's `reportsOf`). */
export interface StoredIncidentReports {
  incidentId: string;
  reports: Report[];
}

/**
 * Take `report` (source key `sourceKey`) out of `fromIncidentId`: into the arrived incident
 * `toNewIncidentId` when it names one, else into an incident of its own (its only-compatible-incident
 * link no longer holds and nothing strong replaces it).
 */
export interface WeakLinkMove {
  fromIncidentId: string;
  sourceKey: string;
  report: Report;
  toNewIncidentId?: string;
  /** With `toNewIncidentId`: the link under which the report joins that incident's anchor (a = the anchor's key, b = the report's). */
  link?: Link;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function reviseWeakLinks(arrived: readonly NewIncident[], stored: readonly StoredIncidentReports[], rules: ReviseOptions = DEFAULT_LINK_RULES,
  changed: readonly LinkCandidate[] = []): WeakLinkMove[] {
  // arrived incidents by district and category group of their anchor
  const byPlace = new Map<string, { n: NewIncident; agencies: Set<string>; candidate: ReturnType<typeof linkCandidateOf> }[]>();
  for (const n of arrived) {
    if (n.reports.length === 0) continue;
    const candidate = linkCandidateOf(n.id, n.reports);
    if (candidate.district === undefined) continue;
    const k = `${candidate.district}|${categoryGroup(candidate.category)}`;
    let list = byPlace.get(k);
    if (list === undefined) byPlace.set(k, list = []);
    list.push({ n, agencies: new Set(n.reports.map((r) => r.source.agency)), candidate });
  }
  const changedByPlace = new Map<string, LinkCandidate[]>();
  for (const c of changed) {
    if (c.district === undefined) continue;
    const k = `${c.district}|${categoryGroup(c.category)}`;
    const list = changedByPlace.get(k);
    if (list === undefined) changedByPlace.set(k, [c]); else list.push(c);
  }
  const detach: { s: StoredIncidentReports; r: Report; key: string }[] = [];
  type Option = { s: StoredIncidentReports; r: Report; key: string; to: NewIncident; agencies: Set<string>; link: Link; score: number };
  const options: Option[] = [];
  for (const s of stored) {
    if (s.reports.length < 2) continue;
    const anchorKey = linkCandidateOf(s.incidentId, s.reports).anchorKey;
    for (const r of s.reports) {
      const key = sourceKey(r.source);
      if (key === anchorKey || r.location.district === undefined) continue;
      const rest = s.reports.filter((x) => x !== r);
      const old = matchReportToCandidate(r, linkCandidateOf(s.incidentId, rest), rules);
      // weak: joined only as the only compatible incident, or no longer matching the anchor at all
      const weak = old === undefined || isUniqueOnlyRule(old.rule);
      const coarse = r.location.precision === 'district' || r.location.precision === 'near';
      if (!weak && !(coarse && (rules.reviseCoarseLinks ?? true))) continue;
      const place = `${r.location.district}|${categoryGroup(r.category)}`;
      // S stops being r's only compatible incident when an arrived or re-anchored incident matches r at all
      let compatible = false;
      for (const c of changedByPlace.get(place) ?? []) {
        if (c.incidentId !== s.incidentId && matchReportToCandidate(r, c, rules) !== undefined) compatible = true;
      }
      for (const a of byPlace.get(place) ?? []) {
        const m = matchReportToCandidate(r, a.candidate, rules);
        if (m === undefined) continue;
        compatible = true;
        if (a.agencies.has(r.source.agency) || isUniqueOnlyRule(m.rule)) continue;
        // a strong link moves only to a strictly better match (the order linkBatch ranks matches in)
        if (!weak && !(m.score < old.score - 1e-12)) continue;
        const link: Link = { a: a.candidate.anchorKey ?? a.n.id, b: key, rule: m.rule, hoursApart: m.hoursApart };
        if (m.distanceKm !== undefined) link.distanceKm = m.distanceKm;
        options.push({ s, r, key, to: a.n, agencies: a.agencies, link, score: m.score });
      }
      if (weak && compatible && (rules.detachWeakLinks ?? true)) detach.push({ s, r, key });
    }
  }
  options.sort((x, y) => x.score - y.score || compareStrings(x.key, y.key) || compareStrings(x.to.id, y.to.id));
  const moved = new Set<string>();
  const taken = new Map<string, Set<string>>();
  const out: WeakLinkMove[] = [];
  for (const o of options) {
    if (moved.has(o.key)) continue;
    let t = taken.get(o.to.id);
    if (t === undefined) taken.set(o.to.id, t = new Set());
    if (t.has(o.r.source.agency)) continue;
    t.add(o.r.source.agency);
    moved.add(o.key);
    out.push({ fromIncidentId: o.s.incidentId, sourceKey: o.key, report: o.r, toNewIncidentId: o.to.id, link: o.link });
  }
  for (const d of detach) if (!moved.has(d.key)) { moved.add(d.key); out.push({ fromIncidentId: d.s.incidentId, sourceKey: d.key, report: d.r }); }
  return out.sort((x, y) => compareStrings(x.sourceKey, y.sourceKey));
}
