/**
 * The DuckDB store answers a link-candidate range that starts after its latest incident without a
 * query (#6), and every write that can make a later incident (a new one, an attachment, an unlink)
 * or a reopen keeps that bound true: what a range would read is never hidden.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import { openStore } from '../../src/store/index.js';
import type { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { report } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-link-avoid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { duckdb: { threads: '1' } };
const ms = (iso: string) => Date.parse(iso);
const single = (r: Report) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] });
const ids = (cs: { incidentId: string }[]) => cs.map((c) => c.incidentId).sort();

describe('link candidates after the latest stored incident', () => {
  it('an empty store and a range after its latest incident read nothing; new incidents move the bound', async () => {
    const s = await openStore(join(dir, 'a.duckdb'), config) as DuckDBStore;
    expect(await s.linkCandidates(0, ms('2030-01-01T00:00:00Z'))).toEqual([]);
    expect(s.linkReadsAvoided).toBe(1);
    const a = report({ sourceId: 'a', occurredAt: '2024-03-01T10:00:00.000Z' });
    await s.writeBatch({ newIncidents: [single(a)], attachments: [], quarantine: [] });
    // after it: avoided; over it: read and found
    expect(await s.linkCandidates(ms('2024-03-01T10:00:00.001Z'), ms('2024-03-02T00:00:00Z'))).toEqual([]);
    expect(s.linkReadsAvoided).toBe(2);
    expect(ids(await s.linkCandidates(ms('2024-03-01T10:00:00.000Z'), ms('2024-03-02T00:00:00Z')))).toEqual([single(a).id]);
    expect(s.linkReadsAvoided).toBe(2);
    // a later incident is found in a range that was empty before
    const b = report({ sourceId: 'b', occurredAt: '2024-03-05T08:00:00.000Z' });
    await s.writeBatch({ newIncidents: [single(b)], attachments: [], quarantine: [] });
    expect(ids(await s.linkCandidates(ms('2024-03-05T07:00:00Z'), ms('2024-03-05T09:00:00Z')))).toEqual([single(b).id]);
    await s.close();
  });

  it('an attachment and an unlink that make a later incident raise the bound; so does a reopen', async () => {
    const file = join(dir, 'b.duckdb');
    const s = await openStore(file, config) as DuckDBStore;
    // one incident of two reports: it takes the time of the first received (same precision), 10:00
    const early = report({ sourceId: 'early', occurredAt: '2024-03-01T10:00:00.000Z', receivedAt: '2024-03-01T10:30:00.000Z' });
    const late = report({ sourceId: 'late', occurredAt: '2024-03-01T16:00:00.000Z', receivedAt: '2024-03-01T17:00:00.000Z' });
    const id = single(early).id;
    await s.writeBatch({ newIncidents: [single(early)], attachments: [], quarantine: [] });
    await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: id, reports: [late], links: [{ a: sourceKey(early.source), b: sourceKey(late.source), rule: 'test', distanceKm: 0.5, hoursApart: 6 }] }], quarantine: [] });
    const around16 = [ms('2024-03-01T15:00:00Z'), ms('2024-03-01T17:00:00Z')] as const;
    expect(await s.linkCandidates(...around16)).toEqual([]);
    // the later report alone: its own incident at 16:00, found
    const moved = await s.unlink(id, sourceKey(late.source));
    expect(ids(await s.linkCandidates(...around16))).toEqual([moved]);
    await s.close();
    // reopened: the bound is read from the file
    const again = await openStore(file, config) as DuckDBStore;
    expect(ids(await again.linkCandidates(...around16))).toEqual([moved]);
    expect(await again.linkCandidates(ms('2024-03-01T16:00:00.001Z'), ms('2024-03-02T00:00:00Z'))).toEqual([]);
    expect(again.linkReadsAvoided).toBe(1);
    await again.close();
  });

  it('an attachment that moves an incident later (a more precise report) is found at its new time', async () => {
    const s = await openStore(join(dir, 'c.duckdb'), config) as DuckDBStore;
    const vague = report({ sourceId: 'vague', occurredAt: '2024-03-01T00:00:00.000Z', timePrecision: 'day' });
    const exact = report({ sourceId: 'exact', occurredAt: '2024-03-01T14:00:00.000Z', timePrecision: 'exact', receivedAt: '2024-03-01T15:00:00.000Z' });
    const id = single(vague).id;
    await s.writeBatch({ newIncidents: [single(vague)], attachments: [], quarantine: [] });
    const range = [ms('2024-03-01T13:00:00Z'), ms('2024-03-01T15:00:00Z')] as const;
    expect(await s.linkCandidates(...range)).toEqual([]);
    await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: id, reports: [exact], links: [] }], quarantine: [] });
    expect(ids(await s.linkCandidates(...range))).toEqual([id]);
    await s.close();
  });
});
