import { describe, expect, it } from 'vitest';
import { binnedLogScore, centralInterval, PitHistogram, randomisedPit } from '../../src/forecast/counts/count-forecast-scores.js';
import { empiricalDistribution, negativeBinomialDistribution, poissonDistribution } from '../../src/stats/count-distributions.js';
import { SeededRng, poisson } from '../../src/random/seeded-rng.js';
import { scoresRef } from './reference-fixtures.js';

describe('log score, intervals and PIT for count forecasts', () => {
  it('binned log score is -log2 of the probability of the outcome\'s bin', () => {
    const d = empiricalDistribution([0, 0, 1, 2, 4, 7]);
    expect(binnedLogScore(d, 0)).toBeCloseTo(-Math.log2(2 / 6), 12);
    expect(binnedLogScore(d, 2)).toBeCloseTo(-Math.log2(2 / 6), 12); // bin 1-2
    expect(binnedLogScore(d, 5)).toBeCloseTo(-Math.log2(1 / 6), 12); // bin 3-5
    expect(binnedLogScore(d, 30)).toBeCloseTo(-Math.log2(1e-6), 12); // floored
  });
  it('central 90% interval equals R qpois/qnbinom at 0.05 and 0.95 (counts-scores-reference.R)', () => {
    for (const c of scoresRef.cases) {
      const d = c.family === 'poisson' ? poissonDistribution(c.mean) : negativeBinomialDistribution(c.mean, c.theta!);
      expect(centralInterval(d, 0.9)).toEqual({ lower: c.q05 + 0, upper: c.q95 + 0 });
    }
  });
  it('PIT histograms of a calibrated forecast are flat; of a too-narrow one, U-shaped', () => {
    const rng = new SeededRng(17);
    const good = new PitHistogram(10), narrow = new PitHistogram(10);
    const rand: number[] = new Array(10).fill(0);
    for (let i = 0; i < 3000; i++) {
      const lambda = 0.2 + 4 * rng.next();
      const y = poisson(rng, lambda);
      const d = poissonDistribution(lambda);
      good.add(d, y);
      rand[Math.min(9, Math.floor(randomisedPit(d, y, rng) * 10))]! += 1;
      narrow.add(negativeBinomialDistribution(lambda, 1e6), poisson(rng, lambda * (rng.next() < 0.5 ? 0.3 : 2.5)));
    }
    for (const v of good.density()) expect(Math.abs(v - 1)).toBeLessThan(0.12);
    for (const v of rand) expect(Math.abs(v / 300 - 1)).toBeLessThan(0.2);
    const n = narrow.density();
    expect(n[0]! + n[9]!).toBeGreaterThan(3);
    expect(good.count).toBe(3000);
  });
});
