/**
 * The list's serializer (listSerializerCompiler) stringifies the views as `incidentViews` built them,
 * without the zod re-check of every item: for generated pages mixing classifications, districts,
 * narratives (read or withheld), sources and links, and users of every role, scope and clearance,
 * its bytes equal the zod serializer's (fastify-type-provider-zod, the path before) on the same
 * answer, and what it releases is the same (the records: visibleIncidents against filterRecords). Nested objects given in any key order, or carrying a
 * key outside the schema, come out in the schema's shape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Incident } from '@baseerat/engine';
import { IncidentListSchema, incidentViews, listSerializerCompiler, visibleIncidents } from '../../src/api/routes/incidents.js';
import { incidentLabel } from '../../src/api/need-to-know.js';
import { PROBLEMS } from '../../src/api/plugins/problem-json.js';
import { AccessGate } from '../../src/security/access-gate.js';
import { AuditLog, InMemoryAuditStore } from '../../src/security/audit-log.js';
import { PolicyEngine, type Principal } from '../../src/security/policy-engine.js';
import { DISTRICTS, LEVELS, userArb } from './principal-arbitrary.js';

const engine = PolicyEngine.load();
const now = new Date('2026-11-27T05:00:00Z');
const route = { method: 'GET', url: '/api/incidents' };
const zodList = serializerCompiler({ ...route, schema: IncidentListSchema, httpStatus: '200' });
const fastList = listSerializerCompiler({ ...route, schema: IncidentListSchema, httpStatus: '200' });

/** An object with the given entries in a shuffled key order (the store may build them in any order). */
const shuffled = <T extends object>(entries: [string, unknown][]) => fc.shuffledSubarray(entries, { minLength: entries.length })
  .map((es) => Object.fromEntries(es.filter(([, v]) => v !== undefined)) as T);

const locationArb = fc.record({
  lat: fc.option(fc.double({ min: 24, max: 32, noNaN: true }), { nil: undefined }),
  lon: fc.option(fc.double({ min: 60, max: 70, noNaN: true }), { nil: undefined }),
  precision: fc.constantFrom('exact', 'near', 'district', 'province', 'unknown' as const),
  district: fc.option(fc.constantFrom(...DISTRICTS), { nil: undefined, freq: 6 }),
  h3: fc.option(fc.constant('8843a1ac1bfffff'), { nil: undefined }),
  placeName: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
}).chain((l) => shuffled<Incident['location']>([['lat', l.lat], ['lon', l.lon], ['precision', l.precision], ['district', l.district],
  ['province', l.district === undefined ? undefined : 'Balochistan'], ['h3', l.h3], ['placeName', l.placeName]]));
const severityArb = fc.tuple(fc.nat(9), fc.nat(9), fc.nat(9)).chain(([k, i, a]) => shuffled<Incident['severity']>([['killed', k], ['injured', i], ['abducted', a]]));
const linkArb = fc.record({ distanceKm: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: undefined }), hoursApart: fc.double({ min: 0, max: 48, noNaN: true }) })
  .chain((l) => shuffled<Incident['links'][number]>([['a', 'police:1'], ['b', 'levies:2'], ['rule', 'space-time'], ['distanceKm', l.distanceKm], ['hoursApart', l.hoursApart]]));

const incidentsArb = fc.array(fc.record({
  classification: fc.constantFrom(...LEVELS),
  location: locationArb,
  severity: severityArb,
  links: fc.array(linkArb, { maxLength: 2 }),
  narrative: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: undefined, freq: 3 }),
  reportedAt: fc.option(fc.constant('2024-01-02T00:00:00.000Z'), { nil: undefined }),
  targetType: fc.option(fc.constantFrom('civilians', 'police'), { nil: undefined }),
  agencies: fc.subarray(['police', 'levies', 'ctd'], { minLength: 1 }),
}), { minLength: 1, maxLength: 40 }).map((xs) => xs.map((x, i): Incident => ({
  id: `inc_${i.toString(16).padStart(16, '0')}`,
  occurredAt: '2024-01-01T00:00:00.000Z', timePrecision: 'exact',
  ...(x.reportedAt === undefined ? {} : { reportedAt: x.reportedAt }),
  location: x.location,
  category: 'TI.BOMB', severity: x.severity,
  ...(x.targetType === undefined ? {} : { targetType: x.targetType }),
  classification: x.classification, reportingMode: 'public',
  sources: x.agencies.map((agency, k) => ({ agency, sourceId: `s${i}-${k}`, receivedAt: '2024-01-01T01:00:00.000Z', format: 'test', raw: `raw ${i}/${k}` })),
  links: x.links,
  ...(x.narrative === undefined ? {} : { narrative: x.narrative }),
})));

