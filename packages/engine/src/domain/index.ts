/**
 * engine/domain: schemas and types shared by every layer (Incident, Report, SourceRecord,
 * taxonomy, classification), typed errors and caveats. Imports only zod.
 */
export * from './classification.js';
export * from './errors.js';
export * from './caveats.js';
export * from './taxonomy.js';
export * from './incident.js';
export * from './ids.js';
export * from './consolidate.js';
export * from './linking.js';
