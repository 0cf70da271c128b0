/**
 * The two-writer audit check shared by the DuckDB and PostgreSQL audit stores' tests: two AuditLogs
 * on one trail append 40 single entries and 40 two-entry batches at once; the trail must come out
 * unforked (seqs 0..n-1, each entry's own seq inside it), every entry once, each batch contiguous,
 * and its checkpoint must verify.
 */
import { expect } from 'vitest';
import { decodeAuditEntry, type AuditLog, type AuditStore } from '../../src/security/audit-log.js';
import { exportCheckpoint, generateAuditSigningKeys, verifyAuditTrail } from '../../src/security/audit-checkpoints.js';

/** Appends from both logs at once; what each call resolved to (the entries its caller was told). */
export async function appendFromTwoLogs(logA: AuditLog, logB: AuditLog, at: (ms: number) => Date): Promise<{ seq: number; target?: string }[]> {
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    writes.push(logA.record({ actor: 'a', action: 'data.read', target: `inc_a${i}`, from: 'pA', outcome: 'success' }, at(i)));
    writes.push(logB.recordMany([
      { actor: 'b', action: 'data.read', target: `inc_b${i}_0`, from: 'pB', outcome: 'success' },
      { actor: 'b', action: 'data.read', target: `inc_b${i}_1`, from: 'pB', outcome: 'success' },
    ], at(i)));
  }
  return (await Promise.all(writes)).flat() as { seq: number; target?: string }[];
}

/** Checks the trail after `appendFromTwoLogs` (entries from `before` on are the ones it added, `added` of them); returns its size. */
export async function expectUnforkedTrail(store: AuditStore, before: number, added: number, checkpointDir: string, at: (ms: number) => Date): Promise<number> {
  const n = await store.size();
  expect(n - before).toBe(added);
  const rows = await store.read(0, n);
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
  for (const r of rows) expect(decodeAuditEntry(r.entry).seq).toBe(r.seq);
  const targets = rows.slice(before).map((r) => decodeAuditEntry(r.entry).target);
  expect(new Set(targets).size).toBe(added);
  // a batch of B stays contiguous (one transaction)
  for (let i = 0; i < 40; i++) expect(targets[targets.indexOf(`inc_b${i}_0`) + 1]).toBe(`inc_b${i}_1`);
  const keys = generateAuditSigningKeys();
  await exportCheckpoint(store, checkpointDir, keys.privateKeyPem, at(99_000));
  expect(await verifyAuditTrail(store, checkpointDir, keys.publicKeyPem)).toMatchObject({ ok: true, entries: n });
  return n;
}
