/**
 * engine/synth: the seeded synthetic multi-agency feed for Balochistan (truth incidents, agency
 * rows, mapping files, Reports, truth). Imports engine/domain and engine/random only.
 */
export * from './agency-labels.js';
export * from './mapping-file.js';
export * from './ucdp-balochistan-district-rates.js';
export * from './generate-province-feed.js';
