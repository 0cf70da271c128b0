/** @baseerat/engine: pure analytics for Baseerat. See packages/engine/README.md. */
export * from './domain/index.js';
export * from './geo/geocoder.js';
