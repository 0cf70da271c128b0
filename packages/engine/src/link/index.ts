/** engine/link: cross-agency linking of reports into incidents, and its scoring. Imports only engine/domain. */
export * from './haversine-distance.js';
export * from './link-batch.js';
export * from './score-linking.js';
export * from './revise-weak-links.js';
export * from './iso-time.js';
