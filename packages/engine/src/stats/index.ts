/**
 * engine/stats: pure statistical kernels on typed arrays, one statistic per file, each checked
 * against R or Python (see docs/methods). May import `../domain`, `../random` and `h3-js` only.
 */
export * from './normal-distribution.js';
export * from './gamma-distribution.js';
export * from './beta-distribution.js';
export * from './binomial-distribution.js';
export * from './benjamini-hochberg.js';
export * from './spatial-weights.js';
export * from './getis-ord-gi-star.js';
export * from './local-moran.js';
export * from './mann-kendall.js';
export * from './kernel-density.js';
export * from './poisson-rate-test.js';
export * from './sens-slope.js';
export * from './chi-square-goodness-of-fit.js';
export * from './knox-test.js';
