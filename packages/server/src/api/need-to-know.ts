/**
 * Need-to-know for queries: turns what a user asked for into a store filter that cannot reach past
 * their scope, and checks request-level permissions through the AccessGate so that every denial is
 * audited. The store filter is an optimisation and a second fence; the policy (Cedar) still
 * decides every record (`filterRecords`) and every field (`readFields`).
 */
import { BaseeratError, CLASSIFICATION_LEVELS, type Classification, type Geography, type Incident } from '@baseerat/engine';
import type { AnalysisFilter } from '../analysis/analysis-request.js';
import type { AccessGate } from '../security/access-gate.js';
import type { AuditLog } from '../security/audit-log.js';
import { releaseDerived } from '../security/derived-results.js';
import type { Action, RequestAuthorizer } from '../security/policy-engine.js';
import { recordLabel, type SecurityLabel } from '../security/security-label.js';
import type { IncidentFilter } from '../store/port.js';
import { baseFilter, canonicalDistricts, type IncidentQuery } from './schemas.js';

/** Checks a system-level action (list, ingest, administer, audit); audits and throws FORBIDDEN on denial. */
export async function requireSystem(gate: AccessGate, action: Action, target: string, now: Date): Promise<void> {
  if (!(await gate.check(action, { kind: 'System', id: target }, now))) {
    throw new BaseeratError('FORBIDDEN', `role ${gate.principal.role} may not ${action} (${target})`, { field: 'role' });
  }
}

export function incidentLabel(i: Pick<Incident, 'classification' | 'location'>): SecurityLabel {
  return recordLabel({ classification: i.classification, district: i.location.district });
}

/**
 * The highest classification the principal may view in a record of `district` (unscoped users: a
 * placeholder district, which their policy does not look at), asked of Cedar rather than
 * recomputed here, so that a researcher's UNCLASSIFIED-only rule holds too. Undefined for none.
 */
export function maxViewable(authz: RequestAuthorizer, district: string): Classification | undefined {
  let best: Classification | undefined;
  for (const c of CLASSIFICATION_LEVELS) {
    if (authz.can('viewIncident', { kind: 'Record', id: `probe:${c}`, label: { classification: c, compartments: [], districts: [district] } })) best = c;
  }
  return best;
}

export interface RequestedScope {
  districts?: readonly string[] | undefined;
  maxClassification?: Classification | undefined;
}

/**
 * The store filter for a request: requested districts must all be within the user's scope (each
 * out-of-scope district is a denial, audited, and the request fails FORBIDDEN rather than quietly
 * returning less); an unscoped request of a scoped user is limited to their districts; the
 * classification ceiling is the lower of the requested one and what the policy allows.
 */
export async function scopedFilter(gate: AccessGate, authz: RequestAuthorizer, req: RequestedScope, base: IncidentFilter, now: Date): Promise<IncidentFilter> {
  const scope = authz.principal.districts;
  for (const d of req.districts ?? []) {
    const label: SecurityLabel = { classification: 'UNCLASSIFIED', compartments: [], districts: [d] };
    if (!(await gate.check('viewIncident', { kind: 'Record', id: `district:${d}`, label }, now))) {
      throw new BaseeratError('FORBIDDEN', `district ${JSON.stringify(d)} is outside your scope`, { field: 'districts' });
    }
  }
  const districts = req.districts !== undefined && req.districts.length > 0 ? [...req.districts] : scope === null ? undefined : [...scope];
  const filter = filterWithinScope(authz, districts, req.maxClassification, base);
  if (filter === undefined) {
    const probe = districts?.[0] ?? scope?.[0] ?? '(any)';
    await gate.check('viewIncident', { kind: 'Record', id: 'any', label: { classification: 'UNCLASSIFIED', compartments: [], districts: [probe] } }, now);
    throw new BaseeratError('FORBIDDEN', `role ${authz.principal.role} may not view incidents`, { field: 'role' });
  }
  return filter;
}

/**
 * The store filter once its `districts` are known to lie within the user's scope (undefined: no
 * district limit): the classification ceiling is the lower of the requested one and what the policy
 * allows in those districts. Undefined when the user may view no incident there. Audits nothing:
 * `scopedFilter` (requests) audits its denials; the start-up warm-up (warm-up.ts) uses this to
 * build the very filters its requests will build.
 */
export function filterWithinScope(authz: RequestAuthorizer, districts: string[] | undefined, requestedMax: Classification | undefined, base: IncidentFilter): IncidentFilter | undefined {
  const probe = districts?.[0] ?? authz.principal.districts?.[0] ?? '(any)';
  const ceiling = maxViewable(authz, probe);
  if (ceiling === undefined) return undefined;
  const max = requestedMax !== undefined && CLASSIFICATION_LEVELS.indexOf(requestedMax) < CLASSIFICATION_LEVELS.indexOf(ceiling) ? requestedMax : ceiling;
  return { ...base, ...(districts === undefined ? {} : { districts }), maxClassification: max };
}

/**
 * The store filter of an incident query (`IncidentQuerySchema`: period, place, categories...) within
 * the user's scope: the one expression the list, the points and the stats routes share.
 */
export function incidentQueryFilter(gate: AccessGate, authz: RequestAuthorizer, geography: Geography, q: IncidentQuery, now: Date): Promise<IncidentFilter> {
  return scopedFilter(gate, authz, { districts: canonicalDistricts(q.districts, geography), maxClassification: q.maxClassification }, baseFilter(q, geography), now);
}

/**
 * The one release path of a derived result (analysis, forecast, risk, evaluation): released when the
 * user may see what it was computed from (`releaseDerived` on its label), else the denial is audited
 * and FORBIDDEN thrown naming `field`; a release is audited as `analysis.run` on `target` with the
 * classification, the districts ('*' for all) and any `details`.
 */
export async function releaseAnalysis<T>(a: {
  gate: AccessGate; authz: RequestAuthorizer; audit: Pick<AuditLog, 'record'>; actor: string; from: string; now: Date;
  resourceId: string; target: string; label: SecurityLabel; field: string; details?: Record<string, unknown>; result: T;
}): Promise<T> {
  const released = releaseDerived(a.authz, 'runAnalysis', a.resourceId, [a.label], () => a.result);
  if (released.suppressed) {
    await a.gate.check('runAnalysis', { kind: 'Aggregate', id: a.resourceId, label: a.label }, a.now);
    throw new BaseeratError('FORBIDDEN', released.reason, { field: a.field });
  }
  await a.audit.record({
    actor: a.actor, action: 'analysis.run', target: a.target, from: a.from, outcome: 'success',
    details: { ...a.details, classification: a.label.classification, districts: a.label.districts.join(',') || '*' },
  }, a.now);
  return released.value;
}

/** What an analysis route asked for (period, place, categories) inside the scope `scopedFilter` allowed. */
export function scopedAnalysisFilter(
  q: { from?: string | undefined; to?: string | undefined; province?: string | undefined; categories?: string[] | undefined; groups?: string[] | undefined },
  scoped: Pick<IncidentFilter, 'districts' | 'maxClassification'>,
): AnalysisFilter {
  return {
    ...(q.from === undefined ? {} : { from: q.from }), ...(q.to === undefined ? {} : { to: q.to }),
    ...(q.province === undefined ? {} : { province: q.province }),
    ...(q.categories === undefined ? {} : { categories: q.categories }), ...(q.groups === undefined ? {} : { groups: q.groups }),
    ...(scoped.districts === undefined ? {} : { districts: scoped.districts }),
    ...(scoped.maxClassification === undefined ? {} : { maxClassification: scoped.maxClassification }),
  };
}
