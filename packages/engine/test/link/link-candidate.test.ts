import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sourceKey, type Report } from '../../src/domain/index.js';
import { attachToLinkCandidate, linkBatch, linkCandidateOf } from '../../src/link/index.js';
import { north, report } from './helpers.js';

const Q = { lat: 30.18, lon: 66.98, district: 'Quetta' };
const T0 = Date.parse('2024-03-01T10:00:00Z');
const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
const withCasualties = (r: Report, killed: number): Report => ({ ...r, severity: { killed, injured: 0, abducted: 0 } });

const reportArb = (i: number) => fc.record({
  agency: fc.constantFrom('police', 'levies', 'fc'),
  hours: fc.integer({ min: 0, max: 12 }),
  timePrecision: fc.constantFrom('exact', 'day', 'month'),
  precision: fc.constantFrom('exact', 'near', 'district', 'province'),
  km: fc.integer({ min: 0, max: 3 }),
  killed: fc.nat(4),
}).map((s) => withCasualties(report({
  agency: s.agency, id: `r${i}`, at: at(s.hours), timePrecision: s.timePrecision as Report['timePrecision'],
  precision: s.precision as Report['location']['precision'],
  ...(s.precision === 'exact' || s.precision === 'near' ? { lat: north(Q.lat, s.km), lon: Q.lon } : {}),
  district: Q.district,
}), s.killed));
const reportsArb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => reportArb(i))));

describe('linkCandidateOf: what a stored incident offers to later batches', () => {
  it('takes the most precise report as anchor, with its key, casualties and fields; agencies sorted', () => {
    const district = withCasualties(report({ agency: 'police', id: 'p1', at: at(0), district: 'Quetta' }), 3);
    const point = withCasualties(report({ agency: 'levies', id: 'l1', at: at(2), lat: Q.lat, lon: Q.lon, district: 'Quetta' }), 1);
    const c = linkCandidateOf('inc_x', [district, point]);
    expect(c).toEqual({
      incidentId: 'inc_x', time: Date.parse(at(2)), timePrecision: 'exact', lat: Q.lat, lon: Q.lon, locationPrecision: 'exact', district: 'Quetta',
      category: 'TI.BOMB', agencies: ['levies', 'police'], anchorKey: 'levies:l1', casualties: 1,
    });
    expect(() => linkCandidateOf('inc_y', [])).toThrow(/reports/);
  });

  it('attachToLinkCandidate(linkCandidateOf(A), B) = linkCandidateOf(A then B) (fast-check, fixed seed)', () => {
    fc.assert(fc.property(reportsArb, fc.nat(8), (reports, cut) => {
      const k = Math.min(Math.max(1, cut), reports.length);
      const a = reports.slice(0, k), b = reports.slice(k);
      expect(attachToLinkCandidate(linkCandidateOf('inc_1', a), b)).toEqual(linkCandidateOf('inc_1', reports));
    }), { seed: 20261127, numRuns: 300 });
  });

  it('the anchor does not depend on the order of the reports (fast-check, fixed seed)', () => {
    fc.assert(fc.property(reportsArb, (reports) => {
      expect(linkCandidateOf('inc_1', [...reports].reverse())).toEqual(linkCandidateOf('inc_1', reports));
    }), { seed: 20261128, numRuns: 300 });
  });

  it('a later batch links to the anchor report by its key, and casualties break a tie between two stored district incidents', () => {
    // two stored district-only incidents of the same code, district and day: only casualties tell them apart
    const s1 = withCasualties(report({ agency: 'police', id: 'p1', at: at(0), timePrecision: 'day', district: 'Quetta' }), 0);
    const s2 = withCasualties(report({ agency: 'police', id: 'p2', at: at(0), timePrecision: 'day', district: 'Quetta' }), 5);
    const incoming = withCasualties(report({ agency: 'levies', id: 'l1', at: at(1), timePrecision: 'day', district: 'Quetta' }), 5);
    const cands = [linkCandidateOf('inc_a', [s1]), linkCandidateOf('inc_b', [s2])];
    const plan = linkBatch([incoming], cands);
    expect(plan.attachments.map((a) => a.incidentId)).toEqual(['inc_b']);
    expect(plan.attachments[0]!.links[0]!.a).toBe(sourceKey(s2.source));
    // without casualties (a candidate from before this field) the two tie and nothing is linked
    const bare = cands.map(({ casualties: _c, anchorKey: _k, ...rest }) => rest);
    const tied = linkBatch([incoming], bare);
    expect(tied.attachments).toEqual([]);
    expect(tied.caveats.map((c) => c.code)).toContain('LINK_AMBIGUOUS');
  });
});
