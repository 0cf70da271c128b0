/** engine/monitor: spike detectors for real-time monitoring. Imports engine/domain and engine/stats only. */
export * from './ears-c1-c2-c3.js';
export * from './farrington-flexible.js';
export * from './cusum.js';
export * from './evaluate-series.js';
export * from './negative-binomial-window-scan.js';
export * from './evaluate-latest-period.js';