describe('incident list serializer', () => {
  it('the same bytes as the zod serializer on the same page, for 300 generated (user, page) pairs', async () => {
    let items = 0, narratives = 0, withheld = 0;
    await fc.assert(fc.asyncProperty(userArb, incidentsArb, async (u, incidents) => {
      const authz = engine.forRequest(u, { mfa: true });
      const gate = new AccessGate(authz, new AuditLog(new InMemoryAuditStore()), 'test');
      const visible = visibleIncidents(authz, incidents);
      // the route's decision once per distinct label: the same records as filterRecords (once per record)
      expect(visible).toEqual(authz.filterRecords(incidents, (i) => i.id, incidentLabel));
      const answer = { items: await incidentViews(gate, visible, false, now), total: 1234, offset: 0, limit: 500 };
      const fast = fastList(answer);
      expect(fast).toBe(zodList(answer));
      // what is released: only the visible records, a narrative only where the gate read it
      const parsed = JSON.parse(fast) as { items: { id: string; narrative?: string; withheld: string[] }[] };
      expect(parsed.items.map((v) => v.id)).toEqual(visible.map((i) => i.id));
      items += parsed.items.length;
      narratives += parsed.items.filter((v) => v.narrative !== undefined).length;
      withheld += parsed.items.filter((v) => v.withheld.includes('narrative')).length;
    }), { numRuns: 300 });
    // the generator reaches every case: records shown, narratives shown and withheld
    expect(items).toBeGreaterThan(100);
    expect(narratives).toBeGreaterThan(10);
    expect(withheld).toBeGreaterThan(10);
  });

  it('a key outside the schema in a nested object is not carried (the views copy the schema fields only)', async () => {
    const u: Principal = { id: 'u1', role: 'administrator', clearance: 'SECRET', compartments: [], districts: null, active: true };
    const authz = engine.forRequest(u, { mfa: true });
    const gate = new AccessGate(authz, new AuditLog(new InMemoryAuditStore()), 'test');
    const inc = {
      id: 'inc_0000000000000001', occurredAt: '2024-01-01T00:00:00.000Z', timePrecision: 'exact', category: 'TI.BOMB',
      location: { internal: 'x', precision: 'district', district: 'Quetta', province: 'Balochistan' },
      severity: { abducted: 0, hidden: 1, killed: 1, injured: 2 }, classification: 'RESTRICTED', reportingMode: 'public',
      sources: [{ agency: 'police', sourceId: '1', receivedAt: '2024-01-01T01:00:00.000Z', format: 'test', raw: 'r', extra: 'y' }],
      links: [{ hoursApart: 1, a: 'p:1', b: 'l:2', rule: 'r', note: 'z' }],
    } as unknown as Incident;
    const body = fastList({ items: await incidentViews(gate, [inc], false, now), total: 1, offset: 0, limit: 50 });
    expect(body).not.toMatch(/internal|hidden|extra|note/);
    expect(JSON.parse(body).items[0]).toMatchObject({ location: { precision: 'district', district: 'Quetta', province: 'Balochistan' }, severity: { killed: 1, injured: 2, abducted: 0 } });
  });

  it('every other status goes through the zod serializer', () => {
    const problem = listSerializerCompiler({ ...route, schema: PROBLEMS[400], httpStatus: '400' });
    expect(() => problem({ type: 1 })).toThrow();
  });
});
