import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIONS, ACTION_RESOURCE, PolicyEngine, ROLES, type Principal, type Resource } from '../../src/security/policy-engine.js';
import { derivedLabel, fieldLabel, recordLabel, UNKNOWN_DISTRICT, type SecurityLabel } from '../../src/security/security-label.js';
import { releaseDerived } from '../../src/security/derived-results.js';
import { referenceDecision } from './reference-authz-model.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY_DIR } from '../../src/security/policy-engine.js';
import { join } from 'node:path';

const engine = PolicyEngine.load();
const LEVELS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'] as const;
const COMPS = ['HUMINT', 'SIGINT', 'CT', 'VIP'];
const DISTS = ['Quetta', 'Gwadar', 'Kech', 'Zhob', UNKNOWN_DISTRICT];
const KINDS = ['Record', 'Field', 'Aggregate', 'Alert', 'System'] as const;

const subset = (xs: string[], max = xs.length) => fc.subarray(xs, { maxLength: max }).map((a) => [...a].sort());
const principalArb = fc.record({
  role: fc.constantFrom(...ROLES),
  clearance: fc.constantFrom(...LEVELS),
  compartments: subset(COMPS),
  districts: fc.option(subset(DISTS), { nil: null, freq: 2 }),
});
// weighted so that most generated users are active and most sessions completed the second factor
const activeArb = fc.integer({ min: 0, max: 9 }).map((n) => n !== 0);
const labelArb = fc.record({
  classification: fc.constantFrom(...LEVELS),
  compartments: subset(COMPS, 2),
  districts: subset(DISTS, 2).filter((d) => d.length > 0),
});
const caseArb = fc.record({
  p: principalArb, active: activeArb, action: fc.constantFrom(...ACTIONS), kind: fc.constantFrom(...KINDS), aim: fc.integer({ min: 0, max: 4 }),
  label: labelArb, field: fc.constantFrom('narrative', 'names', 'raw'), mfa: activeArb,
});

function resourceOf(kind: (typeof KINDS)[number], label: SecurityLabel, field: string): Resource {
  if (kind === 'System') return { kind };
  if (kind === 'Field') return { kind, id: 'f1', field, label };
  return { kind, id: 'x1', label };
}

