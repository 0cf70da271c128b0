/**
 * Category rule: a single event pages when it is of a listed category (any suicide attack), or
 * targets a listed target type (any attack on a polio team, a railway, the Levies), optionally only
 * inside watch zones.
 *
 * What it answers: "did something happen that we always want to hear about at once?"
 * Units: one event. Complexity: O(categories + targets + zone vertices) per incident.
 * How to read the explanation: count 1, expected 0, threshold 0: no event of this kind is normal.
 * False alarms: none in the statistical sense; every alert is a true event of the listed kind. The
 * cost is volume: the replay over UCDP Balochistan (docs/methods/alert-rules.md) gives alerts per month.
 */
import { categoryGroup, type CategoryCode, type CategoryGroup } from '../../domain/taxonomy.js';
import { zonesContaining, type WatchZone } from './watch-zone.js';
import type { AlertCandidate, AlertSeverity, MonitorIncident } from './types.js';

export interface CategoryRule {
  kind: 'category';
  id: string;
  severity: AlertSeverity;
  /** Fires on any of these categories. */
  categories?: readonly CategoryCode[];
  /** Fires on these target types (compared case- and space-insensitively) ... */
  targetTypes?: readonly string[];
  /** ... when the category is in one of these groups (default: terrorism): an arrest of a policeman is not an attack on the police. */
  targetGroups?: readonly CategoryGroup[];
  /** Only inside one of these zones (ids); absent: anywhere. */
  zoneIds?: readonly string[];
  /** Overrides the lifecycle's default window (only the same incident re-sent shares a key). */
  suppressionMinutes?: number;
}

const squash = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
const DEFAULT_TARGET_GROUPS: readonly CategoryGroup[] = ['terrorism'];

/** Whether the incident's target type is one of the rule's (only asked when the rule lists target types). */
function byTargetType(targetTypes: readonly string[], rule: CategoryRule, incident: MonitorIncident): boolean {
  if (incident.targetType === undefined || !(rule.targetGroups ?? DEFAULT_TARGET_GROUPS).includes(categoryGroup(incident.category))) return false;
  const target = squash(incident.targetType);
  for (const t of targetTypes) if (squash(t) === target) return true;
  return false;
}

/**
 * Per rule, the strings that are the same for every incident it fires on: the explanation's `rule`
 * and, by category, the text of a match by category without zones. Made once (a live monitor
 * evaluates every event: each template made two or three strings per candidate, and each was
 * copied flat again when the alert was serialised); the same characters as the templates.
 */
const rulesTexts = new WeakMap<CategoryRule, { rule: string; byCategory: Map<string, string> }>();

function textsOf(rule: CategoryRule): { rule: string; byCategory: Map<string, string> } {
  let t = rulesTexts.get(rule);
  if (t === undefined) { t = { rule: `${rule.id} (category)`, byCategory: new Map() }; rulesTexts.set(rule, t); }
  return t;
}

function explanationText(what: string, where: string): string {
  return `1 event of ${what}${where}; any such event alerts`;
}

export function evaluateCategoryRule(rule: CategoryRule, incident: MonitorIncident, zones: readonly WatchZone[]): AlertCandidate | null {
  const byCategory = rule.categories?.includes(incident.category) ?? false;
  // a rule that fires on the category does not need the target (byTarget only chooses the explanation's words then)
  const byTarget = !byCategory && rule.targetTypes !== undefined && byTargetType(rule.targetTypes, rule, incident);
  if (!byCategory && !byTarget) return null;
  let zoneIds: string[] = [];
  if (rule.zoneIds !== undefined) {
    const { lat, lon } = incident.location;
    if (lat === undefined || lon === undefined) return null;
    const wanted = zones.filter((z) => rule.zoneIds!.includes(z.id));
    zoneIds = zonesContaining(wanted, lat, lon).map((m) => m.zoneId);
    if (zoneIds.length === 0) return null;
  }
  const district = incident.location.district ?? '';
  const texts = textsOf(rule);
  let text: string | undefined;
  if (byCategory && zoneIds.length === 0) {
    text = texts.byCategory.get(incident.category);
    if (text === undefined) { text = explanationText(`category ${incident.category}`, ''); texts.byCategory.set(incident.category, text); }
  } else {
    const what = byCategory ? `category ${incident.category}` : `target '${incident.targetType ?? ''}' (${incident.category})`;
    text = explanationText(what, zoneIds.length > 0 ? ` in zone ${zoneIds.join(', ')}` : '');
  }
  const explanation = { count: 1, expected: 0, threshold: 0, rule: texts.rule, text };
  // One key per incident: two different suicide attacks are two alerts; the same incident re-sent is one.
  const dedupKey = `${rule.id}|${district}|${incident.id}`;
  // two literals with the keys in the same order (no spread of a conditional object per candidate)
  return rule.suppressionMinutes === undefined
    ? { ruleId: rule.id, ruleKind: 'category', severity: rule.severity, incidentId: incident.id, occurredAt: incident.occurredAt, district, zoneIds, dedupKey, explanation }
    : { ruleId: rule.id, ruleKind: 'category', severity: rule.severity, incidentId: incident.id, occurredAt: incident.occurredAt, district, zoneIds, suppressionMinutes: rule.suppressionMinutes, dedupKey, explanation };
}
