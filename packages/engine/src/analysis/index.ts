/**
 * engine/analysis: analyses that turn incident columns into answers with caveats (aggregation,
 * trends, seasonality, hotspots, emerging hotspots, near repeat, threat-actor profiles). May import
 * `../domain`, `../stats`, `../random`, `../geo` and `h3-js`.
 */
export * from './aggregate.js';
export * from './trends.js';
export * from './feed-coverage.js';
export * from './seasonality.js';
export * from './islamic-calendar.js';
export * from './hotspots.js';
export * from './space-time-cube.js';
export * from './emerging-hotspots.js';
export * from './near-repeat.js';
export * from './actors.js';
