import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incidentIdFor, sourceKey } from '../../src/domain/index.js';
import type { LinkCandidate, LinkPlan, Report } from '../../src/domain/index.js';
import { clustersFromPlan, linkBatch } from '../../src/link/index.js';
import { north, report } from './helpers.js';

const Q = { lat: 30.18, lon: 66.98, district: 'Quetta' };
const T0 = '2024-03-01T10:00:00Z';
const plus = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();

/** Clusters as sorted lists of source keys, sorted: comparable across plans. */
function clusters(plan: LinkPlan): string[][] {
  const byId = new Map<string, string[]>();
  for (const [k, id] of clustersFromPlan(plan)) byId.set(id, [...(byId.get(id) ?? []), k]);
  return [...byId.values()].map((l) => l.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe('linkBatch rules', () => {
  it('links two agencies 1 km and 1 h apart, recording rule, distance and hours; the id derives from the anchor', () => {
    const a = report({ agency: 'police', id: 'P1', at: T0, ...Q });
    const b = report({ agency: 'fc', id: 'F1', at: plus(1), ...Q, lat: north(Q.lat, 1) });
    const plan = linkBatch([b, a], []);
    expect(plan.newIncidents).toHaveLength(1);
    const inc = plan.newIncidents[0]!;
    expect(inc.id).toBe(incidentIdFor('police:P1'));
    expect(inc.links).toHaveLength(1);
    expect(inc.links[0]!.rule).toBe('point-exact');
    expect(inc.links[0]!.a).toBe('police:P1');
    expect(inc.links[0]!.b).toBe('fc:F1');
    expect(inc.links[0]!.hoursApart).toBeCloseTo(1, 9);
    expect(inc.links[0]!.distanceKm).toBeCloseTo(1, 2);
  });

  it('never links two reports of the same agency, a different group, too far or too late', () => {
    const base = report({ agency: 'police', id: 'P1', at: T0, ...Q });
    const cases: [string, Report][] = [
      ['same agency', report({ agency: 'police', id: 'P2', at: plus(0.5), ...Q })],
      ['other group', report({ agency: 'fc', id: 'F1', at: plus(0.5), ...Q, category: 'CR.THEFT' })],
      ['2.5 km', report({ agency: 'fc', id: 'F2', at: plus(0.5), ...Q, lat: north(Q.lat, 2.5) })],
      ['7 hours', report({ agency: 'fc', id: 'F3', at: plus(7), ...Q })],
    ];
    for (const [why, other] of cases) expect(linkBatch([base, other], []).newIncidents, why).toHaveLength(2);
    // the boundary is inclusive: exactly 6 hours links
    expect(linkBatch([base, report({ agency: 'fc', id: 'F4', at: plus(6), ...Q })], []).newIncidents).toHaveLength(1);
  });

  it('a different code of the same group links, but a same-code match is preferred', () => {
    const a = report({ agency: 'police', id: 'P1', at: T0, ...Q, category: 'TI.ASSAULT' });
    const b = report({ agency: 'police', id: 'P2', at: T0, ...Q, lat: north(Q.lat, 0.3), category: 'TI.BOMB' });
    const c = report({ agency: 'fc', id: 'F1', at: plus(0.2), ...Q, lat: north(Q.lat, 0.1), category: 'TI.BOMB' });
    const plan = linkBatch([a, b, c], []);
    expect(clusters(plan)).toEqual([['fc:F1', 'police:P2'], ['police:P1']]);
  });

  it('widens the distance by 25 km for a near location', () => {
    const a = report({ agency: 'police', id: 'P1', at: T0, ...Q });
    const near = report({ agency: 'levies', id: 'L1', at: plus(2), ...Q, lat: north(Q.lat, 20), precision: 'near' });
    const far = report({ agency: 'levies', id: 'L2', at: plus(2), ...Q, lat: north(Q.lat, 30), precision: 'near' });
    const p1 = linkBatch([a, near], []);
    expect(p1.newIncidents).toHaveLength(1);
    expect(p1.newIncidents[0]!.links[0]!.rule).toBe('point-near');
    expect(linkBatch([a, far], []).newIncidents).toHaveLength(2);
  });

  it('a day-precision report matches any time of its local day within the window', () => {
    // 2024-03-01 in Pakistan time starts at 2024-02-29T19:00Z
    const day = report({ agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', ...Q, precision: 'near' });
    const lateEvening = report({ agency: 'police', id: 'P1', at: '2024-03-01T18:30:00Z', ...Q });
    const nextDayLate = report({ agency: 'fc', id: 'F1', at: '2024-03-02T02:00:00Z', ...Q });
    expect(linkBatch([day, lateEvening], []).newIncidents).toHaveLength(1);
    // 7 h after the end of the day: beyond the 6 h window
    expect(linkBatch([day, nextDayLate], []).newIncidents).toHaveLength(2);
  });

  it('month and year precision never link, and a caveat counts them', () => {
    const a = report({ agency: 'police', id: 'P1', at: '2024-03-01T00:00:00Z', ...Q });
    const m = report({ agency: 'fc', id: 'F1', at: '2024-03-01T00:00:00Z', timePrecision: 'month', ...Q });
    const plan = linkBatch([a, m], []);
    expect(plan.newIncidents).toHaveLength(2);
    expect(plan.caveats.map((c) => [c.code, c.count])).toEqual([['LINK_TIME_TOO_COARSE', 1]]);
  });

  it('district-only reports: the same code joins a point in the district; a different code only when it is the only candidate', () => {
    const p = report({ agency: 'police', id: 'P1', at: T0, ...Q, category: 'TI.BOMB' });
    const sameCode = report({ agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Quetta', category: 'TI.BOMB' });
    const otherCode = report({ agency: 'levies', id: 'L2', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Quetta', category: 'TI.ASSAULT' });
    const otherDistrict = report({ agency: 'levies', id: 'L3', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Pishin', category: 'TI.BOMB' });
    const exactTime = report({ agency: 'levies', id: 'L4', at: plus(4), district: 'Quetta', category: 'TI.BOMB' });
    expect(linkBatch([p, sameCode], []).newIncidents[0]!.links[0]!.rule).toBe('district-day-same-code');
    expect(linkBatch([p, exactTime], []).newIncidents[0]!.links[0]!.rule).toBe('district-time');
    expect(linkBatch([p, otherCode], []).newIncidents[0]!.links[0]!.rule).toBe('district-unique-group');
    expect(linkBatch([p, otherCode], [], { maxDistanceKm: 2, maxHours: 6, districtGroupFallback: false }).newIncidents).toHaveLength(2);
    expect(linkBatch([p, otherDistrict], []).newIncidents).toHaveLength(2);
    // a second terrorism incident in Quetta that day: the different-code report is no longer unique
    const p2 = report({ agency: 'police', id: 'P2', at: plus(3), ...Q, lat: north(Q.lat, 8), category: 'TI.TARGETED' });
    expect(linkBatch([p, p2, otherCode], []).newIncidents).toHaveLength(3);
  });

  it('a day-precision district report reaches its day +- maxHours, and casualty counts break ties', () => {
    const day = { agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day' as const, district: 'Quetta', category: 'CR.THEFT' as const };
    // 23:30Z is 04:30 local on 2 March: 4.5 h after the levies day ends, inside the 6 h window
    const late = report({ agency: 'police', id: 'P1', at: '2024-03-01T23:30:00Z', ...Q, category: 'CR.THEFT' });
    expect(linkBatch([report(day), late], []).newIncidents).toHaveLength(1);
    const a = report({ agency: 'police', id: 'P2', at: T0, ...Q, category: 'CR.THEFT' });
    const b = report({ agency: 'police', id: 'P3', at: plus(2), ...Q, lat: north(Q.lat, 9), category: 'CR.THEFT' });
    b.severity = { killed: 0, injured: 2, abducted: 0 };
    const l = report(day);
    l.severity = { killed: 0, injured: 2, abducted: 0 };
    expect(clusters(linkBatch([a, b, l], []))).toEqual([['levies:L1', 'police:P3'], ['police:P2']]);
  });

  it('two district-only reports link only with the same code on the same day', () => {
    const a = report({ agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Kalat', category: 'CR.THEFT' });
    const b = report({ agency: 'police', id: 'P1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Kalat', category: 'CR.THEFT' });
    const c = report({ agency: 'police', id: 'P2', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Kalat', category: 'CR.BURGLARY' });
    expect(linkBatch([a, b], []).newIncidents).toHaveLength(1);
    expect(linkBatch([a, c], []).newIncidents).toHaveLength(2);
  });

  it('does not link a district-level report that matches two incidents equally, and says so', () => {
    const p1 = report({ agency: 'police', id: 'P1', at: T0, ...Q, category: 'TI.BOMB' });
    const p2 = report({ agency: 'police', id: 'P2', at: plus(2), ...Q, lat: north(Q.lat, 10), category: 'TI.BOMB' });
    const l = report({ agency: 'levies', id: 'L1', at: '2024-02-29T19:00:00Z', timePrecision: 'day', district: 'Quetta', category: 'TI.BOMB' });
    const plan = linkBatch([p1, p2, l], []);
    expect(plan.newIncidents).toHaveLength(3);
    expect(plan.caveats.find((c) => c.code === 'LINK_AMBIGUOUS')?.count).toBe(1);
  });

  it('does not chain: A~B and B~C but C outside the windows of A makes two incidents', () => {
    const a = report({ agency: 'police', id: 'A', at: T0, ...Q });
    const b = report({ agency: 'fc', id: 'B', at: plus(5), ...Q, lat: north(Q.lat, 1.5) });
    const c = report({ agency: 'ctd', id: 'C', at: plus(10), ...Q, lat: north(Q.lat, 3) });
    expect(clusters(linkBatch([c, b, a], []))).toEqual([['ctd:C'], ['fc:B', 'police:A']]);
  });

  it('attaches to a stored incident unless it already holds a report of the agency', () => {
    const cand: LinkCandidate = { incidentId: 'inc_stored', time: Date.parse(T0), timePrecision: 'exact', lat: Q.lat, lon: Q.lon, locationPrecision: 'exact', district: 'Quetta', category: 'TI.BOMB', agencies: ['police'] };
    const fcReport = report({ agency: 'fc', id: 'F1', at: plus(1), ...Q });
    const policeReport = report({ agency: 'police', id: 'P9', at: plus(1), ...Q, lat: north(Q.lat, 0.2) });
    const plan = linkBatch([fcReport, policeReport], [cand]);
    expect(plan.attachments).toHaveLength(1);
    expect(plan.attachments[0]!.incidentId).toBe('inc_stored');
    expect(plan.attachments[0]!.reports.map((r) => r.source.sourceId)).toEqual(['F1']);
    expect(plan.attachments[0]!.links[0]!.a).toBe('inc_stored');
    // the police report cannot join the stored incident; it starts its own
    expect(plan.newIncidents.map((i) => i.id)).toEqual([incidentIdFor('police:P9')]);
  });

  it('a district-only stored incident takes a precise report as its anchor', () => {
    const cand: LinkCandidate = { incidentId: 'inc_d', time: Date.parse('2024-02-29T19:00:00Z'), timePrecision: 'day', lat: NaN, lon: NaN, locationPrecision: 'district', district: 'Quetta', category: 'TI.BOMB', agencies: ['levies'] };
    const p = report({ agency: 'police', id: 'P1', at: T0, ...Q });
    const f = report({ agency: 'fc', id: 'F1', at: plus(1), ...Q, lat: north(Q.lat, 1) });
    const plan = linkBatch([p, f], [cand]);
    expect(plan.newIncidents).toHaveLength(0);
    const att = plan.attachments[0]!;
    expect(att.incidentId).toBe('inc_d');
    expect(att.links.map((l) => [l.a, l.b, l.rule])).toEqual([
      ['inc_d', 'police:P1', 'district-day-same-code'],
      // fc is compared with the police point, not the district: a point rule
      ['police:P1', 'fc:F1', 'point-exact'],
    ]);
  });

  it('throws on a source key repeated in the batch and on negative rules', () => {
    const a = report({ agency: 'police', id: 'P1', at: T0, ...Q });
    expect(() => linkBatch([a, { ...a }], [])).toThrow(/police:P1/);
    expect(() => linkBatch([a], [], { maxDistanceKm: -1, maxHours: 6 })).toThrow(/maxDistanceKm/);
  });
});

describe('linkBatch invariants (fast-check, seed 20240601)', () => {
  const agencies = ['police', 'levies', 'fc', 'ctd', 'rescue1122'];
  const codes = ['TI.BOMB', 'TI.ASSAULT', 'CR.THEFT', 'CR.MURDER', 'PO.PROTEST'] as const;
  const arbReport = fc.record({
    agency: fc.constantFrom(...agencies),
    hours: fc.integer({ min: 0, max: 72 }),
    dy: fc.integer({ min: 0, max: 40 }),
    dx: fc.integer({ min: 0, max: 40 }),
    precision: fc.constantFrom('exact', 'exact', 'near', 'district', 'province'),
    timePrecision: fc.constantFrom('exact', 'exact', 'day', 'month'),
    district: fc.constantFrom('Quetta', 'Pishin'),
    code: fc.constantFrom(...codes),
  });
  type Drawn = typeof arbReport extends fc.Arbitrary<infer T> ? T : never;
  const toReports = (xs: Drawn[]) =>
    xs.map((x, i) => report({
      agency: x.agency, id: `R${i}`, at: plus(x.hours), timePrecision: x.timePrecision as 'exact',
      lat: Q.lat + x.dy * 0.005, lon: Q.lon + x.dx * 0.005, precision: x.precision as 'exact', district: x.district, category: x.code,
    }));

  it('every report appears exactly once, no incident holds two reports of one agency, and input order does not matter', () => {
    fc.assert(fc.property(fc.array(arbReport, { minLength: 1, maxLength: 60 }), fc.integer(), (xs, shuffleSeed) => {
      const reports = toReports(xs);
      const plan = linkBatch(reports, []);
      const keys = plan.newIncidents.flatMap((i) => i.reports.map((r) => sourceKey(r.source)));
      expect(keys.sort()).toEqual(reports.map((r) => sourceKey(r.source)).sort());
      for (const inc of plan.newIncidents) {
        const ag = inc.reports.map((r) => r.source.agency);
        expect(new Set(ag).size).toBe(ag.length);
        expect(inc.links).toHaveLength(inc.reports.length - 1);
      }
      // a deterministic shuffle from the drawn seed
      const shuffled = [...reports];
      let s = shuffleSeed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(clusters(linkBatch(shuffled, []))).toEqual(clusters(plan));
    }), { seed: 20240601, numRuns: 200 });
  });
});
