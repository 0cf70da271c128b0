/**
 * The start-up warm-up (api/warm-up.ts) computes exactly what the landing view's requests then ask
 * the store for: after it, the first stats, points and sources requests of every kind of user are
 * all answered from the store's cache (no miss); without it, the same requests miss. It writes no
 * audit entry and releases nothing (each request still decides and audits as before).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccountWarmer, warmDashboard } from '../../src/api/warm-up.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { ReadCache } from '../../src/store/duckdb/read-cache.js';
import type { Store } from '../../src/store/port.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { harness, PASSWORD, type Harness, type Who } from './api-harness.js';

const LANDING = ['/api/stats?province=Balochistan', '/api/incidents/points?province=Balochistan&limit=500', '/api/sources'];
const WHO: Who[] = ['analyst', 'lowanalyst', 'commander', 'quetta', 'gwadar', 'researcher'];

const counters = (h: Harness) => (h.env.store as unknown as { readCache: ReadCache }).readCache.counters;

/** Each user's landing requests; their statuses and bodies, and the cache misses they caused. */
async function landing(h: Harness, tokens: Record<string, string>) {
  const before = counters(h);
  const bodies: string[] = [];
  for (const who of WHO) {
    for (const url of LANDING) {
      const r = await h.req('GET', url, tokens[who]);
      bodies.push(`${who} ${url} ${r.statusCode} ${r.body}`);
    }
  }
  const after = counters(h);
  return { bodies, misses: after.misses - before.misses, hits: after.hits - before.hits };
}

let open: Harness[] = [];
afterEach(async () => { for (const h of open) await h.close(); open = []; });

async function loggedIn() {
  const h = await harness();
  open.push(h);
  const tokens: Record<string, string> = {};
  for (const who of WHO) tokens[who] = await h.login(who);
  return { h, tokens };
}

describe('start-up warm-up of the landing view', () => {
  it('after it, every landing request of every role is a cache hit; the answers are those of an unwarmed server; no audit entry', async () => {
    const cold = await loggedIn();
    const unwarmed = await landing(cold.h, cold.tokens);
    // the control: without the warm-up the first requests compute their results
    expect(unwarmed.misses).toBeGreaterThan(5);

    const warm = await loggedIn();
    const seq = await warm.h.auditSize();
    const res = await warmDashboard({ store: warm.h.env.store, security: warm.h.env.security, geography: loadGeography() });
    expect(res.accounts).toBe(8);
    expect(res.views).toBeGreaterThan(3);
    expect(await warm.h.auditSize()).toBe(seq);
    const warmed = await landing(warm.h, warm.tokens);
    expect(warmed.misses).toBe(0);
    expect(warmed.hits).toBeGreaterThan(WHO.length * 2);
    // the same statuses and bodies (researchers included, whose stats may be refused) as without it
    expect(warmed.bodies).toEqual(unwarmed.bodies);
  });

  it('a write after it empties the cache: the next landing request computes afresh', async () => {
    const { h, tokens } = await loggedIn();
    await warmDashboard({ store: h.env.store, security: h.env.security, geography: loadGeography() });
    await h.env.store.writeBatch({ newIncidents: [], attachments: [], quarantine: [] });
    const before = counters(h);
    await h.req('GET', LANDING[0]!, tokens['analyst']);
    expect(counters(h).misses).toBeGreaterThan(before.misses);
  });
});

/**
 * Accounts that did not exist when the server started: `AccountWarmer` (ApiDeps.accountWarmer)
 * warms their landing view in the background when they are created through the API and when they
 * log in. The warmer reads through a gate here, so the test can hold its store reads and show that
 * the request that started it answered without waiting for them.
 */
