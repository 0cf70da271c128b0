/** @baseerat/engine: pure analytics for Baseerat. See packages/engine/README.md. */
export * from './domain/index.js';
export * from './domain/taxonomy-mappings.js';
export * from './geo/index.js';
export * from './link/index.js';
export * from './random/index.js';
export * from './synth/index.js';
export * from './stats/index.js';
export * from './analysis/index.js';
export * from './monitor/index.js';
export * from './forecast/index.js';
export * from './privacy/index.js';
export * from './forecast/counts/index.js';
export * from './evaluate/index.js';
export * from './monitor/rules/index.js';
export * from './risk/index.js';
