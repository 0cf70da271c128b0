/** Ingest: readers, agency mapping files, the pipeline, format registry. See README.md. */
export type { Adapter, AdapterContext, Row, RowValue } from './adapter.js';
export * from './readers/index.js';
export * from './date-format.js';
export * from './time-zone.js';
export * from './mapping.js';
export * from './pipeline.js';
export * from './registry.js';
