import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '@baseerat/engine';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

let h: Harness;
const tok: Partial<Record<Who, string>> = {};

// A monthly panel, 2021-2023, UNCLASSIFIED: Quetta (treated from 2023-01) and four comparison districts.
const PLACES: Record<string, [number, number]> = {
  Quetta: [30.18, 67.01], Pishin: [30.58, 67.0], Mastung: [29.8, 66.85], Kech: [26.0, 63.05], Gwadar: [25.13, 62.32],
};
function panel(): { id: string; reports: Report[]; links: [] }[] {
  const out: { id: string; reports: Report[]; links: [] }[] = [];
  for (const [d, [lat, lon]] of Object.entries(PLACES)) {
    for (let m = 0; m < 36; m++) {
      const base = 4 + (m % 3);
      const n = d === 'Quetta' && m >= 24 ? base - 2 : base;
      for (let k = 0; k < n; k++) {
        const y = 2021 + Math.floor(m / 12), mo = (m % 12) + 1;
        const id = `ev-${d}-${m}-${k}`;
        out.push({ id, links: [], reports: [{
          occurredAt: `${y}-${String(mo).padStart(2, '0')}-${String(2 + k).padStart(2, '0')}T10:00:00.000Z`, timePrecision: 'exact',
          location: { lat, lon, precision: 'exact', district: d, province: 'Balochistan' },
          category: 'TI.ASSAULT', severity: { killed: 0, injured: 1, abducted: 0 }, classification: 'UNCLASSIFIED', reportingMode: 'public',
          source: { agency: 'police', sourceId: id, receivedAt: '2024-01-20T00:00:00.000Z', format: 'test', raw: '{}' },
        }] });
      }
    }
  }
  return out;
}

const measure = (treated: string[], comparison: string[]) => ({
  id: 'test-checkpoints', name: 'new checkpoints', type: 'checkpoint',
  treated: { districts: treated }, comparison: { districts: comparison }, start: '2023-01-01', preMonths: 24, postMonths: 12,
});

beforeAll(async () => {
  h = await harness();
  await h.env.store.writeBatch({ newIncidents: panel(), attachments: [], quarantine: [] });
  for (const w of ['analyst', 'quetta', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); });

describe('POST /api/evaluations', () => {
  it('401 without a session; 403 for an auditor; 400 names the field', async () => {
    const body = { measure: measure(['Quetta'], ['Pishin', 'Mastung', 'Kech', 'Gwadar']), methods: ['did'] };
    expectProblem(await h.req('POST', '/api/evaluations', undefined, body), 401);
    expectProblem(await h.req('POST', '/api/evaluations', tok.auditor, body), 403);
    const bad = expectProblem(await h.req('POST', '/api/evaluations', tok.analyst, { ...body, methods: ['magic'] }), 400);
    expect(String(bad['field'])).toMatch(/^body\.methods/);
    const badMeasure = expectProblem(await h.req('POST', '/api/evaluations', tok.analyst, { measure: { ...body.measure, type: 42 } }), 400);
    expect(String(badMeasure['field'])).toMatch(/^measure\./);
  });

  it('an analyst gets the rate ratio of the injected fall, and the run is audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('POST', '/api/evaluations', tok.analyst, { measure: measure(['Quetta'], ['Pishin', 'Mastung', 'Kech', 'Gwadar']), methods: ['did', 'wdd'] });
    expect(r.statusCode).toBe(200);
    const env = r.json() as { analysis: string; result: { did?: { ok: boolean; result?: { effect: { rateRatio: number } } } } };
    expect(env.analysis).toBe('evaluate');
    // Quetta's post-period counts are (4,5,6) - 2 against (4,5,6): a rate ratio of 3/5 = 0.6 against flat comparisons.
    expect(env.result.did?.ok).toBe(true);
    expect(env.result.did?.result?.effect.rateRatio).toBeCloseTo(0.6, 2);
    expect(await h.auditSince(seq)).toContainEqual(expect.objectContaining({ action: 'analysis.run', target: 'evaluation', actor: h.ids['analyst'] }));
  });

  it("a district officer cannot evaluate with other districts' data, declared or matched: 403, audited", async () => {
    const seq = await h.auditSize();
    expectProblem(await h.req('POST', '/api/evaluations', tok.quetta, { measure: measure(['Quetta'], ['Pishin', 'Mastung', 'Kech', 'Gwadar']), methods: ['did'] }), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.actor === h.ids['quetta'])).toHaveLength(1);
    // No comparison declared: the service matches comparison districts, which the officer may not see either.
    const matched = await h.req('POST', '/api/evaluations', tok.quetta, { measure: { ...measure(['Quetta'], []), comparison: undefined, matchComparisons: 2 }, methods: ['its'] });
    expectProblem(matched, 403);
  });
});
