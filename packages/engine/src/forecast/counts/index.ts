/** engine/forecast/counts: district x period probabilistic count forecasts, their scores and backtest. See README.md. */
export * from './count-panel.js';
export * from './count-forecast-scores.js';
export * from './district-count-model.js';
export * from './recent-rate-gamma-poisson.js';
export * from './damped-trend-negbin.js';
export * from './count-backtest.js';
export * from '../../stats/poisson-glm.js';
export * from '../../stats/negative-binomial-glm.js';
export * from '../../stats/count-distributions.js';
export * from '../../stats/crps.js';
export * from './district-neighbours.js';
export * from './earlier-origin-choice.js';
