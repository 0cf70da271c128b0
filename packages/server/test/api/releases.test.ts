import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { PartnersFile } from '../../src/release/index.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

// In force on the harness clock (2026-01-05); budget 1 so that two releases at 0.6 overrun it.
const PARTNERS: PartnersFile = {
  partners: [{
    id: 'uob-test', name: 'University of Balochistan (test)', contact: 'research@example.edu.pk',
    agreement: { reference: 'HD-AI/TEST/1', signed: '2025-01-01', expires: '2027-12-31' },
    epsilonBudget: 1, kinds: ['aggregate'], maxClassification: 'UNCLASSIFIED', provinces: ['Balochistan'],
    microdata: { k: 10, l: 2 }, licence: 'Baseerat Research Data Licence 1.0',
  }],
};
const BODY = { partner: 'uob-test', kind: 'aggregate', epsilon: 0.6, period: { from: '2024-01-01', to: '2025-01-01' }, groupings: { levels: ['province', 'district'] }, purpose: 'api test' };

let h: Harness;
let dir: string;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baseerat-api-releases-'));
  h = await harness({ partners: PARTNERS, releasesDir: join(dir, 'releases') });
  for (const w of ['admin', 'analyst', 'commander'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); rmSync(dir, { recursive: true, force: true }); });

