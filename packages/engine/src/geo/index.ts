/**
 * engine/geo: districts (grid index over the 2023 boundaries), gazetteer with aliases, H3 helpers
 * and `Geography`, the implementation of the Geocoder port. Imports engine/domain, h3-js and
 * topojson-client only. See README.md.
 */
export * from './geocoder.js';
export * from './district-index.js';
export * from './district-aliases.js';
export * from './normalise-name.js';
export * from './edit-distance.js';
export * from './gazetteer.js';
export * from './h3.js';
export * from './topology.js';
export * from './geography.js';
