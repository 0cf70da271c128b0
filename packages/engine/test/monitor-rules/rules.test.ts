import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { evaluateCategoryRule, type CategoryRule } from '../../src/monitor/rules/category-rule.js';
import { evaluateNearRepeatRule, isSerious, type NearRepeatRule } from '../../src/monitor/rules/near-repeat-rule.js';
import { evaluateSpikeRule, evaluateSpikeRuleOnCounts, type SpikeRule } from '../../src/monitor/rules/spike-rule.js';
import { evaluateIncident, parseRuleSet } from '../../src/monitor/rules/rule-engine.js';
import { parseWatchZones, type WatchZone } from '../../src/monitor/rules/watch-zone.js';
import { evaluateSeries } from '../../src/monitor/evaluate-series.js';
import { EARTH_RADIUS_KM, haversineDistanceKm } from '../../src/link/haversine-distance.js';
import { inc } from './helpers.js';

const zr = parseWatchZones({ type: 'FeatureCollection', features: [
  { type: 'Feature', geometry: { type: 'Point', coordinates: [67.0, 30.2] }, properties: { id: 'cantt', radius_km: 5 } },
] });
const zones: WatchZone[] = zr.ok ? zr.value.zones : [];

describe('category rule', () => {
  const suicide: CategoryRule = { kind: 'category', id: 'suicide-any', severity: 'critical', categories: ['TI.SUICIDE'] };
  const polio: CategoryRule = { kind: 'category', id: 'polio-teams', severity: 'high', targetTypes: ['Polio team', 'Levies'] };
  it('any suicide attack fires, with count 1 / expected 0 / threshold 0; other categories do not', () => {
    const c = evaluateCategoryRule(suicide, inc({ id: 'a', category: 'TI.SUICIDE', district: 'Kech' }), zones);
    expect(c).toMatchObject({ ruleId: 'suicide-any', severity: 'critical', district: 'Kech', incidentId: 'a', explanation: { count: 1, expected: 0, threshold: 0 } });
    expect(c?.explanation.text).toContain('TI.SUICIDE');
    expect(evaluateCategoryRule(suicide, inc({ category: 'TI.BOMB' }), zones)).toBeNull();
  });
  it('an attack on a listed target type fires (case and spaces ignored); a crime or operation against it does not', () => {
    expect(evaluateCategoryRule(polio, inc({ category: 'TI.ASSAULT', targetType: '  polio  TEAM' }), zones)?.ruleId).toBe('polio-teams');
    expect(evaluateCategoryRule(polio, inc({ category: 'CR.ROBBERY', targetType: 'Polio team' }), zones)).toBeNull();
    expect(evaluateCategoryRule(polio, inc({ category: 'TI.ASSAULT', targetType: 'Police' }), zones)).toBeNull();
    expect(evaluateCategoryRule(polio, inc({ category: 'TI.ASSAULT' }), zones)).toBeNull();
    expect(evaluateCategoryRule({ ...polio, targetGroups: ['crime'] }, inc({ category: 'CR.ROBBERY', targetType: 'Levies' }), zones)?.ruleId).toBe('polio-teams');
  });
  it('restricted to a zone: inside fires and names the zone; outside or without coordinates does not', () => {
    const r: CategoryRule = { ...suicide, id: 'cantt-severe', categories: ['TI.BOMB', 'TI.SUICIDE'], zoneIds: ['cantt'] };
    expect(evaluateCategoryRule(r, inc({ category: 'TI.BOMB', lat: 30.21, lon: 67.01 }), zones)?.zoneIds).toEqual(['cantt']);
    expect(evaluateCategoryRule(r, inc({ category: 'TI.BOMB', lat: 30.4, lon: 67.0 }), zones)).toBeNull(); // 22 km north
    expect(evaluateCategoryRule(r, inc({ category: 'TI.BOMB', lat: undefined, lon: undefined }), zones)).toBeNull();
  });
  it('the candidate is the former templates\' candidate, keys in the same order, whatever the rule, incident and call order (texts made once per rule; fixed seed)', () => {
    // the candidate as built before the per-rule texts (2026-11-27): the reference
    const reference = (rule: CategoryRule, i: ReturnType<typeof inc>, zoneIds: string[]) => {
      const byCategory = rule.categories?.includes(i.category) ?? false;
      const district = i.location.district ?? '';
      const what = byCategory ? `category ${i.category}` : `target '${i.targetType ?? ''}' (${i.category})`;
      const where = zoneIds.length > 0 ? ` in zone ${zoneIds.join(', ')}` : '';
      return {
        ruleId: rule.id, ruleKind: 'category', severity: rule.severity, incidentId: i.id, occurredAt: i.occurredAt, district, zoneIds,
        ...(rule.suppressionMinutes === undefined ? {} : { suppressionMinutes: rule.suppressionMinutes }),
        dedupKey: `${rule.id}|${district}|${i.id}`,
        explanation: { count: 1, expected: 0, threshold: 0, rule: `${rule.id} (category)`, text: `1 event of ${what}${where}; any such event alerts` },
      };
    };
    const cats = ['TI.BOMB', 'TI.SUICIDE', 'TI.ASSAULT', 'CR.ROBBERY'] as const;
    const rules = fc.record({
      id: fc.string({ maxLength: 8 }), categories: fc.subarray([...cats]), suppressionMinutes: fc.option(fc.nat(1000), { nil: undefined }),
      targets: fc.boolean(), zoned: fc.boolean(),
    }).map((x): CategoryRule => ({
      kind: 'category', id: x.id, severity: 'high', categories: x.categories,
      ...(x.targets ? { targetTypes: ['Polio team'] } : {}), ...(x.zoned ? { zoneIds: ['cantt'] } : {}),
      ...(x.suppressionMinutes === undefined ? {} : { suppressionMinutes: x.suppressionMinutes }),
    }));
    const incidents = fc.array(fc.record({
      id: fc.string({ maxLength: 6 }), category: fc.constantFrom(...cats), district: fc.option(fc.constantFrom('Kech', 'Quetta'), { nil: undefined }),
      targetType: fc.option(fc.constantFrom('Polio team', 'police'), { nil: undefined }), near: fc.boolean(),
    }), { maxLength: 12 });
    fc.assert(fc.property(fc.array(rules, { minLength: 1, maxLength: 3 }), incidents, (rs, xs) => {
      for (const x of xs) for (const rule of rs) {
        const i = inc({ id: x.id, category: x.category, district: x.district, targetType: x.targetType, lat: x.near ? 30.21 : 30.4, lon: 67.01 });
        const c = evaluateCategoryRule(rule, i, zones);
        if (c === null) continue;
        const want = reference(rule, i, c.zoneIds);
        expect(c).toEqual(want);
        expect(JSON.stringify(c)).toBe(JSON.stringify(want));
      }
    }), { seed: 6, numRuns: 300 });
  });
});

