import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haversineDistanceKm, scoreLinking } from '../../src/link/index.js';

interface Ref {
  radiusKm: number;
  distances: { lat1: number; lon1: number; lat2: number; lon2: number; km: number }[];
  pairwise: { truth: Record<string, string>; predicted: Record<string, string>; precision: number; recall: number; predictedPairs: number; truePairs: number; correctPairs: number }[];
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/linking-haversine-pairwise.json', import.meta.url), 'utf8')) as Ref;

describe('haversineDistanceKm against the spherical Vincenty formula (Python reference)', () => {
  it('agrees within 1e-9 relative (and 1e-9 km absolute) on every reference pair', () => {
    for (const d of ref.distances) {
      const km = haversineDistanceKm(d.lat1, d.lon1, d.lat2, d.lon2);
      expect(Math.abs(km - d.km)).toBeLessThanOrEqual(1e-9 * Math.max(1, d.km));
    }
  });
});

describe('scoreLinking against brute-force pair enumeration (Python reference)', () => {
  it('reproduces counts exactly and proportions to 1e-12', () => {
    for (const c of ref.pairwise) {
      const s = scoreLinking(new Map(Object.entries(c.predicted)), new Map(Object.entries(c.truth)));
      expect([s.predictedPairs, s.truePairs, s.correctPairs]).toEqual([c.predictedPairs, c.truePairs, c.correctPairs]);
      expect(s.precision).toBeCloseTo(c.precision, 12);
      expect(s.recall).toBeCloseTo(c.recall, 12);
    }
  });

  it('perfect linking scores 1; a linking of singletons has recall 0 and says precision is vacuous', () => {
    const truth = new Map([['a:1', 'T1'], ['b:1', 'T1'], ['c:1', 'T2'], ['d:1', 'T2']]);
    const perfect = scoreLinking(new Map([['a:1', 'X'], ['b:1', 'X'], ['c:1', 'Y'], ['d:1', 'Y']]), truth);
    expect([perfect.precision, perfect.recall, perfect.f1]).toEqual([1, 1, 1]);
    const singles = scoreLinking(new Map([['a:1', 'A'], ['b:1', 'B'], ['c:1', 'C'], ['d:1', 'D']]), truth);
    expect(singles.recall).toBe(0);
    expect(singles.precision).toBe(1);
    expect(singles.caveats.map((c) => c.code)).toContain('SCORE_NO_PREDICTED_PAIRS');
  });

  it('scores only keys present in both and counts the others', () => {
    const s = scoreLinking(new Map([['a:1', 'X'], ['b:1', 'X'], ['z:9', 'X']]), new Map([['a:1', 'T'], ['b:1', 'T'], ['q:1', 'T']]));
    expect(s.reports).toBe(2);
    expect(s.precision).toBe(1);
    expect(s.caveats.find((c) => c.code === 'SCORE_UNMATCHED_KEYS')?.count).toBe(2);
  });
});
