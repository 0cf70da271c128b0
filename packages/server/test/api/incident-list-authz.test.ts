/**
 * The incident list's authorization, memoised (one Cedar call per distinct label, shared across
 * requests: RequestAuthorizer + PolicyEngine.sharedDecision) against the per-record path (one
 * unmemoised Cedar call per record and per field): the same records, the same fields shown, the
 * same fields withheld, the same audit, for generated records and users.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident } from '@baseerat/engine';
import { incidentViews } from '../../src/api/routes/incidents.js';
import { incidentLabel } from '../../src/api/need-to-know.js';
import { AccessGate } from '../../src/security/access-gate.js';
import { AuditLog, InMemoryAuditStore } from '../../src/security/audit-log.js';
import { PolicyEngine, type Principal } from '../../src/security/policy-engine.js';
import { DISTRICTS, LEVELS, userArb } from './principal-arbitrary.js';
import { fieldLabel, labelKey } from '../../src/security/security-label.js';

const engine = PolicyEngine.load();
const now = new Date('2026-11-27T05:00:00Z');

const incidentArb = fc.record({
  classification: fc.constantFrom(...LEVELS),
  district: fc.option(fc.constantFrom(...DISTRICTS), { nil: undefined, freq: 6 }),
  narrative: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: undefined, freq: 3 }),
  agencies: fc.subarray(['police', 'levies', 'ctd'], { minLength: 1 }),
});
const incidentsArb = fc.array(incidentArb, { minLength: 1, maxLength: 40 }).map((xs) => xs.map((x, i): Incident => ({
  id: `inc_${i.toString(16).padStart(16, '0')}`,
  occurredAt: '2024-01-01T00:00:00.000Z', timePrecision: 'exact',
  location: { precision: 'district', ...(x.district === undefined ? {} : { district: x.district, province: 'Balochistan' }) },
  category: 'TI.BOMB', severity: { killed: 0, injured: 0, abducted: 0 }, classification: x.classification, reportingMode: 'public',
  sources: x.agencies.map((agency, k) => ({ agency, sourceId: `s${i}-${k}`, receivedAt: '2024-01-01T01:00:00.000Z', format: 'test', raw: `raw ${i}/${k}` })),
  links: [],
  ...(x.narrative === undefined ? {} : { narrative: x.narrative }),
})));

/** The per-record path: every record and every field decided by its own Cedar call, nothing memoised. */
function perRecord(u: Principal, incidents: readonly Incident[], withRaw: boolean) {
  const ctx = { mfa: true };
  const out: { id: string; narrative?: string; withheld: string[]; raw: (string | undefined)[] }[] = [];
  let reads = 0, denials = 0;
  for (const inc of incidents) {
    if (!engine.isAllowed(u, 'viewIncident', { kind: 'Record', id: inc.id, label: incidentLabel(inc) }, ctx)) continue;
    const label = fieldLabel(incidentLabel(inc), { classification: inc.classification });
    const view: (typeof out)[number] = { id: inc.id, withheld: [], raw: inc.sources.map(() => undefined) };
    if (inc.narrative !== undefined) {
      if (engine.isAllowed(u, 'viewField', { kind: 'Field', id: inc.id, field: 'narrative', label }, ctx)) { view.narrative = inc.narrative; reads++; } else { view.withheld.push('narrative'); denials++; }
    }
    if (withRaw) {
      inc.sources.forEach((s, k) => {
        if (engine.isAllowed(u, 'viewField', { kind: 'Field', id: inc.id, field: 'raw', label }, ctx)) { view.raw[k] = s.raw; reads++; } else { view.withheld.push(`sources[${k}].raw`); denials++; }
      });
    }
    out.push(view);
  }
  return { views: out, reads, denials };
}