describe('near-repeat rule', () => {
  const rule: NearRepeatRule = { kind: 'near-repeat', id: 'nr-10km-14d', severity: 'high', distanceKm: 10, days: 14 };
  const first = inc({ id: 'bomb', category: 'TI.BOMB', occurredAt: '2024-03-01T10:00:00.000Z', lat: 30.19, lon: 67.0 });
  it('a new event 5 km and 3 days after a bombing fires; 15 km or 20 days does not', () => {
    const near = inc({ id: 'n', occurredAt: '2024-03-04T10:00:00.000Z', lat: 30.19 + 5 / 111.195, lon: 67.0 });
    const c = evaluateNearRepeatRule(rule, near, [first]);
    expect(c).toMatchObject({ ruleKind: 'near-repeat', explanation: { count: 1, expected: 0, threshold: 0 }, dedupKey: 'nr-10km-14d|Quetta|bomb' });
    expect(c?.explanation.text).toMatch(/nearest 5\.0 km, 3\.0 days before: bomb/);
    expect(evaluateNearRepeatRule(rule, { ...near, location: { lat: 30.19 + 15 / 111.195, lon: 67.0, district: 'Quetta' } }, [first])).toBeNull();
    expect(evaluateNearRepeatRule(rule, { ...near, occurredAt: '2024-03-21T10:00:00.000Z' }, [first])).toBeNull();
  });
  it('the prior event must be serious (severe category or >= 5 killed), earlier, and not the incident itself', () => {
    const clash = inc({ id: 'c', category: 'TI.CLASH', killed: 2, occurredAt: '2024-03-01T00:00:00.000Z' });
    const later = inc({ id: 'l', occurredAt: '2024-03-02T00:00:00.000Z' });
    expect(isSerious(clash)).toBe(false);
    expect(evaluateNearRepeatRule(rule, later, [clash])).toBeNull();
    expect(evaluateNearRepeatRule(rule, later, [{ ...clash, severity: { killed: 5, injured: 0 } }])).not.toBeNull();
    expect(evaluateNearRepeatRule(rule, first, [first])).toBeNull();
    expect(evaluateNearRepeatRule(rule, first, [{ ...first, occurredAt: '2024-02-28T10:00:00.000Z' }])).toBeNull(); // its own id, earlier
    expect(evaluateNearRepeatRule(rule, first, [{ ...later, id: 'future', category: 'TI.BOMB' }])).toBeNull();
  });
  it('expected = serious events in the same disc over the previous year, scaled to the window', () => {
    const old = [40, 100, 200, 300].map((d, k) => inc({ id: `old${k}`, category: 'TI.BOMB', occurredAt: new Date(Date.parse('2024-03-01T00:00:00.000Z') - d * 86_400_000).toISOString() }));
    const now = inc({ id: 'now', occurredAt: '2024-03-02T00:00:00.000Z' });
    const c = evaluateNearRepeatRule(rule, now, [first, ...old]);
    // 1 in the 14-day window (first), 4 in the 365 days before it: expected 4 * 14 / 365
    expect(c?.explanation.count).toBe(1);
    expect(c?.explanation.expected).toBeCloseTo((4 * 14) / 365, 12);
    expect(evaluateNearRepeatRule({ ...rule, minimumPrior: 2 }, now, [first, ...old])).toBeNull();
  });
  it('equals the rule computed plainly (haversine for every earlier serious event), neighbours at the distance in latitude included (property, fixed seed)', () => {
    // The rule skips neighbours whose latitude alone puts them out of reach before the haversine:
    // this reference does not, so a skip that dropped an event within the distance would show.
    const center = { lat: 30.19, lon: 67.0 };
    const degreesPerKm = 1 / (EARTH_RADIUS_KM * (Math.PI / 180));
    const t0 = Date.parse('2024-03-01T00:00:00.000Z');
    const neighbour = fc.record({
      // latitude offsets spread over +-2 distances, half of them within a few ulps of exactly one distance away
      dLatKm: fc.oneof(fc.integer({ min: -20_000, max: 20_000 }).map((m) => m / 1000), fc.constantFrom(-10, -3, 3, 10).chain((d) => fc.integer({ min: -4, max: 4 }).map((u) => d + u * 1e-12))),
      dLonKm: fc.oneof(fc.constant(0), fc.integer({ min: -12_000, max: 12_000 }).map((m) => m / 1000)),
      daysBefore: fc.oneof(fc.integer({ min: -2 * 1440, max: 20 * 1440 }), fc.integer({ min: -2 * 1440, max: 400 * 1440 })).map((minutes) => minutes / 1440), killed: fc.integer({ min: 0, max: 8 }),
      category: fc.constantFrom('TI.BOMB' as const, 'TI.CLASH' as const, 'TI.SUICIDE' as const),
    });
    const rules: NearRepeatRule[] = [rule, { ...rule, id: 'nr-3km', distanceKm: 3, days: 7, minimumKilled: 2, baselineDays: 100 }];
    let fired = 0, atTheEdge = 0;
    fc.assert(fc.property(fc.array(neighbour, { maxLength: 40 }), fc.constantFrom(...rules), (ns, r) => {
      const history = ns.map((n, k) => inc({
        id: `h${k}`, category: n.category, killed: n.killed, occurredAt: new Date(t0 - n.daysBefore * 86_400_000).toISOString(),
        lat: center.lat + n.dLatKm * degreesPerKm, lon: center.lon + (n.dLonKm * degreesPerKm) / Math.cos((center.lat * Math.PI) / 180),
      }));
      const now = inc({ id: 'now', occurredAt: new Date(t0).toISOString(), lat: center.lat, lon: center.lon });
      let count = 0, background = 0, nearest: { id: string; km: number } | undefined;
      const windowMs = r.days * 86_400_000, baselineMs = (r.baselineDays ?? 365) * 86_400_000;
      for (const h of history) {
        const dt = t0 - Date.parse(h.occurredAt);
        const km = haversineDistanceKm(center.lat, center.lon, h.location.lat!, h.location.lon!);
        if (!(dt > 0) || dt > windowMs + baselineMs || !isSerious(h, r.minimumKilled ?? 5) || km > r.distanceKm) continue;
        if (Math.abs(h.location.lat! - center.lat) > (r.distanceKm - 1e-9) * degreesPerKm) atTheEdge++; // in reach, a distance away in latitude
        if (dt > windowMs) { background++; continue; }
        count++;
        if (nearest === undefined || km < nearest.km) nearest = { id: h.id, km };
      }
      const got = evaluateNearRepeatRule(r, now, history);
      if (count === 0) { expect(got).toBeNull(); return; }
      fired++;
      expect(got?.explanation.count).toBe(count);
      expect(got?.explanation.expected).toBe(background * (windowMs / baselineMs));
      expect(got?.dedupKey).toBe(`${r.id}|Quetta|${nearest!.id}`);
    }), { seed: 20261127, numRuns: 400 });
    expect(fired).toBeGreaterThan(100);
    expect(atTheEdge).toBeGreaterThan(20);
  });
});

