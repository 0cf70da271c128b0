/**
 * A seeded synthetic area x month panel with a known effect, for the simulation study of the
 * estimators (bias and interval coverage) and for tests.
 *
 * Data-generating process, per area a and month t:
 *   log mu_at = log base_a + trend t + season(m_t) + shock_t + e_at + log(effect) [treated, t >= start]
 *   y_at ~ Poisson(mu_at)
 * base_a log-normal around `meanRate`; shock_t ~ N(0, shockSd) common to all areas (what a comparison
 * group removes and an interrupted time series must absorb); e_at an AR(1) with coefficient `rho`
 * and marginal sd `noiseSd` (overdispersion and serial correlation within an area). The first
 * `treatedAreas` areas are treated, the next `bufferAreas` are buffers, the rest comparisons; areas
 * are exchangeable, so that is the same as random assignment.
 */
import { BaseeratError } from '../domain/errors.js';
import { normal, poisson, type Rng } from '../random/seeded-rng.js';
import type { EvaluationPanel, PanelArea } from './evaluation-panel.js';

export interface SimulationDesign {
  areas?: number;
  treatedAreas?: number;
  bufferAreas?: number;
  preMonths?: number;
  postMonths?: number;
  /** Mean incidents per area-month. */
  meanRate?: number;
  /** sd of log base rates across areas. */
  baseSd?: number;
  /** Common log trend per month. */
  trend?: number;
  seasonAmplitude?: number;
  shockSd?: number;
  noiseSd?: number;
  rho?: number;
  /** True rate ratio in the treated areas after the start (0.8 = -20%). */
  effect?: number;
  /** Rate ratio in the buffer areas after the start (1 = no displacement). */
  bufferEffect?: number;
}

export const DEFAULT_SIMULATION_DESIGN: Required<SimulationDesign> = {
  areas: 20, treatedAreas: 4, bufferAreas: 2, preMonths: 48, postMonths: 12, meanRate: 12, baseSd: 0.5,
  trend: 0.003, seasonAmplitude: 0.2, shockSd: 0.1, noiseSd: 0.15, rho: 0.5, effect: 0.8, bufferEffect: 1,
};

export function simulateEvaluationPanel(rng: Rng, design: SimulationDesign = {}): EvaluationPanel {
  const d = { ...DEFAULT_SIMULATION_DESIGN, ...design };
  if (d.treatedAreas < 1 || d.treatedAreas + d.bufferAreas >= d.areas) throw new BaseeratError('VALIDATION', `areas ${d.areas} must exceed treated ${d.treatedAreas} + buffer ${d.bufferAreas}`, { field: 'areas' });
  if (!(d.effect > 0) || !(d.bufferEffect > 0)) throw new BaseeratError('VALIDATION', `effect ${d.effect} and bufferEffect ${d.bufferEffect} must be > 0`, { field: 'effect' });
  const T = d.preMonths + d.postMonths;
  const periods: string[] = [];
  const monthOfYear = new Int8Array(T);
  for (let t = 0; t < T; t++) {
    const y = 2018 + Math.floor(t / 12), m = (t % 12) + 1;
    periods.push(`${y}-${String(m).padStart(2, '0')}`);
    monthOfYear[t] = m;
  }
  const shock = Array.from({ length: T }, () => normal(rng, 0, d.shockSd));
  const innovationSd = d.noiseSd * Math.sqrt(1 - d.rho * d.rho);
  const areas: PanelArea[] = [];
  for (let a = 0; a < d.areas; a++) {
    const role = a < d.treatedAreas ? 'treated' : a < d.treatedAreas + d.bufferAreas ? 'buffer' : 'comparison';
    const base = Math.log(d.meanRate) + normal(rng, -0.5 * d.baseSd * d.baseSd, d.baseSd);
    const counts = new Float64Array(T);
    let e = normal(rng, 0, d.noiseSd);
    for (let t = 0; t < T; t++) {
      if (t > 0) e = d.rho * e + normal(rng, 0, innovationSd);
      const post = t >= d.preMonths;
      const eff = post ? (role === 'treated' ? Math.log(d.effect) : role === 'buffer' ? Math.log(d.bufferEffect) : 0) : 0;
      const season = d.seasonAmplitude * Math.sin((2 * Math.PI * monthOfYear[t]!) / 12);
      counts[t] = poisson(rng, Math.exp(base + d.trend * t + season + shock[t]! + e + eff));
    }
    areas.push({ name: `area-${String(a + 1).padStart(2, '0')}`, role, counts });
  }
  return { periods, monthOfYear, startIndex: d.preMonths, areas };
}
