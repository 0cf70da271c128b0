/**
 * server/analysis: the pattern-analysis services the CLI, the API and reports call. Each takes a
 * Store and the shipped Geography, reads columns with the analyst's filter, runs one engine analysis
 * and returns a JSON-safe envelope carrying the classification of what it read and the caveats.
 * May import `@baseerat/engine`, `../store` (the port) and h3-js; no CLI or HTTP code.
 */
export * from './json-safe.js';
export * from './analysis-request.js';
export * from './geojson.js';
export * from './csv.js';
export * from './trends-service.js';
export * from './feed-coverage-service.js';
export * from './seasonality-service.js';
export * from './hotspots-service.js';
export * from './emerging-hotspots-service.js';
export * from './near-repeat-service.js';
export * from './actors-service.js';
export * from './aggregate-service.js';