describe('spike rule (wraps evaluateSeries)', () => {
  const rule: SpikeRule = { kind: 'spike', id: 'spike-weekly', severity: 'medium', lookbackPeriods: 20 };
  // weekly periods from Monday 1970-01-05: 2024-03-04 is a Monday
  const week = (w: number, d = 0): string => new Date(Date.parse('2024-03-04T00:00:00.000Z') + (w * 7 + d) * 86_400_000 + 3_600_000).toISOString();
  const history = [-10, -9, -8, -6, -5, -3, -2].map((w, k) => inc({ id: `h${k}`, occurredAt: week(w) }));
  it('fires when the current week crosses the EARS C2 bound, with the same count/expected/threshold as evaluateSeries', () => {
    const thisWeek = [0, 1, 2].map((d) => inc({ id: `w${d}`, occurredAt: week(0, d) }));
    expect(evaluateSpikeRule(rule, thisWeek[0]!, history)).toBeNull(); // count 1 < minimum count 2
    const c = evaluateSpikeRule(rule, thisWeek[2]!, [...history, thisWeek[0]!, thisWeek[1]!]);
    expect(c).not.toBeNull();
    const series = new Float64Array(20);
    for (const w of [-10, -9, -8, -6, -5, -3, -2]) series[19 + w] = 1;
    series[19] = 3;
    const e = evaluateSeries(series, { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } });
    const last = e.steps[19]!;
    expect(last.alarm).toBe(true);
    expect(c!.explanation).toMatchObject({ count: 3, expected: last.expected, threshold: last.threshold });
    expect(c!.dedupKey).toBe("spike-weekly|Quetta|terrorism");
    expect(c!.suppressionMinutes).toBe(7 * 1440);
  });
  it('other districts and groups do not count; no district, no evaluation', () => {
    const other = [0, 1].map((d) => inc({ id: `o${d}`, occurredAt: week(0, d), district: 'Kech' }));
    const crime = [0, 1].map((d) => inc({ id: `c${d}`, occurredAt: week(0, d), category: 'CR.MURDER' }));
    expect(evaluateSpikeRule(rule, inc({ id: 'x', occurredAt: week(0, 2) }), [...history, ...other, ...crime])).toBeNull();
    expect(evaluateSpikeRule(rule, inc({ id: 'y', occurredAt: week(0, 2), district: undefined }), history)).toBeNull();
    expect(evaluateSpikeRule({ ...rule, groups: ['crime'] }, inc({ id: 'z', occurredAt: week(0, 2) }), history)).toBeNull();
  });
});