describe('incident list: memoised authorization equals per-record authorization', () => {
  it('same records, same fields shown and withheld, same audit, for 150 generated (user, records) pairs', async () => {
    let records = 0, shown = 0, hidden = 0, fieldsShown = 0, fieldsWithheld = 0, cedarCalls = 0, decisions = 0;
    await fc.assert(
      fc.asyncProperty(userArb, incidentsArb, fc.boolean(), async (u, incidents, withRaw) => {
        const audit = new AuditLog(new InMemoryAuditStore());
        const authz = engine.forRequest(u, { mfa: true });
        const gate = new AccessGate(authz, audit, 'test');
        // The list route's path: filterRecords, then the views with their field reads in one audited batch.
        const visible = authz.filterRecords(incidents, (i) => i.id, incidentLabel);
        const views = await incidentViews(gate, visible, withRaw, now);
        const want = perRecord(u, incidents, withRaw);
        const got = views.map((v) => ({
          id: v.id, ...(v.narrative === undefined ? {} : { narrative: v.narrative }), withheld: v.withheld, raw: v.sources.map((s) => s.raw),
        }));
        expect(got).toEqual(want.views);
        const events = (await audit.store.read(0, 1_000_000)).map((r) => JSON.parse(r.entry) as { action: string; target: string });
        expect(events.filter((e) => e.action === 'data.read')).toHaveLength(want.reads);
        expect(events.filter((e) => e.action === 'authz.denied')).toHaveLength(want.denials);
        records += incidents.length; shown += views.length; hidden += incidents.length - views.length;
        fieldsShown += want.reads; fieldsWithheld += want.denials;
        // One Cedar call at most per distinct (action, field, label) of the request, not one per record or field.
        const tuples = new Set(incidents.map((i) => `record ${labelKey(incidentLabel(i))}`));
        for (const i of visible) {
          const l = labelKey(fieldLabel(incidentLabel(i), { classification: i.classification }));
          if (i.narrative !== undefined) tuples.add(`narrative ${l}`);
          if (withRaw) tuples.add(`raw ${l}`);
        }
        expect(authz.cedarCalls).toBeLessThanOrEqual(tuples.size);
        cedarCalls += authz.cedarCalls; decisions += incidents.length + want.reads + want.denials;
      }),
      { seed: 20261127, numRuns: 150, endOnFailure: true },
    );
    console.info(`incident list authz: ${records} records, ${shown} shown, ${hidden} hidden; fields ${fieldsShown} shown, ${fieldsWithheld} withheld; ${cedarCalls} Cedar calls on the memoised path for ${decisions} decisions`);
    // The comparison means something only if every outcome occurs often.
    expect(shown).toBeGreaterThan(200);
    expect(hidden).toBeGreaterThan(200);
    expect(fieldsShown).toBeGreaterThan(100);
    // A field's label is its record's here, so a field is withheld from a user who sees the record
    // only when the role may not read fields (researchers): rarer.
    expect(fieldsWithheld).toBeGreaterThan(20);
    expect(cedarCalls).toBeLessThan(decisions);
  });

  it('across requests: the second request of a user makes no Cedar call; a changed account is decided afresh', async () => {
    const incidents = fc.sample(incidentsArb, { seed: 5, numRuns: 1 })[0]!;
    const quetta: Principal = { id: 'u_cross', role: 'district_officer', clearance: 'SECRET', compartments: [], districts: ['Quetta'], active: true };
    const list = async (u: Principal) => {
      const authz = engine.forRequest(u, { mfa: true });
      const gate = new AccessGate(authz, new AuditLog(new InMemoryAuditStore()), 'test');
      const views = await incidentViews(gate, authz.filterRecords(incidents, (i) => i.id, incidentLabel), false, now);
      return { ids: views.map((v) => v.id), calls: authz.cedarCalls };
    };
    const first = await list(quetta);
    const second = await list(quetta);
    expect(second.ids).toEqual(first.ids);
    expect(second.calls).toBe(0);
    // The same account moved to Gwadar: its Quetta decisions are not reused.
    const moved = await list({ ...quetta, districts: ['Gwadar'] });
    expect(moved.calls).toBeGreaterThan(0);
    expect(moved.ids).toEqual(perRecord({ ...quetta, districts: ['Gwadar'] }, incidents, false).views.map((v) => v.id));
    expect(first.ids).toEqual(perRecord(quetta, incidents, false).views.map((v) => v.id));
    expect(first.ids).not.toEqual(moved.ids);
  });
});
