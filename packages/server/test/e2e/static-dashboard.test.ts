/**
 * The dashboard routes in process (app.inject): the built files and the district boundaries are
 * public, compressed when the client accepts it, cached as they should be, carry the CSP, and are
 * the only things served from outside /api. No browser here (dashboard.e2e.test.ts drives one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDist } from '../../src/api/static-dashboard.js';
import { expectProblem, harness, type Harness } from '../api/api-harness.js';
import { ensureWebBuilt } from './build-web.js';

let h: Harness;
beforeAll(async () => { h = await harness({ webDir: await ensureWebBuilt() }); }, 120_000);
afterAll(async () => { await h?.close(); });

describe('dashboard routes', () => {
  it('GET / serves index.html without a session, under the strict CSP, with no inline script', async () => {
    const r = await h.req('GET', '/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('no-cache');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self' 'nonce-");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const scripts = [...r.body.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const m of scripts) {
      expect(m[0]).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(m[1]!.trim()).toBe('');
    }
    expect(r.body).not.toMatch(/\sstyle=/);
    expect(r.body).not.toMatch(/https?:\/\//);
  });

  it('serves every asset the page names, immutable, gzipped on request; the MapLibre worker is a same-origin file', async () => {
    const index = (await h.req('GET', '/')).body;
    const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      const r = await h.req('GET', a, undefined, undefined, { 'accept-encoding': 'gzip' });
      expect(r.statusCode, a).toBe(200);
      expect(r.headers['cache-control']).toContain('immutable');
      expect(r.headers['content-encoding']).toBe('gzip');
      const plain = await h.req('GET', a);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gunzipSync(r.rawPayload).equals(plain.rawPayload)).toBe(true);
    }
    const files = [...readDist(join(await ensureWebBuilt())).keys()];
    const worker = files.find((f) => /maplibre-gl-worker-.*\.mjs$/.test(f));
    expect(worker).toBeDefined();
    const w = await h.req('GET', worker!);
    expect(w.statusCode).toBe(200);
    expect(w.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('GET /geo/districts.geojson: the 34 Balochistan districts with census population, public; another province by name', async () => {
    const r = await h.req('GET', '/geo/districts.geojson', undefined, undefined, { 'accept-encoding': 'gzip' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = JSON.parse(gunzipSync(r.rawPayload).toString('utf8')) as { features: { properties: { name: string; province: string; population: number | null } }[] };
    expect(fc.features).toHaveLength(34);
    expect(new Set(fc.features.map((f) => f.properties.province))).toEqual(new Set(['Balochistan']));
    const quetta = fc.features.find((f) => f.properties.name === 'Quetta');
    expect(quetta?.properties.population).toBe(2_595_492);
    const sindh = JSON.parse((await h.req('GET', '/geo/districts.geojson?province=Sindh')).body) as { features: { properties: { province: string } }[] };
    expect(sindh.features.length).toBeGreaterThan(20);
    expect(sindh.features.every((f) => f.properties.province === 'Sindh')).toBe(true);
    expect(expectProblem(await h.req('GET', '/geo/districts.geojson?province=Atlantis'), 400)['field']).toBe('province');
  });

  it('an unknown path is a 404 problem, and the API behind it still needs a session', async () => {
    expectProblem(await h.req('GET', '/assets/nope.js'), 404);
    expectProblem(await h.req('GET', '/api/stats'), 401);
  });

  it('refuses to start on a directory without a build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'baseerat-noweb-'));
    try {
      expect(() => readDist(empty)).toThrow(/not built/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