describe('spike rule on counts = evaluateSeries\' last step (the minimum-count shortcut changes no answer)', () => {
  it('random series, detectors and minimum counts (fixed seed)', () => {
    const x = inc({ id: 'x', occurredAt: '2024-03-05T10:00:00.000Z' });
    const detectors = [
      { kind: 'ears', options: { method: 'C1', minSigma: 0.5 } }, { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } },
      { kind: 'ears', options: { method: 'C3', minSigma: 1 } }, { kind: 'cusum' }, { kind: 'window-scan', options: { h: 2 } },
    ] as const;
    let firing = 0, atTheMinimum = 0;
    fc.assert(fc.property(
      fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 30, maxLength: 30 }), fc.integer({ min: 0, max: 6 }), fc.constantFrom(...detectors), fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      (counts, current, detector, minimumCount) => {
        const rule: SpikeRule = { kind: 'spike', id: 's', severity: 'medium', lookbackPeriods: 30, detector, ...(minimumCount === undefined ? {} : { minimumCount }) };
        const p = Math.floor((Date.parse(x.occurredAt) - Date.parse('1970-01-05T00:00:00.000Z')) / (7 * 86_400_000));
        const countOf = (q: number) => (q === p ? current : counts[q - p + 29] ?? 0);
        const got = evaluateSpikeRuleOnCounts(rule, x, countOf);
        // the reference: evaluateSeries over the same series, its last step
        const series = Float64Array.from({ length: 30 }, (_, k) => countOf(p - 29 + k) + (k === 29 ? 1 : 0));
        const last = evaluateSeries(series, detector, minimumCount === undefined ? {} : { minimumCount }).steps[29]!;
        const fires = last.alarm && Number.isFinite(last.expected) && Number.isFinite(last.threshold);
        expect(got !== null).toBe(fires);
        if (got !== null) expect(got.explanation).toMatchObject({ count: last.explanation.count, expected: last.expected, threshold: last.threshold });
        if (fires) firing++;
        if (fires && last.explanation.count === (minimumCount ?? 2)) atTheMinimum++;
      },
    ), { seed: 2026, numRuns: 400 });
    // the draws include alarms, some exactly at the minimum count (where the shortcut's edge lies)
    expect(firing).toBeGreaterThan(20);
    expect(atTheMinimum).toBeGreaterThan(5);
  });
  it('an invalid minimum count still fails (evaluateSeries rejects it)', () => {
    const x = inc({ id: 'x', occurredAt: '2024-03-05T10:00:00.000Z' });
    expect(() => evaluateSpikeRuleOnCounts({ kind: 'spike', id: 's', severity: 'medium', minimumCount: -1 }, x, () => 0)).toThrow();
  });
});

