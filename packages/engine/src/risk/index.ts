/** engine/risk: resource allocation (maximal covering, naive baselines, randomised schedules). Imports engine/domain, engine/link (haversine) and engine/random. */
export * from './coverage-matrix.js';
export * from './allocation-constraints.js';
export * from './maximal-coverage-greedy.js';
export * from './maximal-coverage-exact.js';
export * from './naive-plans.js';
export * from './randomised-schedule.js';
