/**
 * engine/forecast: place forecasting on square grids (baselines, grid Hawkes, space-time ETAS,
 * ensemble), the NIJ scores (PAI, PEI, PEI*, hit rate) and the rolling-origin backtest loop.
 * Pure: imports only engine/domain and engine/random.
 */
export * from './types.js';
export * from './square-grid.js';
export * from './place-forecast-metrics.js';
export * from './naive-counts.js';
export * from './exponentially-weighted-counts.js';
export * from './retrospective-kde.js';
export * from './prospective-hotspot.js';
export * from './grid-hawkes.js';
export * from './space-time-etas.js';
export * from './ensemble.js';
export * from './simulate-hawkes.js';
export * from './backtest.js';
export * from './model-card.js';