describe('rule engine', () => {
  it('parses a rule set and evaluates an incident against all rules', () => {
    const rs = parseRuleSet([
      { kind: 'category', id: 'suicide', severity: 'critical', categories: ['TI.SUICIDE'] },
      { kind: 'category', id: 'cantt', severity: 'high', categories: ['TI.SUICIDE', 'TI.BOMB'], zoneIds: ['cantt'] },
      { kind: 'near-repeat', id: 'nr', severity: 'high', distanceKm: 10, days: 14 },
      { kind: 'spike', id: 'sp', severity: 'medium', detector: { kind: 'ears', options: { method: 'C3', minSigma: 1 } } },
    ], zones);
    expect(rs.ok).toBe(true);
    if (!rs.ok) return;
    const prior = inc({ id: 'p', category: 'TI.BOMB', occurredAt: '2024-03-01T00:00:00.000Z' });
    const cs = evaluateIncident(inc({ id: 'q', category: 'TI.SUICIDE', occurredAt: '2024-03-02T00:00:00.000Z', lat: 30.2, lon: 67.0 }), [prior], rs.value);
    expect(cs.map((c) => c.ruleId)).toEqual(['suicide', 'cantt', 'nr']);
  });
  it('bad rules -> errors naming the rule index and field', () => {
    const r = parseRuleSet([
      { kind: 'category', id: 'a', severity: 'urgent', categories: ['TI.SUICIDE'] },
      { kind: 'category', id: 'b', severity: 'low' },
      { kind: 'near-repeat', id: 'c', severity: 'low', distanceKm: -1, days: 3 },
      { kind: 'category', id: 'd', severity: 'low', categories: ['TI.NOPE'] },
      { kind: 'category', id: 'e', severity: 'low', categories: ['TI.BOMB'], zoneIds: ['nowhere'] },
      { kind: 'spike', id: 'f', severity: 'low', perodDays: 7 },
      { kind: 'category', id: 'e', severity: 'low', categories: ['TI.BOMB'] },
    ], zones);
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.error.map((i) => i.field);
    for (const f of ['rules[0].severity', 'rules[1].categories', 'rules[2].distanceKm', 'rules[3].categories.0', 'rules[4].zoneIds', 'rules[5]', 'rules[6].id']) expect(fields).toContain(f);
    expect(parseRuleSet('x', zones).ok).toBe(false);
  });
});

describe('rule engine accepts a full consolidated Incident', () => {
  it('an Incident from the domain schema is a MonitorIncident', () => {
    const full: Incident = {
      id: 'inc-1', occurredAt: '2024-03-01T10:00:00.000Z', timePrecision: 'exact',
      location: { lat: 30.2, lon: 67.0, precision: 'exact', district: 'Quetta' },
      category: 'TI.SUICIDE', severity: { killed: 3, injured: 10, abducted: 0 },
      classification: 'RESTRICTED', reportingMode: 'public',
      sources: [{ agency: 'police', sourceId: '1', receivedAt: '2024-03-01T10:05:00.000Z', format: 'csv', raw: '' }], links: [],
    };
    const cs = evaluateIncident(full, [], { rules: [{ kind: 'category', id: 's', severity: 'critical', categories: ['TI.SUICIDE'] }], zones: [] });
    expect(cs.map((c) => [c.ruleId, c.district, c.incidentId])).toEqual([['s', 'Quetta', 'inc-1']]);
  });
});
