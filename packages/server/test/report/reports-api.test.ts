/**
 * /api/reports through the real app (Cedar policies, audit log) on the API harness's seeded store
 * (five incidents in March 2024: Quetta x2, Gwadar x2, Kech x1 at several classifications):
 * 401/403/400, generation by clearance, distribution by clearance and region, audited openings.
 * HTML and JSON only here: the PDF path is tested on real data in report-ucdp.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, harness, type Harness, type Who } from '../api/api-harness.js';

let h: Harness;
let dir: string;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baseerat-reports-api-'));
  h = await harness({ reportsDir: dir });
  for (const w of ['analyst', 'lowanalyst', 'quetta', 'gwadar', 'researcher'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); rmSync(dir, { recursive: true, force: true }); });

type Archived = { id: string; classification: string; districts: string[]; district: string | null; generatedBy: string; formats: string[] };
const BODY = { template: 'monthly', period: '2024-03', formats: ['json', 'html'] };

describe('/api/reports', () => {
  let province: Archived;
  let quetta: Archived;
  let restricted: Archived;

  it('401 without a session; 400 names the field; 403 for roles that may not generate (audited)', async () => {
    expectProblem(await h.req('GET', '/api/reports'), 401);
    expectProblem(await h.req('POST', '/api/reports', undefined, BODY), 401);
    expect(expectProblem(await h.req('POST', '/api/reports', tok.analyst, { ...BODY, period: '2024-13' }), 400)['field']).toBe('period');
    expect(expectProblem(await h.req('POST', '/api/reports', tok.analyst, { ...BODY, template: 'weekly' }), 400)['field']).toBe('period');
    expectProblem(await h.req('POST', '/api/reports', tok.analyst, { ...BODY, colour: 'red' }), 400);
    const seq = await h.auditSize();
    expectProblem(await h.req('POST', '/api/reports', tok.quetta, { ...BODY, district: 'Quetta' }), 403);
    expectProblem(await h.req('POST', '/api/reports', tok.researcher, BODY), 403);
    const denied = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denied.map((e) => e.actor).sort()).toEqual([h.ids['quetta'], h.ids['researcher']].sort());
  });

  it('an analyst generates the province edition (SECRET: the highest classification read) and a district edition; both audited', async () => {
    const seq = await h.auditSize();
    const r = await h.req('POST', '/api/reports', tok.analyst, BODY);
    expect(r.statusCode).toBe(201);
    province = r.json() as Archived;
    expect(province.classification).toBe('SECRET');
    expect(province.districts).toEqual(['Gwadar', 'Kech', 'Quetta']);
    expect(province.generatedBy).toBe(h.ids['analyst']);
    expect(province.formats.sort()).toEqual(['html', 'json']);
    const q = await h.req('POST', '/api/reports', tok.analyst, { ...BODY, district: 'quetta' });
    expect(q.statusCode).toBe(201);
    quetta = q.json() as Archived;
    expect(quetta.district).toBe('Quetta');
    expect(quetta.districts).toEqual(['Quetta']);
    const gen = (await h.auditSince(seq)).filter((e) => e.action === 'report.generate');
    expect(gen.map((e) => e.target)).toEqual([province.id, quetta.id]);
  });

  it('a RESTRICTED analyst\'s report reads nothing above RESTRICTED', async () => {
    const r = await h.req('POST', '/api/reports', tok.lowanalyst, BODY);
    expect(r.statusCode).toBe(201);
    restricted = r.json() as Archived;
    expect(restricted.classification).toBe('RESTRICTED');
    const model = (await h.req('GET', `/api/reports/${restricted.id}`, tok.lowanalyst)).json() as { sections: { id: string; paragraphs: { facts: { key: string; value: unknown }[] }[] }[] };
    const count = model.sections[0]!.paragraphs[0]!.facts.find((f) => f.key === 'count')!.value;
    expect(count).toBe(3); // UNCLASSIFIED and RESTRICTED incidents only: q1, g1, g2
  });

  it('a custom report carries the summary, the sections asked for and the methods notes', async () => {
    const r = await h.req('POST', '/api/reports', tok.analyst, { template: 'custom', period: '2024-03', sections: ['trends', 'data-quality'], formats: ['json'] });
    expect(r.statusCode).toBe(201);
    const id = (r.json() as Archived).id;
    const model = (await h.req('GET', `/api/reports/${id}`, tok.analyst)).json() as { template: string; sections: { id: string }[] };
    expect(model.template).toBe('custom');
    expect(model.sections.map((x) => x.id)).toEqual(['summary', 'trends', 'data-quality', 'methods']);
    expectProblem(await h.req('POST', '/api/reports', tok.analyst, { template: 'custom', period: '2024-03', sections: ['weather'] }), 400);
  });

  it('distribution follows clearance and region: each user lists only what they may read', async () => {
    const ids = async (w: Who) => ((await h.req('GET', '/api/reports', tok[w])).json() as { reports: Archived[] }).reports.map((x) => x.id).sort();
    expect(await ids('analyst')).toEqual(expect.arrayContaining([province.id, quetta.id, restricted.id]));
    expect(await ids('quetta')).toEqual([quetta.id]);
    expect(await ids('gwadar')).toEqual([]);
    expect(await ids('lowanalyst')).toEqual([restricted.id]);
  });

  it('opening a report is checked, audited and recorded; another region\'s report is 403 (audited)', async () => {
    let seq = await h.auditSize();
    expectProblem(await h.req('GET', `/api/reports/${province.id}.html`, tok.quetta), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.actor === h.ids['quetta'])).toHaveLength(1);
    seq = await h.auditSize();
    const r = await h.req('GET', `/api/reports/${quetta.id}.html`, tok.quetta);
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/html/);
    expect(r.body).toContain('<html lang="en"');
    expect(String(r.headers['content-disposition'])).toBe(`attachment; filename="${quetta.id}.html"`);
    const nonce = /'nonce-([^']+)'/.exec(String(r.headers['content-security-policy']))?.[1];
    expect(r.body).toContain(`<style nonce="${nonce}">`);
    expect(r.body).toContain('SECRET');
    expect(r.body).not.toContain('Gwadar');
    expect((await h.auditSince(seq))).toContainEqual(expect.objectContaining({ action: 'data.read', actor: h.ids['quetta'], target: `report:${quetta.id}` }));
    expectProblem(await h.req('GET', `/api/reports/${quetta.id}.pdf`, tok.quetta), 404);
    expectProblem(await h.req('GET', '/api/reports/rpt_0000', tok.analyst), 404);
    expectProblem(await h.req('GET', '/api/reports/report.exe', tok.analyst), 400);
  });

  it('the archive records who generated and who opened each report', async () => {
    // the route's archive owns the DuckDB file; read it through the route's own list and the audit log
    const list = ((await h.req('GET', '/api/reports', tok.analyst)).json() as { reports: Archived[] }).reports;
    expect(list.find((x) => x.id === quetta.id)?.generatedBy).toBe(h.ids['analyst']);
    const reads = (await h.auditSince(0)).filter((e) => e.action === 'data.read' && e.target === `report:${quetta.id}`);
    expect(reads.map((e) => e.actor)).toEqual([h.ids['quetta']]);
  });
});
