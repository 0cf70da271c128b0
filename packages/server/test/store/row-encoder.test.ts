import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentIdFor, sourceKey, type Link, type Report } from '@baseerat/engine';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { rowEncoderCodec } from '../../src/store/duckdb/row-encoder.js';
import { STORE_DATASET } from '../../src/security/store-keys.js';
import type { IngestBatch } from '../../src/store/port.js';
import { report, type ReportSpec } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-rowenc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (r: Report) => sourceKey(r.source);
const single = (r: Report) => ({ id: incidentIdFor(key(r)), reports: [r], links: [] as Link[] });
const rep = (s: ReportSpec) => report({ district: 'Quetta', province: 'Balochistan', lat: 30.18, lon: 66.99, narrative: `n ${s.sourceId} "quoted", اردو`, ...s });

/** The batches, each made afresh for each store (a batch's objects are handed to one store only). */
function batches(): IngestBatch[] {
  const a = rep({ sourceId: 'a1' }), b = rep({ sourceId: 'b1', agency: 'levies' });
  // non-canonical times: the worker canonicalises them as the main thread does
  const loose = rep({ sourceId: 'loose', occurredAt: '2024-03-01T10:15:00Z', receivedAt: '2024-03-01T11:00:00+00:00', reportedAt: '2024-03-02T00:00Z' });
  const m1 = rep({ sourceId: 'm1', killed: 2 }), m2 = report({ sourceId: 'm2', agency: 'levies', killed: 3, district: 'Quetta', lat: 30.2, lon: 67 });
  const multi = { id: incidentIdFor(key(m1)), reports: [m1, m2], links: [{ a: key(m1), b: key(m2), score: 0.9, rule: 'r', decidedBy: 'auto' }] as unknown as Link[] };
  const first: IngestBatch = { newIncidents: [single(a), single(b), single(loose), multi], attachments: [], quarantine: [] };
  // a duplicate of a1 inside a new two-report incident (the encoder's rows then do not hold); an
  // attachment to an incident created in the same batch; an attachment to a stored incident
  const c = rep({ sourceId: 'c1' }), dupA = rep({ sourceId: 'a1' });
  const d = rep({ sourceId: 'd1' }), dAtt = rep({ sourceId: 'd2', agency: 'levies' });
  const att = rep({ sourceId: 'att', agency: 'fc', killed: 5 });
  const second: IngestBatch = {
    newIncidents: [{ id: incidentIdFor(key(c)), reports: [c, dupA], links: [] }, single(d), ...Array.from({ length: 300 }, (_, i) => single(rep({ sourceId: `bulk${i}`, killed: i % 4, category: i % 2 === 0 ? 'TI.BOMB' : 'CR.ROBBERY' })))],
    attachments: [{ incidentId: incidentIdFor(key(d)), reports: [dAtt], links: [] }, { incidentId: incidentIdFor(key(a)), reports: [att], links: [] }],
    quarantine: [],
  };
  return [first, second];
}

async function dump(e: Embedded): Promise<{ incidents: unknown[]; reports: unknown[] }> {
  const cipher = await e.security.cipherFor(STORE_DATASET, new Date());
  const conn = await duckdbInstanceOf(e.store).connect();
  try {
    const inc = (await conn.runAndReadAll(`SELECT * EXCLUDE (narrative), narrative FROM incidents ORDER BY seq`)).getRowObjectsJS();
    const reps = (await conn.runAndReadAll(`SELECT * EXCLUDE (raw, narrative), raw, narrative FROM reports ORDER BY seq`)).getRowObjectsJS();
    return {
      // the ciphertexts differ (random IVs): compared decrypted
      incidents: inc.map((r) => ({ ...r, narrative: r['narrative'] == null ? null : cipher.decrypt(String(r['id']), 'incidents.narrative', String(r['narrative'])) })),
      reports: reps.map((r) => ({ ...r, raw: cipher.decrypt(`${String(r['agency'])}:${String(r['source_id'])}`, 'reports.record', String(r['raw'])) })),
    };
  } finally {
    conn.closeSync();
  }
}

