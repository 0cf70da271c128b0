/**
 * engine/privacy: differential privacy for counts (two-sided geometric mechanism, hierarchical
 * consistency), and statistical disclosure control for microdata (generalisation, geomasking,
 * k-anonymity / l-diversity suppression). Pure; imports engine/domain, engine/random (types),
 * engine/analysis (calendar helpers) and h3-js.
 */
export * from './two-sided-geometric-mechanism.js';
export * from './hierarchical-consistency.js';
export * from './noisy-hierarchical-counts.js';
export * from './generalisation.js';
export * from './donut-geomask.js';
export * from './k-anonymity-suppression.js';
