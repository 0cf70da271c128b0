/**
 * Replay: run the rule set over a history of incidents in time order, as if each had arrived live
 * at its `occurredAt`, and return the alerts that would have fired (after deduplication and
 * suppression). This is how a rule set is tuned before it pages anyone: alerts per month by rule
 * are its false-alarm budget.
 *
 * Order: by occurredAt, then by id, so that events known only to the day (UCDP, date_prec 1) replay
 * in the same order every time. Each incident sees only the incidents before it in that order.
 * Complexity: O(n log n) to sort plus, per incident, the rules' cost over the history window
 * (`historyDaysNeeded`). Pure: the clock is the incidents' own times.
 */
import { caveat, type Caveat } from '../../domain/caveats.js';
import { BaseeratError } from '../../domain/errors.js';
import { emptyAlertBook, intakeCandidate, type Alert } from './alert-lifecycle.js';
import { evaluateIncident, historyDaysNeeded, type RuleSet } from './rule-engine.js';
import type { MonitorIncident } from './types.js';

export interface ReplayOptions {
  suppressionMinutes?: number;
}

export interface ReplayResult {
  alerts: Alert[];
  /** Candidates raised (opened + suppressed). */
  candidates: number;
  opened: number;
  suppressed: number;
  /** Opened alerts by rule id (every rule of the set appears, with 0 if it never fired). */
  byRule: Record<string, number>;
  /** Opened alerts by rule id and month of opening (YYYY-MM, UTC). */
  byRuleMonth: Record<string, Record<string, number>>;
  /** Calendar months from the first to the last incident, inclusive: the denominator of alerts per month. */
  months: number;
  caveats: Caveat[];
}

const DAY_MS = 86_400_000;

export function replayAlerts(incidents: readonly MonitorIncident[], ruleSet: RuleSet, options: ReplayOptions = {}): ReplayResult {
  const times = new Map<string, number>();
  for (const inc of incidents) {
    const t = Date.parse(inc.occurredAt);
    if (!Number.isFinite(t)) throw new BaseeratError('VALIDATION', `occurredAt of incident ${inc.id} is '${inc.occurredAt}', expected an ISO-8601 time`, { field: 'occurredAt' });
    times.set(inc.id, t);
  }
  const sorted = incidents.slice().sort((a, b) => times.get(a.id)! - times.get(b.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keepMs = historyDaysNeeded(ruleSet) * DAY_MS;
  let book = emptyAlertBook();
  let candidates = 0, suppressed = 0, start = 0;
  for (let i = 0; i < sorted.length; i++) {
    const inc = sorted[i]!;
    const t = times.get(inc.id)!;
    while (start < i && t - times.get(sorted[start]!.id)! > keepMs) start++;
    for (const c of evaluateIncident(inc, sorted.slice(start, i), ruleSet)) {
      candidates++;
      const r = intakeCandidate(book, c, inc.occurredAt, options.suppressionMinutes === undefined ? {} : { suppressionMinutes: options.suppressionMinutes });
      book = r.book;
      if (r.outcome === 'suppressed') suppressed++;
    }
  }
  const byRule: Record<string, number> = {};
  const byRuleMonth: Record<string, Record<string, number>> = {};
  for (const r of ruleSet.rules) { byRule[r.id] = 0; byRuleMonth[r.id] = {}; }
  for (const a of book.alerts) {
    byRule[a.ruleId] = (byRule[a.ruleId] ?? 0) + 1;
    const m = a.openedAt.slice(0, 7);
    const row = (byRuleMonth[a.ruleId] ??= {});
    row[m] = (row[m] ?? 0) + 1;
  }
  const caveats: Caveat[] = [];
  let months = 0;
  const firstInc = sorted[0], lastInc = sorted[sorted.length - 1];
  if (firstInc !== undefined && lastInc !== undefined) {
    const a = new Date(times.get(firstInc.id)!), b = new Date(times.get(lastInc.id)!);
    months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
  } else caveats.push(caveat('no-incidents', 'no incidents to replay'));
  const noPlace = incidents.filter((x) => x.location.lat === undefined || x.location.lon === undefined).length;
  if (noPlace > 0) caveats.push(caveat('no-coordinates', `${noPlace} incidents had no coordinates: zone and near-repeat rules skipped them`, noPlace));
  const noDistrict = incidents.filter((x) => x.location.district === undefined).length;
  if (noDistrict > 0) caveats.push(caveat('no-district', `${noDistrict} incidents had no district: spike rules skipped them, and their alerts route province-wide only`, noDistrict));
  return { alerts: book.alerts.slice(), candidates, opened: book.alerts.length, suppressed, byRule, byRuleMonth, months, caveats };
}
