/**
 * The model configurations the NIJ mode can run and the backtest compares, by name. A name fixes
 * the family and its parameters; the cell size is chosen separately. Baselines are marked so that
 * tables can compare every model with the best baseline.
 * Self-exciting fits are cached per origin (they do not depend on the horizon), which is what makes
 * five horizons cost one fit.
 */
import {
  ensembleModel, etasExpectedCounts, exponentiallyWeightedCountsModel, fitGridHawkes, fitSpaceTimeEtas,
  gridHawkesExpectedCounts, naiveCountsModel, prospectiveHotspotModel, retrospectiveKdeModel, trainingStart,
  gridCellOf, FOUR_HUNDRED_METRES_IN_FEET, type GridHawkesFit, type PlaceModel, type SpaceTimeEtasFit,
} from '@baseerat/engine/forecast/index';
import { BaseeratError } from '@baseerat/engine';

export interface ModelConfig {
  readonly name: string;
  readonly family: 'naive' | 'ewma' | 'kde' | 'prospective' | 'hawkes' | 'etas' | 'ensemble';
  readonly baseline: boolean;
  readonly parameters: Readonly<Record<string, number | string>>;
  /** A fresh model (fresh cache): one per grid. */
  readonly create: () => PlaceModel;
}

function cachedHawkes(trainingDays: number): PlaceModel {
  const cache = new Map<number, GridHawkesFit>();
  return ({ events, grid, origin, horizonDays }) => {
    let fit = cache.get(origin);
    if (fit === undefined) {
      const cell = new Int32Array(events.t.length);
      for (let i = 0; i < cell.length; i++) cell[i] = gridCellOf(grid, events.x[i]!, events.y[i]!);
      fit = fitGridHawkes(cell, events.t, grid.cellCount, trainingStart(events, origin, trainingDays), origin);
      cache.set(origin, fit);
    }
    return { intensity: gridHawkesExpectedCounts(fit, origin, horizonDays), fitted: { theta: fit.theta, omega: fit.omega, iterations: fit.iterations }, caveats: fit.converged ? [] : [{ code: 'NOT_CONVERGED', message: `grid Hawkes EM stopped after ${fit.iterations} iterations` }] };
  };
}

function cachedEtas(trainingDays: number, backgroundBandwidth: number, maxTriggerDistance: number, maxTriggerDays: number): PlaceModel {
  const cache = new Map<number, SpaceTimeEtasFit>();
  return ({ events, grid, origin, horizonDays }) => {
    let fit = cache.get(origin);
    if (fit === undefined) {
      fit = fitSpaceTimeEtas(events, trainingStart(events, origin, trainingDays), origin, { backgroundBandwidth, maxTriggerDistance, maxTriggerDays, initialSigma: 500, initialOmega: 0.1 });
      cache.set(origin, fit);
    }
    return { intensity: etasExpectedCounts(fit, grid, origin, horizonDays), fitted: { mu: fit.mu, theta: fit.theta, omega: fit.omega, sigma: fit.sigma }, caveats: fit.caveats };
  };
}

const PB = FOUR_HUNDRED_METRES_IN_FEET;

export const MODEL_CONFIGS: readonly ModelConfig[] = [
  { name: 'naive', family: 'naive', baseline: true, parameters: { window: 'horizon' }, create: () => naiveCountsModel() },
  { name: 'naive-365d', family: 'naive', baseline: true, parameters: { windowDays: 365 }, create: () => naiveCountsModel({ windowDays: 365 }) },
  { name: 'ewma-60d', family: 'ewma', baseline: true, parameters: { tauDays: 60 }, create: () => exponentiallyWeightedCountsModel({ tauDays: 60 }) },
  { name: 'ewma-365d', family: 'ewma', baseline: true, parameters: { tauDays: 365 }, create: () => exponentiallyWeightedCountsModel({ tauDays: 365 }) },
  { name: 'kde-500ft', family: 'kde', baseline: true, parameters: { bandwidthFt: 500, windowDays: 365 }, create: () => retrospectiveKdeModel({ bandwidth: 500, windowDays: 365 }) },
  { name: 'kde-1000ft', family: 'kde', baseline: true, parameters: { bandwidthFt: 1000, windowDays: 365 }, create: () => retrospectiveKdeModel({ bandwidth: 1000, windowDays: 365 }) },
  { name: 'prospective', family: 'prospective', baseline: true, parameters: { bandwidthFt: Math.round(PB), weeks: 8 }, create: () => prospectiveHotspotModel({ bandwidth: PB, weeks: 8 }) },
  { name: 'hawkes-365d', family: 'hawkes', baseline: false, parameters: { trainingDays: 365 }, create: () => cachedHawkes(365) },
  { name: 'hawkes-730d', family: 'hawkes', baseline: false, parameters: { trainingDays: 730 }, create: () => cachedHawkes(730) },
  { name: 'etas', family: 'etas', baseline: false, parameters: { trainingDays: 730, backgroundBandwidthFt: 600, maxTriggerDistanceFt: 2000, maxTriggerDays: 60 }, create: () => cachedEtas(730, 600, 2000, 60) },
  {
    name: 'ensemble', family: 'ensemble', baseline: false, parameters: { members: 'hawkes-730d + etas + kde-500ft', method: 'mean-normalised' },
    create: () => ensembleModel([cachedHawkes(730), cachedEtas(730, 600, 2000, 60), retrospectiveKdeModel({ bandwidth: 500, windowDays: 365 })]),
  },
];

export function modelConfig(name: string): ModelConfig {
  const m = MODEL_CONFIGS.find((c) => c.name === name);
  if (m === undefined) throw new BaseeratError('VALIDATION', `model must be one of ${MODEL_CONFIGS.map((c) => c.name).join(', ')}, got "${name}"`, { field: 'model' });
  return m;
}