describe('row encoder: new incidents\' rows made in a worker thread', () => {
  it('stores the same tables and side file as the main thread, and the same counts', async () => {
    const plain = await openEmbedded(join(dir, 'plain.duckdb'), randomBytes(32), new Date());
    const worked = await openEmbedded(join(dir, 'worked.duckdb'), randomBytes(32), new Date());
    try {
      const encoder = worked.store.startRowEncoder(rowEncoderCodec(worked.security.keys, STORE_DATASET));
      const results = { plain: [] as unknown[], worked: [] as unknown[] };
      for (const [e, out] of [[plain, results.plain], [worked, results.worked]] as const) for (const b of batches()) out.push(await e.store.writeBatch(b));
      expect(results.worked).toEqual(results.plain);
      expect(results.plain[1]).toMatchObject({ duplicates: 1, attached: 1 });
      // the worker made the rows of every new incident but the two whose rows did not hold (duplicate; in-batch attachment)
      expect(encoder.stats.encoded).toBe(304 + 2);
      expect(encoder.stats.used).toBe(304 + 2 - 2);
      const [p, w] = [await dump(plain), await dump(worked)];
      expect(w.incidents.length).toBe(4 + 302);
      expect(w).toEqual(p);
      // the side file: every incident read back the same
      for (const r of p.incidents as { id: string }[]) expect(await worked.store.getIncident(r.id)).toEqual(await plain.store.getIncident(r.id));
    } finally {
      await plain.close();
      await worked.close();
    }
  });

  it('a report the worker refuses (unknown category) fails the write with the main thread\'s error, and nothing is stored', async () => {
    const e = await openEmbedded(join(dir, 'bad.duckdb'), randomBytes(32), new Date());
    try {
      e.store.startRowEncoder(rowEncoderCodec(e.security.keys, STORE_DATASET));
      const bad = rep({ sourceId: 'bad', category: 'XX.NOPE' as never });
      await expect(e.store.writeBatch({ newIncidents: [single(rep({ sourceId: 'ok' })), single(bad)], attachments: [], quarantine: [] })).rejects.toThrow(/unknown category "XX.NOPE"/);
      expect(await e.store.countIncidents({})).toBe(0);
    } finally {
      await e.close();
    }
  });

  it('after a key rotation, new rows are written with the active key, not the worker\'s retired one', async () => {
    const e = await openEmbedded(join(dir, 'rotate.duckdb'), randomBytes(32), new Date());
    try {
      const encoder = e.store.startRowEncoder(rowEncoderCodec(e.security.keys, STORE_DATASET));
      const old = e.security.keys.activeKeyId(STORE_DATASET)!;
      await e.store.writeBatch({ newIncidents: [single(rep({ sourceId: 'before' }))], attachments: [], quarantine: [] });
      const active = await e.security.keys.rotate(STORE_DATASET, new Date());
      expect(active).not.toBe(old);
      await e.store.writeBatch({ newIncidents: [single(rep({ sourceId: 'after' }))], attachments: [], quarantine: [] });
      const conn = await duckdbInstanceOf(e.store).connect();
      try {
        const rows = (await conn.runAndReadAll(`SELECT source_id, raw FROM reports ORDER BY seq`)).getRowObjectsJS();
        expect(rows.map((r) => [r['source_id'], String(r['raw']).split(':')[1]])).toEqual([['before', old], ['after', active]]);
      } finally {
        conn.closeSync();
      }
      expect(encoder.stats.used).toBe(1);
      expect((await dump(e)).reports).toHaveLength(2);
    } finally {
      await e.close();
    }
  });

  it('refuses a key that is not the store\'s', async () => {
    const e = await openEmbedded(join(dir, 'key.duckdb'), randomBytes(32), new Date());
    try {
      expect(() => e.store.startRowEncoder({ keyId: 'incidents.v9', key: new Uint8Array(32), dataset: STORE_DATASET })).toThrow(/not the one the store writes with/);
      expect(() => e.store.startRowEncoder(undefined)).toThrow(/not the one/);
    } finally {
      await e.close();
    }
  });
});
