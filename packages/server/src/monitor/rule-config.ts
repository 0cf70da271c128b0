/**
 * The monitor's rule set from configuration files: rules (a JSON array, engine `parseRuleSet`) and
 * watch zones (GeoJSON, engine `parseWatchZones`). Without files: the engine's example Balochistan
 * rule set and zones (illustrative coordinates; see docs/methods/alert-rules.md).
 */
import { readFileSync } from 'node:fs';
import { BaseeratError, EXAMPLE_RULES, EXAMPLE_WATCH_ZONES, parseRuleSet, parseWatchZones, type FieldIssue, type RuleSet } from '@baseerat/engine';

function readJson(path: string, what: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new BaseeratError('NOT_FOUND', `${what} file ${path} cannot be read: ${(e as Error).message}`, { field: what, cause: e });
  }
  try { return JSON.parse(text); } catch (e) {
    throw new BaseeratError('VALIDATION', `${what} file ${path} is not JSON: ${(e as Error).message}`, { field: what, cause: e });
  }
}

function fail(what: string, issues: FieldIssue[]): never {
  throw new BaseeratError('VALIDATION', `${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { field: issues[0]?.field ?? what, details: { issues } });
}

/** Rules and zones from JSON values (already read). */
export function ruleSetFrom(rules: unknown, zones: unknown): RuleSet {
  const z = parseWatchZones(zones);
  if (!z.ok) fail('watch zones', z.error);
  const r = parseRuleSet(rules, z.value.zones);
  if (!r.ok) fail('rules', r.error);
  return r.value;
}

/** Rules and zones from files; each absent file falls back to the example. */
export function loadRuleSet(paths: { rules?: string | undefined; zones?: string | undefined } = {}): RuleSet {
  const zones = paths.zones === undefined ? EXAMPLE_WATCH_ZONES : readJson(paths.zones, 'zones');
  const rules = paths.rules === undefined ? EXAMPLE_RULES : readJson(paths.rules, 'rules');
  return ruleSetFrom(rules, zones);
}
