import { describe, expect, it } from 'vitest';
import { runCountBacktestOnPanel } from '../../src/forecast/counts/count-backtest.js';
import { syntheticPanel } from './panel-fixtures.js';

describe('rolling-origin count backtest (smoke, synthetic panel)', () => {
  it('scores every district x origin x horizon whose target is observed, with finite scores', () => {
    const panel = syntheticPanel({ units: 6, periods: 60, seed: 21, theta: 1 });
    const origins = [54, 55, 56, 57, 58, 59];
    const r = runCountBacktestOnPanel(panel, { origins, horizons: [1, 2, 3], models: ['auto', 'negbin-glm', 'last-value-poisson', 'historical-mean-poisson', 'bootstrap-past-values'] });
    // targets o + h - 1 < 60: h=1: 6 origins, h=2: 5, h=3: 4 -> 15 origin-horizons x 6 districts.
    for (const m of r.models) {
      const s = r.overall[m]!;
      expect(s.cases).toBe(90);
      expect(r.byHorizon[m]![3]!.cases).toBe(24);
      for (const v of [s.meanCrps, s.meanLogScore, s.meanAbsoluteError, s.coverage50, s.coverage90, ...s.pit]) expect(Number.isFinite(v)).toBe(true);
      expect(s.coverage90).toBeGreaterThanOrEqual(s.coverage50);
      expect(s.pit.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 9);
    }
    const auto = r.autoChoices;
    expect(Object.values(auto[1] ?? {}).reduce((a, b) => a + (b ?? 0), 0)).toBe(6);
    // A regression value, not a reference: on this overdispersed synthetic panel the GLM must
    // beat the last-value benchmark in mean CRPS (the GLM knows each unit's level, the benchmark does not).
    expect(r.overall['auto']!.meanCrps).toBeLessThan(r.overall['last-value-poisson']!.meanCrps);
  });
});
