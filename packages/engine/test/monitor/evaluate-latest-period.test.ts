import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLatestPeriod } from '../../src/monitor/evaluate-latest-period.js';
import { evaluateSeries, type Detector, type EvaluateSeriesOptions } from '../../src/monitor/evaluate-series.js';
import { seriesById } from './reference.js';

/** evaluateSeries' last step, or the error it throws (message), beside the same from evaluateLatestPeriod. */
let degenerateEarlierFits = 0;

function both(series: number[], detector: Detector, options: EvaluateSeriesOptions): { full: unknown; latest: unknown } {
  const run = (f: () => unknown): unknown => {
    try { return f(); } catch (e) { return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) }; }
  };
  const full = run(() => {
    const r = evaluateSeries(series, detector, options);
    return { detector: r.detector, firstIndex: r.firstIndex, step: r.steps[series.length - 1] };
  });
  const latest = run(() => evaluateLatestPeriod(series, detector, options));
  const n = series.length;
  if (detector.kind === 'farrington' && (full as { error?: string }).error !== undefined && (latest as { error?: string }).error === undefined) {
    // An earlier period's degenerate fit (a baseline point of leverage 1 gets reweighting weight 0,
    // which the GLM rejects) stops evaluateSeries, not the latest period: compare with evaluateSeries
    // asked for the last period only (firstIndex n - 1), which must then succeed.
    const only = evaluateSeries(series, { kind: 'farrington', options: { ...detector.options, firstIndex: n - 1 } }, options);
    degenerateEarlierFits++;
    return { full: only.steps[n - 1], latest: (latest as { step: unknown }).step };
  }
  return { full, latest };
}

// (fc.record with requiredKeys [] leaves each option out at random: the detector's default.)
// Series: quiet, sparse, bursty (outbreaks injected), all zero, and non-integer, of `min` to 90
// periods; half of them end in a surge (the live rule's case: the event's period is busy), so that
// alarms are common.
function seriesOf(min: number): fc.Arbitrary<number[]> {
  const sparse = fc.array(fc.constantFrom(0, 0, 0, 0, 1, 1, 2, 3), { minLength: min, maxLength: 90 });
  const bursty = fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: min, maxLength: 90 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 3, max: 25 })), { maxLength: 6 }))
    .map(([y, bursts]) => { const out = y.slice(); for (const [at, size] of bursts) if (out.length > 0) out[at % out.length]! += size; return out; });
  const zeros = fc.integer({ min, max: 90 }).map((n) => new Array<number>(n).fill(0));
  const real = fc.array(fc.double({ min: 0, max: 12, noNaN: true }), { minLength: min, maxLength: 90 });
  return fc.tuple(fc.oneof(sparse, bursty, bursty, zeros, real), fc.option(fc.integer({ min: 2, max: 20 }), { nil: undefined }))
    .map(([y, surge]) => (surge === undefined || y.length === 0 ? y : [...y.slice(0, -1), y[y.length - 1]! + surge]));
}

const minimum = fc.record({ minimumCount: fc.constantFrom(0, 1, 2, 3), severe: fc.boolean() }, { requiredKeys: [] });

const ears: fc.Arbitrary<Detector> = fc.record({
  method: fc.constantFrom('C1' as const, 'C2' as const, 'C3' as const), baseline: fc.integer({ min: 3, max: 10 }),
  minSigma: fc.constantFrom(0, 0.5, 1), alpha: fc.constantFrom(0.001, 0.025, 0.2),
}, { requiredKeys: [] }).map((options) => ({ kind: 'ears', options }));

