import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../src/api/plugins/rate-limit.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { expectProblem, harness, PASSWORD, type Harness } from './api-harness.js';

let h: Harness;
beforeAll(async () => { h = await harness({ rateLimits: { login: { capacity: 20, refillPerSecond: 0.001 } } }); }, 60_000);
afterAll(async () => { await h.close(); });

describe('auth routes', () => {
  it('logs in with password + TOTP: bearer token, HttpOnly Secure SameSite=Strict cookie, audited', async () => {
    const seq = await h.auditSize();
    h.clock.advance(31_000);
    const r = await h.req('POST', '/api/auth/login', undefined, { username: 'analyst', password: PASSWORD, totp: totp(base32Decode(h.secrets['analyst']!), h.clock.t) });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { token: string; userId: string };
    expect(body.userId).toBe(h.ids['analyst']);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`baseerat_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const audit = await h.auditSince(seq);
    expect(audit.some((e) => e.action === 'auth.login' && e.outcome === 'success' && e.actor === h.ids['analyst'])).toBe(true);
    // The cookie alone authenticates too.
    const me = await h.req('GET', '/api/auth/me', undefined, undefined, { cookie: `baseerat_session=${body.token}` });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: h.ids['analyst'], role: 'analyst', clearance: 'SECRET', districts: null });
  });

  it('refuses a wrong code with 401 problem+json and audits the failure', async () => {
    const seq = await h.auditSize();
    h.clock.advance(31_000);
    const good = totp(base32Decode(h.secrets['commander']!), h.clock.t);
    const wrong = good === '000000' ? '111111' : '000000';
    const r = await h.req('POST', '/api/auth/login', undefined, { username: 'commander', password: PASSWORD, totp: wrong });
    const p = expectProblem(r, 401);
    expect(p['code']).toBe('UNAUTHORIZED');
    expect(r.headers['set-cookie']).toBeUndefined();
    const audit = await h.auditSince(seq);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'auth.login', outcome: 'failure', actor: h.ids['commander'] }));
    // unknown user: same answer
    const u = await h.req('POST', '/api/auth/login', undefined, { username: 'nobody', password: PASSWORD, totp: '123456' });
    expect(expectProblem(u, 401)['detail']).toBe(p['detail']);
  });

  it('400 names the field for bad input (and rejects unknown keys)', async () => {
    const r = await h.req('POST', '/api/auth/login', undefined, { username: 'analyst', password: PASSWORD, totp: '12ab' });
    const p = expectProblem(r, 400);
    expect(p['field']).toBe('body.totp');
    const extra = await h.req('POST', '/api/auth/login', undefined, { username: 'analyst', password: PASSWORD, totp: '123456', admin: true });
    expect(String(expectProblem(extra, 400)['detail'])).toMatch(/admin/);
    const missing = await h.req('POST', '/api/auth/login', undefined, { password: PASSWORD, totp: '123456' });
    expect(expectProblem(missing, 400)['field']).toBe('body.username');
  });

  it('401 without a session, with a garbage token, and after logout', async () => {
    expectProblem(await h.req('GET', '/api/auth/me'), 401);
    expectProblem(await h.req('GET', '/api/auth/me', 'x'.repeat(43)), 401);
    const token = await h.login('researcher');
    expect((await h.req('GET', '/api/auth/me', token)).statusCode).toBe(200);
    const seq = await h.auditSize();
    const out = await h.req('POST', '/api/auth/logout', token);
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await h.auditSince(seq)).map((e) => e.action)).toContain('auth.logout');
    expectProblem(await h.req('GET', '/api/auth/me', token), 401);
    expectProblem(await h.req('POST', '/api/auth/logout'), 401);
  });

  it('a cross-origin state-changing request riding the cookie is refused; same-origin is fine', async () => {
    const token = await h.login('lowanalyst');
    const cookie = { cookie: `baseerat_session=${token}`, host: 'baseerat.local' };
    expectProblem(await h.req('POST', '/api/auth/logout', undefined, undefined, { ...cookie, origin: 'https://evil.example' }), 403);
    expectProblem(await h.req('POST', '/api/auth/logout', undefined, undefined, { ...cookie, 'sec-fetch-site': 'cross-site' }), 403);
    expect((await h.req('GET', '/api/auth/me', undefined, undefined, { ...cookie, origin: 'https://evil.example' })).statusCode).toBe(200);
    expect((await h.req('POST', '/api/auth/logout', undefined, undefined, { ...cookie, origin: 'https://baseerat.local' })).json()).toEqual({ loggedOut: true });
  });

  it('an idle session expires (30 min) and gives 401', async () => {
    const token = await h.login('auditor');
    h.clock.advance(31 * 60_000);
    expect(String(expectProblem(await h.req('GET', '/api/auth/me', token), 401)['detail'])).toMatch(/idle/);
  });
});

describe('cross-cutting', () => {
  it('token buckets: a burst of `capacity`, then one token per 1/rate seconds, per key', () => {
    const b = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5 });
    expect([0, 1, 2].map(() => b.take('a', 0))).toEqual([0, 0, 0]);
    expect(b.take('a', 0)).toBe(2);
    expect(b.take('b', 0)).toBe(0);
    expect(b.take('a', 1_000)).toBe(1);
    expect(b.take('a', 2_000)).toBe(0);
    expect(b.take('a', 60_000)).toBe(0);
  });

  it('security headers on every response: CSP with nonce, nosniff, no-referrer, no-store on /api', async () => {
    const r = await h.req('GET', '/api/auth/me');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cache-control']).toBe('no-store');
    const other = await h.req('GET', '/api/auth/me');
    expect(other.headers['content-security-policy']).not.toBe(csp);
  });

  it('/docs is a page with no script and a nonce on its only style; /docs/openapi.json is OpenAPI 3.1', async () => {
    const page = await h.req('GET', '/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    const nonce = /'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))?.[1];
    expect(page.body).toContain(`<style nonce="${nonce}">`);
    expect(page.body).toContain('/api/incidents');
    const doc = (await h.req('GET', '/docs/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/incidents', '/api/incidents/{id}', '/api/stats', '/api/ingest', '/api/users', '/api/audit']));
  });

  it('healthz needs no session; unknown routes are problem+json 404', async () => {
    const r = await h.req('GET', '/healthz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
    expect(expectProblem(await h.req('GET', '/nope'), 404)['code']).toBe('NOT_FOUND');
  });

  it('rate-limits login per address with 429 and Retry-After', async () => {
    const small = await harness({ rateLimits: { login: { capacity: 2, refillPerSecond: 0.1 } } });
    try {
      const bad = { username: 'analyst', password: 'wrong password here', totp: '000000' };
      expectProblem(await small.req('POST', '/api/auth/login', undefined, bad), 401);
      expectProblem(await small.req('POST', '/api/auth/login', undefined, bad), 401);
      const r = await small.req('POST', '/api/auth/login', undefined, bad);
      expect(expectProblem(r, 429)['code']).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      small.clock.advance(10_000);
      expectProblem(await small.req('POST', '/api/auth/login', undefined, bad), 401);
    } finally {
      await small.close();
    }
  }, 60_000);
});