describe('background warm-up of accounts created or logging in after the start', () => {
  const KECH = { username: 'kech', password: PASSWORD, role: 'district_officer', clearance: 'SECRET', districts: ['Kech'] } as const;
  const KECH_LANDING = ['/api/stats?province=Balochistan', '/api/incidents/points?province=Balochistan&limit=500', '/api/sources'];

  /** The store with its `stats` held until `open()`, or failing when `fail` is set. */
  function gated(store: Store, fail = false) {
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const proxy = new Proxy(store, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'stats' || typeof v !== 'function') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        return async (...args: unknown[]) => {
          await gate;
          if (fail) throw new Error('store unavailable');
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { proxy, open };
  }

  async function withWarmer(fail = false) {
    let warmer!: AccountWarmer;
    let open!: () => void;
    const errors: unknown[] = [];
    const h = await harness((env) => {
      const g = gated(env.store, fail);
      open = g.open;
      warmer = new AccountWarmer({ store: g.proxy, security: env.security, geography: loadGeography() }, (e) => errors.push(e));
      return { accountWarmer: warmer };
    });
    open_.push(h);
    return { h, warmer, open, errors };
  }
  const open_: Harness[] = [];
  afterEach(async () => { for (const h of open_.splice(0)) await h.close(); });

  async function kechLanding(h: Harness, token: string) {
    const before = counters(h);
    const bodies: string[] = [];
    for (const url of KECH_LANDING) bodies.push((await h.req('GET', url, token)).body);
    return { misses: counters(h).misses - before.misses, bodies };
  }

  /** Creates the Kech officer through the API as the administrator; logs the officer in. */
  async function createKech(h: Harness) {
    const admin = await h.login('admin');
    const r = await h.req('POST', '/api/users', admin, KECH);
    expect(r.statusCode).toBe(201);
    return (r.json() as { totpSecret: string }).totpSecret;
  }
  async function loginKech(h: Harness, secret: string) {
    h.clock.advance(31_000);
    const r = await h.req('POST', '/api/auth/login', undefined, { username: 'kech', password: PASSWORD, totp: totp(base32Decode(secret), h.clock.t) });
    expect(r.statusCode).toBe(200);
    return (r.json() as { token: string }).token;
  }

  it('an account created through the API: the create request answers while the warm-up is held; after it, the first landing is all cache hits', async () => {
    const control = await harness();
    open_.push(control);
    const cold = await kechLanding(control, await loginKech(control, await createKech(control)));
    expect(cold.misses).toBeGreaterThan(0);

    const { h, warmer, open, errors } = await withWarmer();
    const secret = await createKech(h);
    // the 201 came back while the warm-up waits on the gate
    expect(warmer.busy).toBe(1);
    open();
    await warmer.settle();
    expect(warmer.counts).toEqual({ warmed: 1, skipped: 1, failed: 0 }); // skipped: the administrator's own login
    // its own login queues another warm-up (answered from the cache): wait for it too, then land
    const token = await loginKech(h, secret);
    await warmer.settle();
    const warm = await kechLanding(h, token);
    expect(warm.misses).toBe(0);
    expect(warm.bodies).toEqual(cold.bodies);
    expect(errors).toEqual([]);
  });

  it('a login warms the landing view again after a write emptied the cache', async () => {
    const { h, warmer, open } = await withWarmer();
    open();
    const secret = await createKech(h);
    await warmer.settle();
    await h.env.store.writeBatch({ newIncidents: [], attachments: [], quarantine: [] });
    const token = await loginKech(h, secret);
    await warmer.settle();
    expect(warmer.counts.warmed).toBe(2);
    expect((await kechLanding(h, token)).misses).toBe(0);
  });

  it('a failing warm-up goes to onError; the login and the landing requests answer as usual', async () => {
    const { h, warmer, open, errors } = await withWarmer(true);
    const secret = await createKech(h);
    const token = await loginKech(h, secret);
    open();
    await warmer.settle();
    expect(warmer.counts).toEqual({ warmed: 0, skipped: 1, failed: 2 });
    expect(errors.map((e) => (e as Error).message)).toEqual(['store unavailable', 'store unavailable']);
    const r = await h.req('GET', KECH_LANDING[0]!, token);
    expect(r.statusCode).toBe(200);
    expect((r.json() as { total: number }).total).toBe(1);
  });
});
