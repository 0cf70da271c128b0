/**
 * release: research releases for university partners (issue 11). Partners and budgets
 * (`partners.ts`), aggregate DP counts and k-anonymous microdata builders, the release files
 * (manifest, data dictionary, licence, citation), and the service that checks, records and writes a
 * release (`approveRelease`, `partnerBudgets`, `runRelease`). See README.md and docs/research-releases.md.
 */
export * from './partners.js';
export * from './crypto-rng.js';
export * from './build-aggregate-release.js';
export * from './build-microdata-release.js';
export * from './release-files.js';
export * from './approve-release.js';
export * from './run-release.js';
export * from './release-request-schema.js';
