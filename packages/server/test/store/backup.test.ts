/**
 * Backup and restore, end to end, for both stores (docs/operations.md, "Backup and restore"):
 * PostgreSQL with pg_dump -Fc / pg_restore into a fresh database; DuckDB by copying the closed file
 * and by EXPORT DATABASE / IMPORT DATABASE. After a restore the counts and a checksum of every
 * table equal the original's, the store opens (no migration to apply), reads the same answers and
 * takes new writes.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore, type Store } from '../../src/store/index.js';
import { report } from './conformance.js';
import { createTestDatabase, type TestDatabase } from './pg-test-database.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-backup-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const d of databases) await d.drop();
});

const TABLES = ['incidents', 'reports', 'quarantine', 'ingest_runs', 'link_history', 'schema_migrations'] as const;

/** A store's content with every kind of row: linked incidents, attachments, quarantine, runs, an unlink. */
async function fill(store: Store): Promise<void> {
  const reports = Array.from({ length: 240 }, (_, i) => report({
    agency: ['police', 'levies', 'fc'][i % 3]!, sourceId: `B${i}`, district: ['Quetta', 'Kech', 'Gwadar'][i % 3]!, province: 'Balochistan',
    occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), lat: 25 + (i % 50) / 10, lon: 62 + (i % 70) / 10,
    killed: i % 4, narrative: `event ${i}`, classification: i % 7 === 0 ? 'SECRET' : 'RESTRICTED',
  }));
  const id = (r: Report) => incidentIdFor(sourceKey(r.source));
  const pairs = reports.slice(0, 40);
  await store.writeBatch({
    newIncidents: [
      ...pairs.filter((_, i) => i % 2 === 0).map((r, k) => ({ id: id(r), reports: [r, pairs[2 * k + 1]!], links: [{ a: sourceKey(r.source), b: sourceKey(pairs[2 * k + 1]!.source), rule: 'test', distanceKm: 1, hoursApart: 1 }] })),
      ...reports.slice(40, 200).map((r) => ({ id: id(r), reports: [r], links: [] })),
    ],
    attachments: [],
    quarantine: Array.from({ length: 12 }, (_, i) => ({ runId: 'run-1', agency: 'levies', origin: 'levies.csv', line: i + 2, raw: `bad,${i}`, reasons: [{ field: 'date', value: 'x', message: 'not a date' }] })),
  });
  await store.writeBatch({ newIncidents: [], attachments: reports.slice(200).map((r, i) => ({ incidentId: id(reports[40 + i]!), reports: [r], links: [] })), quarantine: [] });
  await store.recordRun({ id: 'run-1', startedAt: '2024-03-01T10:00:00.000Z', finishedAt: '2024-03-01T10:01:00.000Z', origin: 'levies.csv', format: 'csv', agency: 'levies', rowsRead: 252, inserted: 180, attached: 40, duplicates: 0, quarantined: 12 });
  await store.unlink(id(pairs[0]!), sourceKey(pairs[1]!.source));
}

/** Everything a reader gets from the store: stats, all incidents with their sources, quarantine, runs. */
async function snapshot(store: Store): Promise<unknown> {
  const incidents = [];
  for (let offset = 0; ; offset += 100) {
    const page = await store.listIncidents({}, { offset, limit: 100 });
    incidents.push(...page.items);
    if (page.items.length < 100) break;
  }
  return { stats: await store.stats(), incidents, quarantine: await store.listQuarantine({ offset: 0, limit: 100 }), runs: await store.listRuns() };
}

describe('PostgreSQL backup: pg_dump -Fc, pg_restore into a fresh database', () => {
  it('restores equal counts and checksums, and the restored store works', async () => {
    const source = await createTestDatabase('baseerat_backup');
    databases.push(source);
    const store = await openStore(source.appUrl as `postgres://${string}`, { schema: 'baseerat', maxConnections: 2 });
    await fill(store);
    const before = await snapshot(store);
    await store.close();
    const checksum = async (d: TestDatabase) => Object.fromEntries(await Promise.all(TABLES.map(async (t) => {
      const r = await d.admin(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS sum FROM baseerat.${t} x`);
      return [t, r.rows[0] as { n: number; sum: string }] as const;
    })));
    const original = await checksum(source);
    expect(original.incidents!.n).toBe(181);
    expect(original.reports!.n).toBe(240);

    // the commands of docs/operations.md
    const dump = join(dir, 'baseerat.dump');
    execFileSync('pg_dump', ['--format=custom', '--file', dump, '--dbname', source.adminUrl]);
    const target = await createTestDatabase('baseerat_restore');
    databases.push(target);
    execFileSync('pg_restore', ['--exit-on-error', '--dbname', target.adminUrl, dump]);

    expect(await checksum(target)).toEqual(original);
    const forced = await target.admin(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'baseerat' AND c.relforcerowsecurity`);
    expect(forced.rows[0]).toEqual({ n: 5 });
    const restored = await openStore(target.appUrl as `postgres://${string}`, { schema: 'baseerat', maxConnections: 2 });
    try {
      expect(await snapshot(restored)).toEqual(before);
      // identity sequences came back too: a new report is numbered after every restored one
      const r = report({ sourceId: 'after-restore' });
      expect((await restored.writeBatch({ newIncidents: [{ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] }], attachments: [], quarantine: [] })).inserted).toBe(1);
      const seq = await target.admin(`SELECT (SELECT seq FROM baseerat.reports WHERE source_id = 'after-restore') > (SELECT max(seq) FROM baseerat.reports WHERE source_id <> 'after-restore') AS later`);
      expect(seq.rows[0]).toEqual({ later: true });
      // RLS still applies after the restore
      expect(await restored.scoped({ districts: ['Kech'], maxClassification: 'SECRET' }).countIncidents({ districts: ['Quetta'] })).toBe(0);
    } finally {
      await restored.close();
    }
  });
});

describe('DuckDB backup', () => {
  const config = { duckdb: { threads: '1' } };

  it('a copy of the closed file is a full backup', async () => {
    const file = join(dir, 'copy', 'baseerat.duckdb');
    const store = await openStore(file, config);
    await fill(store);
    const before = await snapshot(store);
    await store.close();
    const copy = join(dir, 'copy', 'backup.duckdb');
    copyFileSync(file, copy);
    const restored = await openStore(copy, config);
    expect(await snapshot(restored)).toEqual(before);
    await restored.close();
  });

  it('EXPORT DATABASE / IMPORT DATABASE restores the same content into a new file', async () => {
    const file = join(dir, 'export', 'baseerat.duckdb');
    const store = await openStore(file, config);
    await fill(store);
    const before = await snapshot(store);
    await store.close();
    const exported = join(dir, 'export', 'dump');
    const src = await DuckDBInstance.create(file);
    const sc = await src.connect();
    await sc.run(`EXPORT DATABASE '${exported}' (FORMAT parquet)`);
    sc.closeSync();
    src.closeSync();
    const restoredFile = join(dir, 'export', 'restored.duckdb');
    const dst = await DuckDBInstance.create(restoredFile);
    const dc = await dst.connect();
    await dc.run(`IMPORT DATABASE '${exported}'`);
    dc.closeSync();
    dst.closeSync();
    const restored = await openStore(restoredFile, config);
    expect(await snapshot(restored)).toEqual(before);
    await restored.close();
  });
});
