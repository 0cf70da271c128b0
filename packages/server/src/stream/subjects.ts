/**
 * NATS JetStream names. One subject per agency, `baseerat.ingest.<agency>`, all captured by one
 * stream (default `BASEERAT_INGEST`, subjects `baseerat.ingest.>`), one durable consumer per agency
 * (default `ingest-<agency>`), so that each agency's feed is acknowledged and replayed on its own.
 */
import { BaseeratError } from '@baseerat/engine';

export const DEFAULT_SUBJECT_PREFIX = 'baseerat.ingest';
export const DEFAULT_STREAM = 'BASEERAT_INGEST';

/** Agency names as the ingest route accepts them; also valid NATS subject tokens and durable names. */
const AGENCY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function checkAgency(agency: string): string {
  if (!AGENCY.test(agency)) throw new BaseeratError('VALIDATION', `agency: ${JSON.stringify(agency)} is not a valid agency name (lower case letters, digits, _ and -)`, { field: 'agency' });
  return agency;
}

export function ingestSubject(agency: string, prefix = DEFAULT_SUBJECT_PREFIX): string {
  return `${prefix}.${checkAgency(agency)}`;
}

export function durableName(agency: string): string {
  return `ingest-${checkAgency(agency)}`;
}
