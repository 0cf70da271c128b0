/** evaluate/: did a security measure work? Measures, panels, estimators, robustness and conclusions. */
export * from './measure.js';
export * from './evaluation-panel.js';
export * from './glm-sandwich-covariance.js';
export * from './interrupted-time-series.js';
export * from './difference-in-differences.js';
export * from './simplex-least-squares.js';
export * from './synthetic-control.js';
export * from './weighted-displacement-difference.js';
export * from './robustness.js';
export * from './conclusion.js';
export * from './evaluate-panel.js';
export * from './simulate-evaluation-panel.js';
export * from './simulation-study.js';