// Short seasons (freq 4-13, b 1-3) so that the full evaluation stays quick; populations positive.
const farrington: fc.Arbitrary<Detector> = fc.record({
  freq: fc.integer({ min: 4, max: 13 }), b: fc.integer({ min: 1, max: 3 }), w: fc.integer({ min: 0, max: 1 }),
  reweight: fc.boolean(), weightsThreshold: fc.constantFrom(1, 2.58), alpha: fc.constantFrom(0.01, 0.05, 0.2),
  trend: fc.boolean(), pThresholdTrend: fc.constantFrom(0.05, 1), limit54: fc.constantFrom([5, 4] as const, [0, 4] as const, [1, 2] as const),
  powertrans: fc.constantFrom('2/3' as const, '1/2' as const, 'none' as const), noPeriods: fc.constantFrom(1, 2, 3),
  pastWeeksNotIncluded: fc.integer({ min: 0, max: 3 }), thresholdMethod: fc.constantFrom('delta' as const, 'nbPlugin' as const, 'muan' as const),
  predictionDispersion: fc.constantFrom('surveillance' as const, 'pearson' as const), extraFirst: fc.integer({ min: 0, max: 5 }),
  population: fc.array(fc.integer({ min: 1000, max: 5000 }), { minLength: 90, maxLength: 90 }),
}, { requiredKeys: ['freq', 'b', 'w', 'extraFirst'] }).map(({ extraFirst, population, ...o }) => ({
  kind: 'farrington',
  options: { ...o, firstIndex: o.freq * o.b + o.w + extraFirst, ...(population === undefined ? {} : { populationOffset: true, population }) },
}));

const cusum: fc.Arbitrary<Detector> = fc.record({
  mu0: fc.oneof(fc.constantFrom(0.2, 1, 3), fc.array(fc.double({ min: 0.05, max: 4, noNaN: true }), { minLength: 90, maxLength: 90 })),
  ratio: fc.constantFrom(1.5, 2, 3), mu1: fc.constantFrom(0.5, 2, 6), h: fc.constantFrom(1, 2.5, 5),
  reset: fc.constantFrom('zero' as const, 'fir' as const, 'none' as const), start: fc.constantFrom(0, 1),
  window: fc.integer({ min: 1, max: 60 }), gap: fc.integer({ min: 0, max: 5 }), minimumMean: fc.constantFrom(0.05, 0.5),
}, { requiredKeys: [] }).map((options) => ({ kind: 'cusum', options }));

const windowScan: fc.Arbitrary<Detector> = fc.record({
  maxWindow: fc.integer({ min: 1, max: 4 }), baselineWeeks: fc.integer({ min: 8, max: 40 }), minimumBaselineWeeks: fc.integer({ min: 2, max: 8 }),
  h: fc.constantFrom(0.5, 1.5, 3, 4.6), downweightThreshold: fc.constantFrom(1, 2.58, Infinity),
  priorMean: fc.oneof(fc.constantFrom(0, 0.5, 2), fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 90, maxLength: 90 })),
  priorWeeks: fc.constantFrom(0, 4, 8), minimumExpected: fc.constantFrom(0.05, 0.5), restartAfterAlarm: fc.boolean(),
  censorAlarmedWindows: fc.boolean(), excludeOutbreakThreshold: fc.constantFrom(2, 5, Infinity), maxExcludedWindows: fc.integer({ min: 0, max: 2 }),
  excludeMinimumExcess: fc.constantFrom(0, 2), exclusionGate: fc.record({ h: fc.constantFrom(2, 4.6), weeks: fc.integer({ min: 1, max: 8 }), alarms: fc.integer({ min: 0, max: 2 }) }),
  halfLifeWeeks: fc.constantFrom(2, 6, Infinity),
}, { requiredKeys: [] }).map((options) => ({ kind: 'window-scan', options }));

/** Arrays of per-period values (mu0, priorMean, population) cut to the series' length, as a caller would give them. */
function fitted(detector: Detector, n: number): Detector {
  const cut = (v: unknown): unknown => (Array.isArray(v) ? v.slice(0, n) : v);
  const o = Object.fromEntries(Object.entries(detector.options ?? {}).map(([k, v]) => [k, cut(v)]));
  return { kind: detector.kind, options: o } as Detector;
}