describe('Cedar authorization against the independent reference model', () => {
  it('10,000 generated (user, action, resource) cases: 0 wrong allows, 0 wrong denies', () => {
    let cases = 0, allows = 0, wrongAllow = 0, wrongDeny = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const principal: Principal = { id: 'u', ...c.p, active: c.active };
        // Four cases in five aim the action at the resource kind it applies to, so that allows are
        // common; the fifth pairs it with any kind, to check mismatched requests are denied.
        const kind = c.aim > 0 ? ACTION_RESOURCE[c.action] : c.kind;
        const resource = resourceOf(kind, c.label, c.field);
        const got = engine.isAllowed(principal, c.action, resource, { mfa: c.mfa });
        const want = referenceDecision(
          { role: c.p.role, clearance: c.p.clearance, compartments: c.p.compartments, districts: c.p.districts, active: c.active },
          c.action, kind === 'System' ? { kind: 'System' } : { kind, ...c.label }, c.mfa,
        );
        cases++;
        if (got) allows++;
        if (got && !want) wrongAllow++;
        if (!got && want) wrongDeny++;
        return got === want;
      }),
      { seed: 20261126, numRuns: 10_000, endOnFailure: true },
    );
    expect(cases).toBe(10_000);
    expect(wrongAllow).toBe(0);
    expect(wrongDeny).toBe(0);
    console.info(`authorization property: ${cases} cases, ${allows} allowed, ${cases - allows} denied`);
    // The comparison means something only if both answers occur often.
    expect(allows).toBeGreaterThan(300);
    expect(cases - allows).toBeGreaterThan(300);
  });

  it('memoised per-label decisions equal direct Cedar decisions, with far fewer Cedar calls', () => {
    // Records as stored: one district each, few compartments, so labels repeat as in real data
    // (at most 4 x 4 x 5 = 80 labels per action).
    const recordLabelArb = fc.record({
      classification: fc.constantFrom(...LEVELS), compartments: subset(['CT', 'HUMINT']), districts: fc.constantFrom(...DISTS).map((d) => [d]),
    });
    const rnd = fc.sample(fc.tuple(recordLabelArb, fc.constantFrom('viewIncident', 'viewField', 'runAnalysis')), { seed: 7, numRuns: 600 });
    const users: Principal[] = [
      { id: 'a', role: 'analyst', clearance: 'CONFIDENTIAL', compartments: ['CT'], districts: null, active: true },
      { id: 'd', role: 'district_officer', clearance: 'SECRET', compartments: ['CT', 'HUMINT'], districts: ['Quetta', 'Kech'], active: true },
      { id: 'r', role: 'researcher', clearance: 'SECRET', compartments: [], districts: null, active: true },
    ];
    for (const u of users) {
      const authz = engine.forRequest(u, { mfa: true });
      let mismatches = 0, allowed = 0;
      rnd.forEach(([label, action], i) => {
        const res: Resource = action === 'viewField' ? { kind: 'Field', id: `inc_${i}`, field: 'narrative', label }
          : action === 'viewIncident' ? { kind: 'Record', id: `inc_${i}`, label } : { kind: 'Aggregate', id: `agg_${i}`, label };
        const memo = authz.can(action, res);
        if (memo) allowed++;
        if (memo !== engine.isAllowed(u, action, res, { mfa: true })) mismatches++;
      });
      expect(mismatches).toBe(0);
      expect(authz.cedarCalls).toBeLessThanOrEqual(240);
      expect(authz.cedarCalls).toBeLessThan(rnd.length / 2);
      if (u.role !== 'researcher') expect(allowed).toBeGreaterThan(0);
    }
  });

  it('district scope, compartments and field classification on concrete records', () => {
    const officer: Principal = { id: 'do1', role: 'district_officer', clearance: 'CONFIDENTIAL', compartments: [], districts: ['Quetta'], active: true };
    const authz = engine.forRequest(officer, { mfa: true });
    const recs = [
      { id: '1', classification: 'RESTRICTED' as const, district: 'Quetta' },
      { id: '2', classification: 'RESTRICTED' as const, district: 'Gwadar' },
      { id: '3', classification: 'RESTRICTED' as const },
      { id: '4', classification: 'SECRET' as const, district: 'Quetta' },
      { id: '5', classification: 'UNCLASSIFIED' as const, district: 'Quetta', compartments: ['CT'] },
    ];
    expect(authz.filterRecords(recs, (r) => r.id, recordLabel).map((r) => r.id)).toEqual(['1']);
    const rec = recordLabel(recs[0]!);
    expect(authz.can('viewField', { kind: 'Field', id: '1', field: 'narrative', label: fieldLabel(rec, { classification: 'CONFIDENTIAL' }) })).toBe(true);
    expect(authz.can('viewField', { kind: 'Field', id: '1', field: 'names', label: fieldLabel(rec, { classification: 'SECRET' }) })).toBe(false);
    // Derived results: an aggregate over Quetta and Gwadar is suppressed for the Quetta officer.
    const both = releaseDerived(authz, 'runAnalysis', 'count', [recordLabel(recs[0]!), recordLabel(recs[1]!)], () => 2);
    expect(both).toMatchObject({ suppressed: true, label: { classification: 'RESTRICTED', districts: ['Gwadar', 'Quetta'] } });
    const one = releaseDerived(authz, 'runAnalysis', 'count', [recordLabel(recs[0]!)], () => 1);
    expect(one).toMatchObject({ suppressed: false, value: 1 });
    expect(derivedLabel([recordLabel(recs[0]!), recordLabel(recs[3]!), recordLabel(recs[4]!)])).toEqual({
      classification: 'SECRET', compartments: ['CT'], districts: ['Quetta'],
    });
    expect(() => authz.require('export', { kind: 'Aggregate', id: 'e', label: rec })).toThrow(/may not export/);
    // Decisions name the policy that decided.
    expect(engine.decide(officer, 'viewIncident', { kind: 'Record', id: '2', label: recordLabel(recs[1]!) }, { mfa: true }).reasons).toEqual(['need-to-know-record']);
    expect(engine.decide(officer, 'viewIncident', { kind: 'Record', id: '1', label: rec }, { mfa: true }).reasons).toEqual(['district-officer-actions']);
    expect(engine.decide(officer, 'export', { kind: 'Aggregate', id: 'e', label: rec }, { mfa: true }).reasons).toEqual(['no permit applies (deny by default)']);
  });

  it('fails closed when a forbid errors at evaluation (Cedar alone would skip it and allow)', () => {
    const dirPolicies = ['roles.cedar', 'need-to-know.cedar'].map((f) => readFileSync(join(DEFAULT_POLICY_DIR, f), 'utf8')).join('\n');
    const schema = readFileSync(join(DEFAULT_POLICY_DIR, 'schema.cedarschema'), 'utf8');
    // Well-typed, so it passes validation, but overflows (an evaluation error) when clearance >= 2.
    const erroring = `${dirPolicies}\nforbid (principal, action, resource is Baseerat::Record) when { principal.clearance * 9223372036854775807 > 0 };`;
    const e = PolicyEngine.fromText(erroring, schema);
    const rec: Resource = { kind: 'Record', id: 'r', label: { classification: 'UNCLASSIFIED', compartments: [], districts: ['Quetta'] } };
    const low: Principal = { id: 'a', role: 'analyst', clearance: 'UNCLASSIFIED', compartments: [], districts: null, active: true };
    const high: Principal = { ...low, clearance: 'SECRET' };
    // clearance 0: 0 * max = 0, no error, the forbid does not apply: allowed as usual.
    expect(e.isAllowed(low, 'viewIncident', rec, { mfa: true })).toBe(true);
    expect(engine.isAllowed(high, 'viewIncident', rec, { mfa: true })).toBe(true);
    // clearance 3: the product overflows, Cedar reports an error and skips the forbid; we deny.
    expect(e.isAllowed(high, 'viewIncident', rec, { mfa: true })).toBe(false);
  });

  it('refuses policies that fail strict validation against the schema', () => {
    const schema = readFileSync(join(DEFAULT_POLICY_DIR, 'schema.cedarschema'), 'utf8');
    const bad = 'forbid (principal, action, resource is Baseerat::Record) unless { principal.clearence >= resource.classification };';
    expect(() => PolicyEngine.fromText(bad, schema)).toThrow(/validation/);
  });
});
