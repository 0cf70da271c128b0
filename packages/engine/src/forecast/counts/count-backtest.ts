/**
 * Rolling-origin backtest of district count forecasts: at every origin o, each model is fitted on
 * panel columns before o only and forecasts o + h - 1 for each horizon h; every district's
 * outcome is scored by CRPS, binned log score, absolute error of the predictive median, and
 * 50% / 90% interval coverage, and goes into a non-randomised PIT histogram.
 *
 * Answers: "over these years, which model's forecasts were closest to what happened, and were
 * they calibrated?" Means are over all district x origin x horizon cases that have an outcome.
 * Complexity: O(origins x horizons x models x one fit).
 * Reference: VIEWS prediction competition scoring (Hegre et al. 2022, "Forecasting fatalities",
 * and the 2023/24 competition rules): CRPS, ignorance score, interval coverage, benchmarks.
 */
import { BaseeratError } from '../../domain/errors.js';
import { InsufficientDataError } from '../../domain/errors.js';
import { crpsInteger } from '../../stats/crps.js';
import { distributionQuantile } from '../../stats/count-distributions.js';
import { binnedLogScore, centralInterval, PitHistogram } from './count-forecast-scores.js';
import { targetIsContiguous, type CountPanel } from './count-panel.js';
import { forecastDistrictCounts, SELECTED_MODEL, type CountModelName, type GlmModelName } from './district-count-model.js';

export interface CountScoreSummary {
  cases: number;
  meanCrps: number;
  meanLogScore: number;
  /** Absolute error of the predictive median. */
  meanAbsoluteError: number;
  coverage50: number;
  coverage90: number;
  /** Non-randomised PIT histogram, 10 bins, 1 = calibrated. */
  pit: number[];
}

export interface CountBacktestResult {
  origins: number[];
  horizons: number[];
  models: CountModelName[];
  /** Per model, all horizons pooled. */
  overall: Record<string, CountScoreSummary>;
  /** Per model and horizon. */
  byHorizon: Record<string, Record<number, CountScoreSummary>>;
  /** How often 'auto' chose each GLM, per horizon (only when 'auto' is among the models). */
  autoChoices: Record<number, Partial<Record<GlmModelName, number>>>;
  /** How often the recent-rate model chose each half-life ('Infinity' = all history), per horizon. */
  halfLifeChoices: Record<number, Record<string, number>>;
  /** How often 'backtest-selected' chose each candidate, per horizon (only when it is among the models). */
  selectionChoices: Record<number, Record<string, number>>;
  /** Origins at which a model could not be fitted (it is then not scored there), per model. */
  skipped: Record<string, number>;
  /** Origin x horizon cases not scored because a left-out (uncovered) period lies between origin and target. */
  acrossGap: number;
}

class Accumulator {
  n = 0; crps = 0; log = 0; ae = 0; c50 = 0; c90 = 0;
  pit = new PitHistogram(10);
  summary(): CountScoreSummary {
    const n = Math.max(1, this.n);
    return {
      cases: this.n, meanCrps: this.crps / n, meanLogScore: this.log / n, meanAbsoluteError: this.ae / n,
      coverage50: this.c50 / n, coverage90: this.c90 / n, pit: this.pit.density(),
    };
  }
}

export function runCountBacktestOnPanel(
  panel: CountPanel,
  opts: {
    origins: readonly number[]; horizons?: readonly number[]; models: readonly CountModelName[];
    /** Cache shared across origins (recent-rate half-life scores, model-selection scores); a caller may pass the one its forecast used. */
    cache?: Map<string, unknown>;
  },
): CountBacktestResult {
  const horizons = [...(opts.horizons ?? [1, 2, 3])];
  if (opts.origins.length === 0) throw new BaseeratError('VALIDATION', 'origins is empty', { field: 'origins' });
  if (opts.models.length === 0) throw new BaseeratError('VALIDATION', 'models is empty', { field: 'models' });
  const T = panel.nPeriods;
  const acc = new Map<string, Accumulator>();
  const get = (k: string) => { let a = acc.get(k); if (a === undefined) { a = new Accumulator(); acc.set(k, a); } return a; };
  const autoChoices: Record<number, Partial<Record<GlmModelName, number>>> = {};
  const skipped: Record<string, number> = {};
  const halfLifeChoices: Record<number, Record<string, number>> = {};
  const selectionChoices: Record<number, Record<string, number>> = {};
  let acrossGap = 0;
  // The recent-rate model scores earlier origins to choose its half-life: those forecasts are the
  // same at every later origin, so they are cached across origins.
  const rateCache = opts.cache ?? new Map<string, unknown>();
  for (const o of opts.origins) {
    // One cache per origin: 'auto' reuses the named GLMs' fits instead of refitting them.
    const fitCache = new Map<string, unknown>();
    for (const h of horizons) {
      const target = o + h - 1;
      if (target >= T) continue;
      if (!targetIsContiguous(panel, o, h)) { acrossGap++; continue; }
      for (const m of opts.models) {
        let f;
        try {
          f = forecastDistrictCounts(panel, { model: m, origin: o, horizon: h, fitCache: m === 'recent-rate-gamma-poisson' || m === 'damped-trend-negbin' || m === SELECTED_MODEL ? rateCache : fitCache });
        } catch (e) {
          if (!(e instanceof InsufficientDataError)) throw e;
          skipped[m] = (skipped[m] ?? 0) + 1;
          continue;
        }
        if (m === 'auto' && f.fitted !== undefined) {
          const c = (autoChoices[h] ??= {});
          c[f.fitted.model] = (c[f.fitted.model] ?? 0) + 1;
        }
        if (f.selection !== undefined) {
          const c = (selectionChoices[h] ??= {});
          c[f.selection.chosen] = (c[f.selection.chosen] ?? 0) + 1;
        }
        if (f.recentRate !== undefined && m !== SELECTED_MODEL) {
          const c = (halfLifeChoices[h] ??= {});
          const k = String(f.recentRate.halfLife);
          c[k] = (c[k] ?? 0) + 1;
        }
        const all = get(m), byH = get(`${m}\u0000${h}`);
        f.distributions.forEach((d, u) => {
          const y = panel.counts[u * T + target]!;
          const crps = crpsInteger(d, y), log = binnedLogScore(d, y);
          const ae = Math.abs(distributionQuantile(d, 0.5) - y);
          const i50 = centralInterval(d, 0.5), i90 = centralInterval(d, 0.9);
          for (const a of [all, byH]) {
            a.n++; a.crps += crps; a.log += log; a.ae += ae;
            if (y >= i50.lower && y <= i50.upper) a.c50++;
            if (y >= i90.lower && y <= i90.upper) a.c90++;
            a.pit.add(d, y);
          }
        });
      }
    }
  }
  const overall: Record<string, CountScoreSummary> = {};
  const byHorizon: Record<string, Record<number, CountScoreSummary>> = {};
  for (const m of opts.models) {
    overall[m] = get(m).summary();
    byHorizon[m] = {};
    for (const h of horizons) byHorizon[m]![h] = get(`${m}\u0000${h}`).summary();
  }
  return { origins: [...opts.origins], horizons, models: [...opts.models], overall, byHorizon, autoChoices, halfLifeChoices, selectionChoices, skipped, acrossGap };
}
