/**
 * Counts over the incidents a user asked about, released only if the user may see everything they
 * aggregate (`releaseDerived`). The scope is pushed into the filter first, so a district officer's
 * statistics are over their own districts; the label of the result is then measured from the
 * data (the districts present and the highest classification present), not assumed.
 */
import { BaseeratError, CLASSIFICATION_LEVELS, type Classification } from '@baseerat/engine';
import type { AccessGate } from '../security/access-gate.js';
import { releaseDerived } from '../security/derived-results.js';
import type { RequestAuthorizer } from '../security/policy-engine.js';
import { UNKNOWN_DISTRICT, type SecurityLabel } from '../security/security-label.js';
import type { IncidentFilter, Store, StoreStats } from '../store/port.js';

/** Highest classification among the incidents matching `filter` (at most 3 counts). */
export async function highestPresent(store: Store, filter: IncidentFilter, total: number): Promise<Classification> {
  const top = CLASSIFICATION_LEVELS.indexOf(filter.maxClassification ?? 'SECRET');
  for (let l = top; l > 0; l--) {
    const below = await store.countIncidents({ ...filter, maxClassification: CLASSIFICATION_LEVELS[l - 1]! });
    if (below < total) return CLASSIFICATION_LEVELS[l]!;
  }
  return 'UNCLASSIFIED';
}

export async function releasedStats(
  store: Store, gate: AccessGate, authz: RequestAuthorizer, id: string, filter: IncidentFilter, now: Date,
): Promise<{ stats: Omit<StoreStats, 'quarantined'>; label: SecurityLabel }> {
  const { quarantined: _global, ...stats } = await store.stats(filter);
  const districts = Object.entries(stats.byDistrict).filter(([, n]) => n > 0).map(([d]) => (d === '(unknown)' ? UNKNOWN_DISTRICT : d));
  const label: SecurityLabel = {
    classification: stats.total === 0 ? 'UNCLASSIFIED' : await highestPresent(store, filter, stats.total),
    compartments: [],
    districts: [...new Set(districts)].sort(),
  };
  const released = releaseDerived(authz, 'runAnalysis', id, [label], () => stats);
  if (released.suppressed) {
    await gate.check('runAnalysis', { kind: 'Aggregate', id, label }, now);
    throw new BaseeratError('FORBIDDEN', released.reason, { field: 'districts' });
  }
  return { stats: released.value, label };
}