describe('evaluateLatestPeriod = evaluateSeries\' last step (property, fixed seed)', () => {
  const check = (detectors: fc.Arbitrary<Detector>, seed: number, numRuns: number, series = seriesOf(0)) => {
    let evaluated = 0, alarms = 0, errors = 0;
    fc.assert(
      fc.property(series, detectors, minimum, (y, d, m) => {
        const { full, latest } = both(y, fitted(d, y.length), m);
        expect(latest).toEqual(full);
        const step = (full as { step?: { alarm: boolean } }).step;
        if (step !== undefined) evaluated++;
        if (step?.alarm === true) alarms++;
        if ((full as { error?: string }).error !== undefined) errors++;
      }),
      { seed, numRuns },
    );
    return { evaluated, alarms, errors };
  };

  // The counts below show that the property saw alarms, quiet steps and errors, not only one of them.
  it('EARS C1, C2, C3 (baseline, minSigma, alpha)', () => {
    const r = check(ears, 20261127, 1500);
    expect(r.evaluated).toBeGreaterThan(400);
    expect(r.alarms).toBeGreaterThan(50);
    expect(r.errors).toBeGreaterThan(50); // series too short
  });

  it('Farrington flexible (seasons, trend, reweighting, noPeriods, the three thresholds, population offset)', () => {
    const r = check(farrington, 20261128, 300, seriesOf(40));
    // 27 of the 300 had evaluateSeries throw; in 21 the error was an earlier period's (tiny seasonal baselines: b = 1)
    expect(degenerateEarlierFits).toBeGreaterThan(0);
    expect(r.evaluated).toBeGreaterThan(150);
    expect(r.alarms).toBeGreaterThan(20);
  });

  it('Poisson CUSUM (given mu0 or trailing mean, mu1 or ratio, h, the three resets, start)', () => {
    const r = check(cusum, 20261129, 1500);
    expect(r.evaluated).toBeGreaterThan(500);
    expect(r.alarms).toBeGreaterThan(50);
    expect(r.errors).toBeGreaterThan(20); // e.g. mu1 below mu0
  });

  it('negative-binomial window scan (restart, censoring, exclusion and its gate, half-life, prior)', () => {
    const r = check(windowScan, 20261130, 1500);
    expect(r.evaluated).toBeGreaterThan(500);
    expect(r.alarms).toBeGreaterThan(50);
  });

  it('the window scan with a low threshold, where alarms chain through the restart', () => {
    const chained = fc.record({ maxWindow: fc.integer({ min: 2, max: 4 }), h: fc.constantFrom(0.3, 0.8, 1.5) }).map((options) => ({ kind: 'window-scan', options }) as Detector);
    const r = check(chained, 20261131, 800);
    expect(r.alarms).toBeGreaterThan(100);
  });

  it('every prefix of UCDP Balochistan weekly series, with the spike rule\'s default and each detector\'s defaults', () => {
    const detectors: Detector[] = [
      { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } }, { kind: 'ears', options: { method: 'C3', minSigma: 0.5 } },
      { kind: 'cusum' }, { kind: 'window-scan' }, { kind: 'farrington', options: { b: 3, w: 3 } },
    ];
    let alarms = 0;
    for (const id of ['weekly:Kech:events', 'weekly:province:events']) {
      const y = seriesById(id).slice(0, 240);
      for (const d of detectors) {
        // Farrington's full evaluation is GLM fits per period: every 7th prefix is enough there.
        for (let n = 150; n <= y.length; n += d.kind === 'farrington' ? 7 : 1) {
          const { full, latest } = both(y.slice(0, n), d, {});
          expect(latest, `${id} ${d.kind} n ${n}`).toEqual(full);
          if ((full as { step?: { alarm: boolean } }).step?.alarm === true) alarms++;
        }
      }
    }
    expect(alarms).toBeGreaterThan(10);
  });
});
