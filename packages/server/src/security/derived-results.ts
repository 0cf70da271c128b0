/**
 * Derived results (aggregates, analyses, reports, exports) carry the highest classification, and
 * the union of compartments and districts, of the records they were computed from. A user sees a
 * derived result only if allowed to see what it aggregates; otherwise it is suppressed, not
 * silently recomputed over a subset (which would leak through the difference between two users'
 * numbers). Callers that want a result over what the user may see filter first
 * (`RequestAuthorizer.filterRecords`) and derive from that.
 */
import type { Action, RequestAuthorizer } from './policy-engine.js';
import { derivedLabel, type SecurityLabel } from './security-label.js';

export type Released<T> =
  | { suppressed: false; value: T; label: SecurityLabel }
  | { suppressed: true; label: SecurityLabel; reason: string };

export function releaseDerived<T>(
  authz: RequestAuthorizer, action: Extract<Action, 'runAnalysis' | 'export' | 'generateReport' | 'approveRelease'>,
  id: string, inputs: Iterable<SecurityLabel>, compute: () => T,
): Released<T> {
  const label = derivedLabel(inputs);
  if (!authz.can(action, { kind: 'Aggregate', id, label })) {
    return {
      suppressed: true, label,
      reason: `suppressed: ${action} on ${id} needs clearance ${label.classification}` +
        `${label.compartments.length > 0 ? `, compartments ${label.compartments.join(', ')}` : ''}` +
        ` and access to districts ${label.districts.join(', ') || '(none)'}`,
    };
  }
  return { suppressed: false, value: compute(), label };
}
