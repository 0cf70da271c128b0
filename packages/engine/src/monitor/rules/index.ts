/** engine/monitor/rules: watch zones, alert rules, the alert lifecycle and replay. Imports engine/domain, engine/link (haversine) and engine/monitor. */
export * from './types.js';
export * from './watch-zone.js';
export * from './watch-zone-outline.js';
export * from './category-rule.js';
export * from './near-repeat-rule.js';
export * from './spike-rule.js';
export * from './rule-engine.js';
export * from './alert-lifecycle.js';
export * from './replay.js';
export * from './example-rules.js';
