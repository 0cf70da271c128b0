import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const call = (id: string) => JSON.stringify({
  call_id: id, received: '2026-01-05T12:00:00+05:00', location: { lat: 30.18, lon: 67.01, district: 'Quetta' }, nature: 'Blast', casualties: { injured: 1, dead: 0 },
});
const ndjson = { 'content-type': 'application/x-ndjson' };

let h: Harness;
let bare: Harness;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  h = await harness({ adapters: { 'rescue-1122': await loadMappingFile(MAPPING) } });
  bare = await harness({ keys: undefined });
  for (const w of ['admin', 'analyst', 'auditor'] as const) tok[w] = await h.login(w);
}, 60_000);
afterAll(async () => { await h.close(); await bare.close(); });

describe('POST /api/keys/rotate and /api/keys/reencrypt', () => {
  it('401 / 403 for every role but administrator (audited) / 400 / 404 without a key ring', async () => {
    expectProblem(await h.req('POST', '/api/keys/rotate', undefined, {}), 401);
    const seq = await h.auditSize();
    for (const w of ['analyst', 'auditor'] as const) {
      expectProblem(await h.req('POST', '/api/keys/rotate', tok[w], {}), 403);
      expectProblem(await h.req('POST', '/api/keys/reencrypt', tok[w], {}), 403);
    }
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.target === 'keys')).toHaveLength(4);
    expect(expectProblem(await h.req('POST', '/api/keys/rotate', tok.admin, { dataset: 'everything' }), 400)['field']).toMatch(/dataset/);
    expect(expectProblem(await h.req('POST', '/api/keys/reencrypt', tok.admin, { batch: 5 }), 400)['field']).toMatch(/batch/);
    const t = await bare.login('admin');
    expectProblem(await bare.req('POST', '/api/keys/rotate', t, {}), 404);
  });

  it('rotates without downtime: data stays readable, new writes use the new key, re-encryption leaves nothing under the old one', async () => {
    const before = await h.env.store.reencryptBatch!(1, { encryptPlaintext: false });
    expect(before.remaining).toBe(0); // everything is under the active key at the start
    const seq = await h.auditSize();
    const r = await h.req('POST', '/api/keys/rotate', tok.admin, {});
    expect(r.statusCode).toBe(200);
    const { keyId } = r.json() as { keyId: string; dataset: string };
    expect(keyId).toMatch(/^incidents\.v2$/);
    // the seeded data is now under the old version, still readable through the API
    const list = await h.req('GET', '/api/incidents?limit=50', tok.analyst);
    expect(list.statusCode).toBe(200);
    const n = (list.json() as { total: number }).total;
    expect(n).toBeGreaterThan(0);
    // a write while rotating goes under the new key
    expect((await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, call('K-1'), ndjson)).statusCode).toBe(200);
    const re = await h.req('POST', '/api/keys/reencrypt', tok.admin, { batch: 100 });
    expect(re.statusCode).toBe(200);
    const done = re.json() as { batches: number; rewritten: number; remaining: number };
    expect(done.remaining).toBe(0);
    expect(done.rewritten).toBeGreaterThan(0);
    expect((await h.env.store.reencryptBatch!(100, { encryptPlaintext: false })).rewritten).toBe(0);
    const after = await h.req('GET', '/api/incidents?limit=50', tok.analyst);
    expect((after.json() as { total: number }).total).toBe(n + 1);
    const audit = await h.auditSince(seq);
    expect(audit.some((e) => e.action === 'keys.rotate' && e.target === keyId && e.outcome === 'success')).toBe(true);
    expect(audit.some((e) => e.action === 'keys.reencrypt' && e.outcome === 'success')).toBe(true);
  });
});
