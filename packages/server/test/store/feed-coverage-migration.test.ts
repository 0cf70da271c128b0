/**
 * Migration 5 (DuckDB): runs recorded before the stores kept the time range a run carried get
 * their agency's earliest and latest incident, so a store loaded before (the demo's UCDP data to
 * 2021 and a 2024 feed) shows the gap between its feeds at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { incidentIdFor, type Report } from '@baseerat/engine';
import { openStore } from '../../src/store/index.js';
import { report } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { duckdb: { threads: '1' } };
const single = (r: Report) => ({ id: incidentIdFor(`${r.source.agency}:${r.source.sourceId}`), reports: [r], links: [] });

it('migration 5 gives each run recorded before it its agency\'s first and last incident; runs of an agency without reports stay without a range', async () => {
  const file = join(dir, 'v4.duckdb');
  const s = await openStore(file, config);
  const ucdp = [report({ agency: 'ucdp', sourceId: 'u1', occurredAt: '2019-05-02T10:00:00.000Z' }), report({ agency: 'ucdp', sourceId: 'u2', occurredAt: '2021-12-30T08:00:00.000Z' })];
  const police = [report({ agency: 'police', sourceId: 'p1', occurredAt: '2024-01-03T10:00:00.000Z' }), report({ agency: 'police', sourceId: 'p2', occurredAt: '2024-12-29T10:00:00.000Z' })];
  await s.writeBatch({ newIncidents: [...ucdp, ...police].map(single), attachments: [], quarantine: [] });
  const base = { startedAt: '2024-03-01T10:00:00.000Z', format: 'csv', rowsRead: 2, inserted: 2, attached: 0, duplicates: 0, quarantined: 0 };
  await s.recordRun({ ...base, id: 'r-ucdp', origin: 'ucdp.csv', agency: 'ucdp' });
  await s.recordRun({ ...base, id: 'r-police', origin: 'police.csv', agency: 'police', startedAt: '2024-03-02T10:00:00.000Z' });
  await s.recordRun({ ...base, id: 'r-empty', origin: 'levies.csv', agency: 'levies', startedAt: '2024-03-03T10:00:00.000Z', rowsRead: 0, inserted: 0 });
  await s.close();
  // the file as version 4 left it: no coverage columns, migration 5 not recorded
  {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(file, config.duckdb);
    const conn = await inst.connect();
    await conn.run(`ALTER TABLE ingest_runs DROP COLUMN covered_from`);
    await conn.run(`ALTER TABLE ingest_runs DROP COLUMN covered_to`);
    await conn.run(`DELETE FROM schema_migrations WHERE version = 5`);
    conn.closeSync();
    inst.closeSync();
  }
  const again = await openStore(file, config);
  const runs = await again.listRuns();
  expect(runs.map((r) => [r.id, r.coveredFrom, r.coveredTo])).toEqual([
    ['r-ucdp', '2019-05-02T10:00:00.000Z', '2021-12-30T08:00:00.000Z'],
    ['r-police', '2024-01-03T10:00:00.000Z', '2024-12-29T10:00:00.000Z'],
    ['r-empty', undefined, undefined],
  ]);
  await again.close();
});
