import { describe, expect, it } from 'vitest';
import { routeAlert, isValidAlert, type Subscription } from '../../src/monitor/rules/alert-lifecycle.js';
import { EXAMPLE_RULES, EXAMPLE_WATCH_ZONES } from '../../src/monitor/rules/example-rules.js';
import { parseRuleSet, type RuleSet } from '../../src/monitor/rules/rule-engine.js';
import { replayAlerts } from '../../src/monitor/rules/replay.js';
import { parseWatchZones } from '../../src/monitor/rules/watch-zone.js';
import { inc } from './helpers.js';
import { loadUcdpBalochistan } from './ucdp.js';

function exampleRuleSet(): RuleSet {
  const z = parseWatchZones(EXAMPLE_WATCH_ZONES);
  if (!z.ok) throw new Error(JSON.stringify(z.error));
  const rs = parseRuleSet(EXAMPLE_RULES, z.value.zones);
  if (!rs.ok) throw new Error(JSON.stringify(rs.error));
  return rs.value;
}

describe('replay over UCDP GED Balochistan 1992-2021 (example rule set)', () => {
  const incidents = loadUcdpBalochistan();
  const ruleSet = exampleRuleSet();
  const r = replayAlerts(incidents, ruleSet);
  const byId = new Map(incidents.map((i) => [i.id, i]));

  it('reads the 692 Balochistan events', () => {
    expect(incidents.length).toBe(692);
    expect(r.months).toBe(352);
  });

  it('alert counts by rule (REGRESSION VALUES from this code on 2026-11-27, not a reference: a change means the rules changed)', () => {
    expect(r.byRule).toEqual({
      'suicide-attack': 0, // UCDP records no tactic
      'attack-on-civilians': 117,
      'attack-in-watch-zone': 188,
      'near-repeat-10km-14d': 17,
      'spike-weekly-ears-c2': 51,
    });
    expect([r.candidates, r.opened, r.suppressed]).toEqual([399, 373, 26]);
  });

  it('invariants: explanations finite and present; alerts valid and open; district is the incident\'s; each incident raises a rule at most once', () => {
    const seen = new Set<string>();
    for (const a of r.alerts) {
      const e = a.explanation;
      for (const v of [e.count, e.expected, e.threshold]) expect(Number.isFinite(v), `${a.id} ${JSON.stringify(e)}`).toBe(true);
      expect(e.count).toBeGreaterThan(e.threshold);
      expect(e.rule.startsWith(a.ruleId)).toBe(true);
      expect(e.text.length).toBeGreaterThan(10);
      expect(isValidAlert(a)).toBe(true);
      expect(a.state).toBe('open');
      const source = byId.get(a.incidentId)!;
      expect(a.district).toBe(source.location.district ?? '');
      expect(a.openedAt).toBe(source.occurredAt);
      for (const id of [a.incidentId, ...a.suppressedIncidentIds]) {
        expect(seen.has(`${a.ruleId}|${id}`)).toBe(false);
        seen.add(`${a.ruleId}|${id}`);
      }
    }
    expect(r.opened + r.suppressed).toBe(r.candidates);
    // monthly totals add up to the rule totals
    for (const [rule, n] of Object.entries(r.byRule)) expect(Object.values(r.byRuleMonth[rule] ?? {}).reduce((s, x) => s + x, 0)).toBe(n);
  });

  it('routing: a district officer receives exactly the alerts of their district; the province scope receives all', () => {
    const districts = [...new Set(incidents.map((i) => i.location.district).filter((d): d is string => d !== undefined))];
    const subs: Subscription[] = [...districts.map((d) => ({ recipient: `dc:${d}`, scope: { kind: 'districts' as const, districts: [d] } })), { recipient: 'ops-room', scope: { kind: 'province' } }];
    let noDistrict = 0;
    for (const a of r.alerts) {
      const { recipients } = routeAlert(a, subs);
      expect(recipients).toEqual(a.district === '' ? ['ops-room'] : [`dc:${a.district}`, 'ops-room']);
      if (a.district === '') noDistrict++;
    }
    expect(noDistrict).toBeGreaterThan(0); // the data has events without a district: the branch is exercised
  });

  it('is deterministic: the same alerts from the input in reverse order', () => {
    const again = replayAlerts(incidents.slice().reverse(), ruleSet);
    expect(again.alerts.map((a) => a.id)).toEqual(r.alerts.map((a) => a.id));
  });

  it('caveats count the events without coordinates or district', () => {
    expect(r.caveats.map((c) => [c.code, c.count])).toEqual([['no-coordinates', 204], ['no-district', 26]]);
  });
});

describe('replay on constructed incidents', () => {
  it('a near-repeat cluster raises one alert per serious event window; a later one re-alerts', () => {
    const rs = parseRuleSet([{ kind: 'near-repeat', id: 'nr', severity: 'high', distanceKm: 10, days: 14 }], []);
    if (!rs.ok) throw new Error('rules');
    const day = (d: number): string => new Date(Date.parse('2024-01-01T00:00:00.000Z') + d * 86_400_000).toISOString();
    const history = [
      inc({ id: 'bomb', category: 'TI.BOMB', occurredAt: day(0) }),
      inc({ id: 'a', occurredAt: day(2) }), inc({ id: 'b', occurredAt: day(5) }), inc({ id: 'c', occurredAt: day(9) }),
      inc({ id: 'd', occurredAt: day(20) }), // outside the 14-day window: nothing
      inc({ id: 'bomb2', category: 'TI.BOMB', occurredAt: day(30) }), inc({ id: 'e', occurredAt: day(31) }),
    ];
    const r = replayAlerts(history, rs.value);
    expect(r.alerts.map((a) => [a.incidentId, a.triggers])).toEqual([['a', 3], ['e', 1]]);
    expect(r.alerts[0]!.suppressedIncidentIds).toEqual(['b', 'c']);
    expect(replayAlerts([], rs.value).caveats.map((c) => c.code)).toEqual(['no-incidents']);
  });
});
