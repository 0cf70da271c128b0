/** server/monitor: the live monitor, alert repository (port + DuckDB), SSE hub and webhooks. */
export * from './alert-repository.js';
export * from './duckdb-alert-schema.js';
export * from './duckdb-alert-repository.js';
export * from './alert-hub.js';
export * from './live-monitor.js';
export * from './monitored-store.js';
export * from './webhooks.js';
export * from './rule-config.js';
export * from './embedded-monitor.js';