describe('/api/releases', () => {
  it('401 without a session; 403 for an analyst and for an administrator (policy: only approveRelease holders), each denial audited', async () => {
    expectProblem(await h.req('GET', '/api/releases/budgets'), 401);
    expectProblem(await h.req('POST', '/api/releases', undefined, BODY), 401);
    const seq = await h.auditSize();
    expect(expectProblem(await h.req('POST', '/api/releases', tok.analyst, BODY), 403)['field']).toBe('role');
    expectProblem(await h.req('GET', '/api/releases/budgets', tok.analyst), 403);
    // roles.cedar gives approveRelease to commanders only; administrators read no incident data.
    expectProblem(await h.req('POST', '/api/releases', tok.admin, BODY), 403);
    const denied = (await h.auditSince(seq)).filter((e) => e.action === 'authz.denied');
    expect(denied.map((e) => [e.actor, e.target, e.details?.['action']])).toEqual([
      [h.ids['analyst'], 'release:uob-test', 'approveRelease'],
      [h.ids['analyst'], 'releases', 'approveRelease'],
      [h.ids['admin'], 'release:uob-test', 'approveRelease'],
    ]);
    // Nothing was written.
    expect(existsSync(join(dir, 'releases'))).toBe(false);
  });

  it('403 for a commander scoped to one district: a release covers the whole province (label check, audited)', async () => {
    const e = await h.env.security.accounts.createUser({ username: 'qcommander', password: 'a long enough test password 7', role: 'commander', clearance: 'SECRET', districts: ['Quetta'] }, { id: 'system', from: 'test' }, h.clock.now());
    h.clock.advance(31_000);
    const login = await h.req('POST', '/api/auth/login', undefined, { username: 'qcommander', password: 'a long enough test password 7', totp: totp(base32Decode(e.totpSecret), h.clock.t) });
    expect(login.statusCode, login.body).toBe(200);
    const token = (login.json() as { token: string }).token;
    // The budgets need only the unlabelled check, which a scoped commander passes.
    expect((await h.req('GET', '/api/releases/budgets', token)).statusCode).toBe(200);
    const seq = await h.auditSize();
    expectProblem(await h.req('POST', '/api/releases', token, BODY), 403);
    const audit = await h.auditSince(seq);
    expect(audit.filter((x) => x.action === 'authz.denied').map((x) => [x.actor, x.target])).toEqual([[e.user.id, 'release:uob-test']]);
    expect(audit.filter((x) => x.action === 'release.approve')).toEqual([]);
  });

  it('400 naming the field for a bad body', async () => {
    const { kind: _k, ...noKind } = BODY;
    expect(expectProblem(await h.req('POST', '/api/releases', tok.commander, noKind), 400)['field']).toBe('body.kind');
    expect(expectProblem(await h.req('POST', '/api/releases', tok.commander, { ...BODY, epsilon: -1 }), 400)['field']).toBe('body.epsilon');
    expect(expectProblem(await h.req('POST', '/api/releases', tok.commander, { ...BODY, out: '/tmp/x' }), 400)['detail']).toMatch(/out/);
    expect(expectProblem(await h.req('POST', '/api/releases', tok.commander, { ...BODY, partner: 'nobody' }), 404)['field']).toBe('partner');
  });

  it('201 for an approver: the release is written under the releases directory, audited as release.approve, and spends the budget; an overrun is 403', async () => {
    const seq = await h.auditSize();
    const r = await h.req('POST', '/api/releases', tok.commander, BODY);
    expect(r.statusCode, r.body).toBe(201);
    const s = r.json() as { releaseId: string; dir: string; partner: string; epsilon: number; budget: { spentBefore: number; spentAfter: number; remaining: number }; files: { name: string }[]; manifest: Record<string, unknown> };
    expect(s).toMatchObject({ partner: 'uob-test', epsilon: 0.6, budget: { spentBefore: 0, spentAfter: 0.6 } });
    expect(s.budget.remaining).toBeCloseTo(0.4, 12);
    expect(dirname(s.dir)).toBe(join(dir, 'releases'));
    expect(basename(s.dir)).toBe(s.releaseId);
    expect(readdirSync(join(dir, 'releases'))).toEqual([s.releaseId]);
    expect(readdirSync(s.dir).sort()).toEqual(['CITATION', 'LICENSE', 'data-dictionary.md', 'data.csv', 'manifest.json']);
    const manifest = JSON.parse(readFileSync(join(s.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['approvedBy']).toBe(h.ids['commander']);
    expect(manifest['releaseId']).toBe(s.releaseId);
    expect(s.manifest['releaseId']).toBe(s.releaseId);
    const approve = (await h.auditSince(seq)).filter((e) => e.action === 'release.approve');
    expect(approve).toEqual([expect.objectContaining({ actor: h.ids['commander'], target: s.releaseId, from: '127.0.0.1', outcome: 'success' })]);
    expect(approve[0]!.details).toMatchObject({ partner: 'uob-test', epsilon: 0.6, purpose: 'api test' });

    const b = (await h.req('GET', '/api/releases/budgets', tok.commander)).json() as { partners: { id: string; epsilonBudget: number; epsilonSpent: number; epsilonRemaining: number }[] };
    expect(b.partners).toHaveLength(1);
    expect(b.partners[0]).toMatchObject({ id: 'uob-test', epsilonBudget: 1, epsilonSpent: 0.6 });
    expect(b.partners[0]!.epsilonRemaining).toBeCloseTo(0.4, 12);

    // 0.6 more would make 1.2 of 1: refused, audited as a denied release.approve, nothing written.
    const seq2 = await h.auditSize();
    const p = expectProblem(await h.req('POST', '/api/releases', tok.commander, BODY), 403);
    expect(p['field']).toBe('epsilon');
    expect(p['detail']).toMatch(/exceed the budget of uob-test/);
    const refused = (await h.auditSince(seq2)).filter((e) => e.action === 'release.approve');
    expect(refused).toEqual([expect.objectContaining({ actor: h.ids['commander'], outcome: 'denied' })]);
    expect(readdirSync(join(dir, 'releases'))).toEqual([s.releaseId]);
  }, 30_000);

  it('404 problem+json when the server has no partners file or releases directory', async () => {
    const bare = await createApp({ store: h.env.store, security: h.env.security, geography: loadGeography(), now: h.clock.now });
    try {
      for (const [method, url] of [['GET', '/api/releases/budgets'], ['POST', '/api/releases']] as const) {
        const r = await bare.inject({ method, url, headers: { authorization: `Bearer ${tok.commander!}` }, ...(method === 'POST' ? { payload: BODY } : {}) });
        expect(expectProblem(r, 404)['detail']).toMatch(/releases are not configured on this server/);
      }
    } finally {
      await bare.close();
    }
  });
});
