import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/domain/index.js';
import { linkBatch, reviseWeakLinks, type StoredIncidentReports } from '../../src/link/index.js';
import { north, report } from './helpers.js';

const Q = { lat: 30.18, lon: 66.98, district: 'Quetta' };
const T0 = Date.parse('2024-03-01T10:00:00Z');
const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();

// Police knew an armed assault in Quetta; Levies reported a bombing in Quetta that day (district only):
// the police incident was its only compatible one, so it joined by district-unique-group.
const police = report({ agency: 'police', id: 'P1', at: at(0), ...Q, category: 'TI.ASSAULT' });
const levies = report({ agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Quetta', category: 'TI.BOMB' });
const stored = (): StoredIncidentReports => {
  const plan = linkBatch([police, levies], []);
  expect(plan.newIncidents).toHaveLength(1);
  expect(plan.newIncidents[0]!.links[0]!.rule).toBe('district-unique-group');
  return { incidentId: plan.newIncidents[0]!.id, reports: plan.newIncidents[0]!.reports };
};
/** A later file's batch, linked against nothing stored that matches it, as new incidents. */
const arrivedOf = (reports: Report[]) => linkBatch(reports, []).newIncidents;

describe('reviseWeakLinks: re-deciding weak links when later feeds arrive', () => {
  it('moves a weak member to an arrived incident it matches under a strong rule, with that link', () => {
    const s = stored();
    // FC reports the bombing 10 km from the police assault, the same day
    const arrived = arrivedOf([report({ agency: 'fc', id: 'F1', at: at(1), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' })]);
    const moves = reviseWeakLinks(arrived, [s]);
    expect(moves).toEqual([{
      fromIncidentId: s.incidentId, sourceKey: 'levies:L1', report: levies, toNewIncidentId: arrived[0]!.id,
      link: { a: 'fc:F1', b: 'levies:L1', rule: 'district-day-same-code', hoursApart: 0 },
    }]);
  });

  it('detaches a weak member once another incident is compatible and nothing strong claims it (unless told not to)', () => {
    const s = stored();
    // Rescue 1122 reports a targeted killing (another code of the group) in Quetta that day
    const arrived = arrivedOf([report({ agency: 'rescue1122', id: 'R1', at: at(1), ...Q, lat: north(Q.lat, 10), category: 'TI.TARGETED' })]);
    expect(reviseWeakLinks(arrived, [s])).toEqual([{ fromIncidentId: s.incidentId, sourceKey: 'levies:L1', report: levies }]);
    expect(reviseWeakLinks(arrived, [s], { maxDistanceKm: 2, maxHours: 6, detachWeakLinks: false })).toEqual([]);
  });

  it('keeps the link when the arrival is elsewhere, on another day, or of another group', () => {
    const s = stored();
    const others = arrivedOf([
      report({ agency: 'fc', id: 'F1', at: at(1), lat: 29.5, lon: 67.9, district: 'Kachhi', category: 'TI.BOMB' }),
      report({ agency: 'fc', id: 'F2', at: at(72), ...Q, category: 'TI.BOMB' }),
      report({ agency: 'fc', id: 'F3', at: at(1), ...Q, lat: north(Q.lat, 10), category: 'CR.THEFT' }),
    ]);
    expect(others).toHaveLength(3);
    expect(reviseWeakLinks(others, [s])).toEqual([]);
  });

  it('an arrived incident takes at most one report per agency, and never one of an agency it holds', () => {
    const s = stored();
    const holdsLevies = arrivedOf([
      report({ agency: 'fc', id: 'F1', at: at(1), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' }),
      report({ agency: 'levies', id: 'L9', at: at(1), ...Q, lat: north(Q.lat, 10.2), category: 'TI.BOMB' }),
    ]);
    expect(holdsLevies).toHaveLength(1);
    // it is compatible (so the police incident was not the only one), but its levies slot is taken
    expect(reviseWeakLinks(holdsLevies, [s])).toEqual([{ fromIncidentId: s.incidentId, sourceKey: 'levies:L1', report: levies }]);
  });

  it('a strong coarse member moves only to a strictly better match', () => {
    // levies district-only, same code as the police point but 5 h apart (district-time)
    const p = report({ agency: 'police', id: 'P1', at: at(0), ...Q, category: 'TI.BOMB' });
    const l = report({ agency: 'levies', id: 'L1', at: at(5), district: 'Quetta', category: 'TI.BOMB' });
    const plan = linkBatch([p, l], []);
    expect(plan.newIncidents[0]!.links[0]!.rule).toBe('district-time');
    const s = { incidentId: plan.newIncidents[0]!.id, reports: plan.newIncidents[0]!.reports };
    const closer = arrivedOf([report({ agency: 'fc', id: 'F1', at: at(5), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' })]);
    const sameGap = arrivedOf([report({ agency: 'fc', id: 'F2', at: at(10), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' })]);
    expect(reviseWeakLinks(closer, [s]).map((m) => [m.sourceKey, m.toNewIncidentId, m.link?.rule])).toEqual([['levies:L1', closer[0]!.id, 'district-time']]);
    expect(reviseWeakLinks(sameGap, [s])).toEqual([]);
    expect(reviseWeakLinks(closer, [s], { maxDistanceKm: 2, maxHours: 6, reviseCoarseLinks: false })).toEqual([]);
  });

  it('does not depend on the order of its inputs (fast-check, fixed seed)', () => {
    const s = stored();
    const p2 = report({ agency: 'police', id: 'P2', at: at(2), ...Q, lat: north(Q.lat, 20), category: 'TI.ASSAULT' });
    const l2 = report({ agency: 'levies', id: 'L2', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Quetta', category: 'TI.BOMB' });
    const s2: StoredIncidentReports = { incidentId: 'inc_s2', reports: [p2, l2] };
    const arrived = arrivedOf([
      report({ agency: 'fc', id: 'F1', at: at(1), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' }),
      report({ agency: 'ctd', id: 'C1', at: at(3), ...Q, lat: north(Q.lat, 40), category: 'TI.BOMB' }),
    ]);
    const expected = reviseWeakLinks(arrived, [s, s2]);
    // both levies reports find a strong match, each arrived incident takes one of them
    expect(expected.map((m) => m.toNewIncidentId).sort()).toEqual(arrived.map((n) => n.id).sort());
    fc.assert(fc.property(fc.shuffledSubarray(arrived, { minLength: 2 }), fc.shuffledSubarray([s, s2], { minLength: 2 }), (a, st) => {
      expect(reviseWeakLinks(a, st)).toEqual(expected);
    }), { seed: 20240601, numRuns: 50 });
  });
});
