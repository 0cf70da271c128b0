/**
 * The rule engine: evaluate one incoming incident against every rule and return the alert
 * candidates, each with its severity and its explanation (count, expected, threshold, rule).
 * Candidates are not yet alerts: `alert-lifecycle.ts` deduplicates and suppresses them.
 *
 * Rule sets come from configuration as JSON; `parseRuleSet` checks them with zod (strict objects:
 * an unknown key is a typo, and a typo in an alert rule is a silent gap in monitoring).
 * Complexity: the sum of the rules' costs; O(h) per history-reading rule for h events in `history`.
 */
import { z } from 'zod';
import type { FieldIssue, Result } from '../../domain/errors.js';
import { CATEGORY_GROUPS, CategoryCodeSchema } from '../../domain/taxonomy.js';
import { evaluateCategoryRule, type CategoryRule } from './category-rule.js';
import { evaluateNearRepeatRule, type NearRepeatRule } from './near-repeat-rule.js';
import { evaluateSpikeRule, type SpikeRule } from './spike-rule.js';
import { ALERT_SEVERITIES, type AlertCandidate, type MonitorIncident } from './types.js';
import type { WatchZone } from './watch-zone.js';

export type Rule = CategoryRule | NearRepeatRule | SpikeRule;

export interface RuleSet {
  rules: readonly Rule[];
  zones: readonly WatchZone[];
}

const severity = z.enum(ALERT_SEVERITIES);
const id = z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/);
const groups = z.array(z.enum(CATEGORY_GROUPS)).min(1);
const detector = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ears'), options: z.strictObject({ method: z.enum(['C1', 'C2', 'C3']).optional(), baseline: z.number().int().min(3).optional(), minSigma: z.number().nonnegative().optional(), alpha: z.number().gt(0).lt(1).optional() }).optional() }),
  z.strictObject({ kind: z.literal('cusum'), options: z.strictObject({ h: z.number().positive().optional(), window: z.number().int().positive().optional(), gap: z.number().int().nonnegative().optional(), minimumMean: z.number().positive().optional() }).optional() }),
  z.strictObject({ kind: z.literal('window-scan'), options: z.strictObject({ h: z.number().positive().optional(), maxWindow: z.number().int().min(1).max(26).optional(), baselineWeeks: z.number().int().min(8).optional(), halfLifeWeeks: z.union([z.number().positive(), z.literal('none')]).transform((v) => (v === 'none' ? Infinity : v)).optional(), priorWeeks: z.number().nonnegative().optional() }).optional() }),
]);
const ruleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('category'), id, severity, categories: z.array(CategoryCodeSchema).min(1).optional(), targetTypes: z.array(z.string().min(1)).min(1).optional(), targetGroups: groups.optional(), zoneIds: z.array(z.string().min(1)).min(1).optional(), suppressionMinutes: z.number().nonnegative().optional() })
    .refine((r) => r.categories !== undefined || r.targetTypes !== undefined, { message: 'a category rule needs categories or targetTypes', path: ['categories'] }),
  z.strictObject({ kind: z.literal('near-repeat'), id, severity, distanceKm: z.number().positive().max(200), days: z.number().positive().max(365), minimumKilled: z.number().int().nonnegative().optional(), minimumPrior: z.number().int().min(1).optional(), baselineDays: z.number().positive().optional(), suppressionMinutes: z.number().nonnegative().optional() }),
  z.strictObject({ kind: z.literal('spike'), id, severity, groups: groups.optional(), detector: detector.optional(), periodDays: z.number().int().min(1).max(366).optional(), lookbackPeriods: z.number().int().min(10).max(2000).optional(), minimumCount: z.number().int().nonnegative().optional(), origin: z.iso.datetime({ offset: false }).optional(), suppressionMinutes: z.number().nonnegative().optional() }),
]);

/**
 * Parse rules from JSON; zone ids referenced by category rules must exist in `zones`. Never throws.
 * Farrington is left out of configuration on purpose: per incident it refits a GLM over years of
 * history; build such a rule in code, with a long lookback, when it is wanted.
 */
export function parseRuleSet(input: unknown, zones: readonly WatchZone[]): Result<RuleSet> {
  const parsed = z.array(z.unknown()).safeParse(input);
  if (!parsed.success) return { ok: false, error: [{ field: '(root)', message: 'rules must be an array' }] };
  const issues: FieldIssue[] = [];
  const rules: Rule[] = [];
  const ids = new Set<string>();
  const zoneIds = new Set(zones.map((zz) => zz.id));
  parsed.data.forEach((raw, i) => {
    const r = ruleSchema.safeParse(raw);
    if (!r.success) {
      for (const iss of r.error.issues) issues.push({ field: [`rules[${i}]`, ...iss.path.map(String)].join('.'), message: iss.message });
      return;
    }
    if (ids.has(r.data.id)) issues.push({ field: `rules[${i}].id`, value: r.data.id, message: `rule id '${r.data.id}' is used twice` });
    ids.add(r.data.id);
    if (r.data.kind === 'category') for (const zid of r.data.zoneIds ?? []) if (!zoneIds.has(zid)) issues.push({ field: `rules[${i}].zoneIds`, value: zid, message: `zone '${zid}' is not defined` });
    rules.push(r.data as Rule);
  });
  return issues.length > 0 ? { ok: false, error: issues } : { ok: true, value: { rules, zones } };
}

/**
 * All alert candidates for one incident. `history` holds the earlier incidents the rules may read
 * (the caller bounds it: the longest near-repeat window plus baseline, the spike lookback).
 */
export function evaluateIncident(incident: MonitorIncident, history: readonly MonitorIncident[], ruleSet: RuleSet): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const rule of ruleSet.rules) {
    let c: AlertCandidate | null;
    if (rule.kind === 'category') c = evaluateCategoryRule(rule, incident, ruleSet.zones);
    else if (rule.kind === 'near-repeat') c = evaluateNearRepeatRule(rule, incident, history);
    else c = evaluateSpikeRule(rule, incident, history);
    if (c !== null) out.push(c);
  }
  return out;
}

/** Days of history the rule set reads, so a caller (or the replay) can keep only that much. */
export function historyDaysNeeded(ruleSet: RuleSet): number {
  let days = 0;
  for (const r of ruleSet.rules) {
    if (r.kind === 'near-repeat') days = Math.max(days, r.days + (r.baselineDays ?? 365));
    else if (r.kind === 'spike') days = Math.max(days, (r.periodDays ?? 7) * ((r.lookbackPeriods ?? 60) + 1));
  }
  return days;
}
