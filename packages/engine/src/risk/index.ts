/** engine/risk: area risk index (penalised Poisson on history, factor contributions, calibrated bands, backtest, feedback-loop weights) and resource allocation (maximal covering, naive baselines, randomised schedules). Imports engine/domain, engine/stats (linear algebra), engine/link (haversine) and engine/random. */
export * from './coverage-matrix.js';
export * from './allocation-constraints.js';
export * from './maximal-coverage-greedy.js';
export * from './maximal-coverage-exact.js';
export * from './naive-plans.js';
export * from './randomised-schedule.js';
export * from './ridge-poisson-regression.js';
export * from './feedback-loop-weights.js';
export * from './area-risk-factors.js';
export * from './risk-bands.js';
export * from './area-risk-index.js';
export * from './area-risk-backtest.js';
