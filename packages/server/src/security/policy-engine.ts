/**
 * Authorization by Cedar policies (`policies/*.cedar`, schema `policies/schema.cedarschema`),
 * evaluated with @cedar-policy/cedar-wasm. Deny by default; a forbid overrides any permit; a
 * policy that errors at evaluation makes the request deny (fail closed), because Cedar itself
 * skips an erroring forbid.
 *
 * Performance: one WASM call costs about 0.35 ms here, far too slow for a million records. A
 * decision for a given principal, action and context depends only on the resource's label
 * (classification, compartments, districts; and the field name for fields): the policies never
 * look at a resource's id. `RequestAuthorizer` therefore asks Cedar once per distinct label and
 * memoises, so filtering 1,000,000 incidents costs as many Cedar calls as there are distinct
 * (classification, compartments, district) combinations. The memo is also shared across requests
 * (`PolicyEngine.sharedDecision`): keyed by everything Cedar is given about the principal (id,
 * role, clearance, compartments, districts, active) and the context, so the next request of the
 * same user, or a user whose account changed in any of those, never reuses a decision that is not
 * its own, and a steady stream of requests makes no Cedar call at all. The test suite checks that
 * memoised decisions equal direct ones, within and across requests.
 *
 * Reliability: wasm-call-guard.ts (imported first) stops V8 inlining the call into Cedar's
 * WebAssembly, which on Node 20 crashed the process when an optimized caller was deoptimized
 * during that call.
 */
// First: V8 must not inline calls into Cedar's WebAssembly (a Node 20 deoptimizer crash, see the module).
import './wasm-call-guard.js';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { BaseeratError, classificationRank, type Classification } from '@baseerat/engine';
import { labelKey, type SecurityLabel } from './security-label.js';

