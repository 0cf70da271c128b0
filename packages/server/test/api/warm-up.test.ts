/**
 * The start-up warm-up (api/warm-up.ts) computes exactly what the landing view's requests then ask
 * the store for: after it, the first stats, points and sources requests of every kind of user are
 * all answered from the store's cache (no miss); without it, the same requests miss. It writes no
 * audit entry and releases nothing (each request still decides and audits as before).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { warmDashboard } from '../../src/api/warm-up.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { ReadCache } from '../../src/store/duckdb/read-cache.js';
import { harness, type Harness, type Who } from './api-harness.js';

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
