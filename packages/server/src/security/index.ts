/**
 * Security: identities, need-to-know authorization (Cedar), encryption at rest, and the
 * tamper-evident audit trail. See README.md in this folder and docs/security.md.
 */
export * from './account-service.js';
export * from './access-gate.js';
export * from './admin-operations.js';
export * from './audit-checkpoints.js';
export * from './audit-log.js';
export * from './derived-results.js';
export * from './duckdb-security-repo.js';
export { migrateSecuritySchema } from './duckdb-security-schema.js';
export * from './field-cipher.js';
export * from './master-key.js';
export * from './merkle-tree-rfc6962.js';
export * from './password-hashing.js';
export * from './password-policy.js';
export * from './policy-engine.js';
export * from './security-label.js';
export * from './security-repo.js';
export * from './totp.js';