export const ROLES = ['administrator', 'analyst', 'commander', 'district_officer', 'researcher', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'viewIncident', 'viewField', 'listIncidents', 'runAnalysis', 'export', 'generateReport',
  'viewAudit', 'administerUsers', 'approveRelease', 'ingest', 'acknowledgeAlert',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Which resource type each action applies to (mirrors the schema). */
export const ACTION_RESOURCE: Record<Action, ResourceKind> = {
  viewIncident: 'Record', viewField: 'Field', listIncidents: 'System', runAnalysis: 'Aggregate',
  export: 'Aggregate', generateReport: 'Aggregate', approveRelease: 'Aggregate', acknowledgeAlert: 'Alert',
  viewAudit: 'System', administerUsers: 'System', ingest: 'System',
};

export type ResourceKind = 'Record' | 'Field' | 'Aggregate' | 'Alert' | 'System';

export interface Principal {
  id: string;
  role: Role;
  clearance: Classification;
  compartments: readonly string[];
  /** Districts the user is limited to; null when not limited by region. */
  districts: readonly string[] | null;
  active: boolean;
}

export type Resource =
  | { kind: 'Record' | 'Aggregate' | 'Alert'; id: string; label: SecurityLabel }
  | { kind: 'Field'; id: string; field: string; label: SecurityLabel }
  | { kind: 'System'; id?: string };

export interface RequestContext {
  /** The session completed the second factor. */
  mfa: boolean;
}

export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../../../../policies/', import.meta.url));

let psetCounter = 0;

/** Most decisions the engine keeps across requests; when full it starts again from empty. */
export const SHARED_DECISIONS_MAX = 200_000;

export class PolicyEngine {
  /** Decisions kept across requests, by principal key and request key (see RequestAuthorizer). */
  private readonly decisions = new Map<string, boolean>();
  /** Cedar evaluations made through the memoised path (`RequestAuthorizer.can`), all requests together. */
  memoisedCedarCalls = 0;

  private constructor(private readonly psetId: string) {}

  /** Loads, parses and strictly validates every `.cedar` file in `dir` against its schema. */
  static load(dir: string = DEFAULT_POLICY_DIR): PolicyEngine {
    const files = readdirSync(dir).filter((f) => f.endsWith('.cedar')).sort();
    if (files.length === 0) throw new BaseeratError('CONFIG', `no .cedar policy files in ${dir}`, { field: 'policyDir' });
    const policies = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const schema = readFileSync(join(dir, 'schema.cedarschema'), 'utf8');
    return PolicyEngine.fromText(policies, schema);
  }

  static fromText(policies: string, schema: string): PolicyEngine {
    const v = cedar.validate({ schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
    if (v.type === 'failure') throw new BaseeratError('CONFIG', `Cedar policies/schema do not parse: ${v.errors.map((e) => e.message).join('; ')}`);
    if (v.validationErrors.length > 0) {
      throw new BaseeratError('CONFIG', `Cedar policies fail validation: ${v.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`);
    }
    // Name each policy by its @id annotation so that decisions can say which policy decided.
    const parts = cedar.policySetTextToParts(policies);
    if (parts.type === 'failure') throw new BaseeratError('CONFIG', `Cedar policies: ${parts.errors.map((e) => e.message).join('; ')}`);
    const named: Record<string, string> = {};
    parts.policies.forEach((text, i) => {
      const name = /@id\("([^"]+)"\)/.exec(text)?.[1] ?? `policy${i}`;
      if (named[name] !== undefined) throw new BaseeratError('CONFIG', `two Cedar policies are named ${name}`, { field: '@id' });
      named[name] = text;
    });
    const id = `baseerat-${++psetCounter}`;
    const p = cedar.preparsePolicySet(id, { staticPolicies: named });
    if (p.type === 'failure') throw new BaseeratError('CONFIG', `Cedar policies: ${p.errors.map((e) => e.message).join('; ')}`);
    return new PolicyEngine(id);
  }

  /** One Cedar evaluation, no memo. */
  isAllowed(principal: Principal, action: Action, resource: Resource, context: RequestContext): boolean {
    return this.decide(principal, action, resource, context).allowed;
  }

  /** One Cedar evaluation with its reasons: the @id of the policies that decided, and any errors. */
  decide(principal: Principal, action: Action, resource: Resource, context: RequestContext): { allowed: boolean; reasons: string[]; errors: string[] } {
    if (ACTION_RESOURCE[action] !== resource.kind) return { allowed: false, reasons: [`${action} does not apply to ${resource.kind}`], errors: [] };
    const userUid = { type: 'Baseerat::User', id: principal.id };
    const resUid = { type: `Baseerat::${resource.kind}`, id: resource.id ?? 'system' };
    const entities: cedar.EntityJson[] = [
      {
        uid: userUid,
        attrs: {
          clearance: classificationRank(principal.clearance),
          compartments: [...principal.compartments],
          scoped: principal.districts !== null,
          districts: [...(principal.districts ?? [])],
          active: principal.active,
        },
        parents: [{ type: 'Baseerat::Role', id: principal.role }],
      },
      // The Role entity itself is not sent: `principal in Role::"x"` reads the user's parents, and
      // leaving it out saves about 15% of each call.
    ];
    if (resource.kind !== 'System') {
      const attrs: Record<string, cedar.CedarValueJson> = {
        classification: classificationRank(resource.label.classification),
        compartments: [...resource.label.compartments],
        districts: [...resource.label.districts],
      };
      if (resource.kind === 'Field') attrs['name'] = resource.field;
      entities.push({ uid: resUid, attrs, parents: [] });
    } else {
      entities.push({ uid: resUid, attrs: {}, parents: [] });
    }
    const ans = cedar.statefulIsAuthorized({
      principal: userUid,
      action: { type: 'Baseerat::Action', id: action },
      resource: resUid,
      context: { mfa: context.mfa },
      preparsedPolicySetId: this.psetId,
      // The schema validates the policies once at load; per-request validation against it costs
      // ~0.45 ms a call here and the entities are built from typed values just above.
      validateRequest: false,
      entities,
    });
    if (ans.type === 'failure') {
      throw new BaseeratError('CONFIG', `Cedar evaluation failed for ${action} on ${resource.kind}: ${ans.errors.map((e) => e.message).join('; ')}`);
    }
    // Fail closed: Cedar ignores a policy that errors, which for a forbid would mean allowing.
    const { reason, errors } = ans.response.diagnostics;
    const errs = errors.map((e) => `${e.policyId}: ${e.error.message}`);
    if (errs.length > 0) return { allowed: false, reasons: reason, errors: errs };
    return { allowed: ans.response.decision === 'allow', reasons: reason.length > 0 ? reason : ['no permit applies (deny by default)'], errors: [] };
  }

  /** A per-request authorizer for one principal and context, memoising by label. */
  forRequest(principal: Principal, context: RequestContext): RequestAuthorizer {
    return new RequestAuthorizer(this, principal, context);
  }

  /**
   * The memoised decision for `key` (a principal key and a request key, see RequestAuthorizer),
   * asking Cedar through `decide` only the first time. Not for callers that build keys of their own.
   */
  sharedDecision(key: string, decide: () => boolean): boolean {
    let d = this.decisions.get(key);
    if (d === undefined) {
      this.memoisedCedarCalls++;
      d = decide();
      if (this.decisions.size >= SHARED_DECISIONS_MAX) this.decisions.clear();
      this.decisions.set(key, d);
    }
    return d;
  }
}

/**
 * Everything the engine gives Cedar about a principal and the context (decide() sends nothing
 * else), as one string: two principals with the same key get the same decision for every request.
 */
export function principalKey(p: Principal, context: RequestContext): string {
  const districts = p.districts === null ? null : [...p.districts].sort();
  return JSON.stringify([p.id, p.role, p.clearance, [...p.compartments].sort(), districts, p.active, context.mfa]);
}

export class RequestAuthorizer {
  private readonly memo = new Map<string, boolean>();
  private readonly principalKey: string;
  /** Cedar evaluations this request actually made, the shared memo missing (for tests and the benchmark). */
  cedarCalls = 0;
  constructor(private readonly engine: PolicyEngine, readonly principal: Principal, readonly context: RequestContext) {
    this.principalKey = principalKey(principal, context);
  }

  /**
   * The decision, memoised by what Cedar sees of the resource (its kind, the field name, the label;
   * never the id): first in this request's memo, then in the engine's, then asked of Cedar.
   */
  can(action: Action, resource: Resource): boolean {
    const key = resource.kind === 'System'
      ? `${action}|System`
      : `${action}|${resource.kind}|${resource.kind === 'Field' ? resource.field : ''}|${labelKey(resource.label)}`;
    let d = this.memo.get(key);
    if (d === undefined) {
      d = this.engine.sharedDecision(`${this.principalKey}\u0000${key}`, () => {
        this.cedarCalls++;
        return this.engine.isAllowed(this.principal, action, resource, this.context);
      });
      this.memo.set(key, d);
    }
    return d;
  }

  /** The policies that decide this request (an unmemoised Cedar call: use for denials, not per record). */
  explain(action: Action, resource: Resource): string[] {
    const d = this.engine.decide(this.principal, action, resource, this.context);
    return [...d.reasons, ...d.errors];
  }

  /** Throws FORBIDDEN unless allowed; the caller audits the denial. */
  require(action: Action, resource: Resource): void {
    if (!this.can(action, resource)) {
      throw new BaseeratError('FORBIDDEN', `user ${this.principal.id} may not ${action} on ${resource.kind}${resource.id === undefined ? '' : ` ${resource.id}`}`);
    }
  }

  /** The records this principal may view, in order. */
  filterRecords<T>(records: Iterable<T>, idOf: (r: T) => string, labelOf: (r: T) => SecurityLabel): T[] {
    const out: T[] = [];
    for (const r of records) if (this.can('viewIncident', { kind: 'Record', id: idOf(r), label: labelOf(r) })) out.push(r);
    return out;
  }
}
