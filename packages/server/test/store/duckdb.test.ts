import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseeratError, consolidate, incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import type { DuckDBValue } from '@duckdb/node-api';
import { openStore, quarantineRecordId, type FieldCodec } from '../../src/store/index.js';
import { describeStoreConformance, report } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// One thread: the suite runs many tiny queries on a shared machine, where a thread pool per store only adds contention.
const config = { duckdb: { threads: '1' } };

describeStoreConformance('duckdb :memory:', () => openStore(':memory:', config));
describeStoreConformance('duckdb file', () => openStore(join(dir, `s${n++}`, 'baseerat.duckdb'), config));

const single = (r: Report) => ({ id: incidentIdFor(`${r.source.agency}:${r.source.sourceId}`), reports: [r], links: [] });

describe('duckdb store specifics', () => {
  it('creates the parent directory, and keeps data across close and reopen', async () => {
    const file = join(dir, 'nested', 'deeper', 'b.duckdb');
    const s = await openStore(file, config);
    expect(existsSync(join(dir, 'nested', 'deeper'))).toBe(true);
    const r = report({ sourceId: 'keep', narrative: 'kept' });
    await s.writeBatch({ newIncidents: [single(r)], attachments: [], quarantine: [] });
    await s.close();
    const again = await openStore(file, config);
    expect((await again.getIncident(single(r).id))?.narrative).toBe('kept');
    expect((await again.writeBatch({ newIncidents: [single(r)], attachments: [], quarantine: [] })).duplicates).toBe(1);
    await again.close();
  });

  it('refuses a second open of the same file in this process, naming the owner', async () => {
    const file = join(dir, 'twice.duckdb');
    const s = await openStore(file, config);
    const e = await openStore(file, config).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(BaseeratError);
    expect((e as BaseeratError).code).toBe('CONFLICT');
    expect((e as BaseeratError).message).toMatch(/another Baseerat process/);
    await s.close();
    // closing releases it
    await (await openStore(file, config)).close();
  });

  it('openEmbedded shares that registry: the file has one writer in this process, whichever opener came first', async () => {
    const { openEmbedded } = await import('../../src/api/embedded.js');
    const { randomBytes } = await import('node:crypto');
    const file = join(dir, 'embedded-twice.duckdb');
    const e = await openEmbedded(file, randomBytes(32), new Date(), { duckdb: config.duckdb });
    await expect(openStore(file, config)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(openEmbedded(file, randomBytes(32), new Date(), { duckdb: config.duckdb })).rejects.toMatchObject({ code: 'CONFLICT' });
    await e.close();
    // closing releases it
    await (await openStore(file, config)).close();
  });

  it('a file held by another process gives a clear CONFLICT error, not a corrupt file', async () => {
    const file = join(dir, 'held.duckdb');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hold-store.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('open')) resolve(); });
        child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const e = await openStore(file, config).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BaseeratError);
      expect((e as BaseeratError).code).toBe('CONFLICT');
      expect((e as BaseeratError).message).toMatch(/in use by PID \d+: another Baseerat process \(for example `baseerat serve`\) owns it/);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    // once the owner is gone the file opens normally
    const s = await openStore(file, config);
    expect(await s.countIncidents({})).toBe(0);
    await s.close();
  });

  it('encodes the sensitive columns through the codec, bound to their record, and only those', async () => {
    const seen = new Set<string>();
    const codec: FieldCodec = {
      encode: (p, field, id) => { seen.add(`${field} ${id}`); return `enc:${field}:${id}:${p}`; },
      decode: (s, field, id) => {
        const head = `enc:${field}:${id}:`;
        if (!s.startsWith(head)) throw new Error(`not encoded for ${field} ${id}: ${s}`);
        return s.slice(head.length);
      },
    };
    const s = await openStore(':memory:', { ...config, codec });
    const r = report({ sourceId: 'c1', narrative: 'secret words' });
    const q = { runId: 'r', agency: 'a', origin: 'o', line: 1, raw: 'bad', reasons: [] };
    await s.writeBatch({ newIncidents: [single(r)], attachments: [], quarantine: [q] });
    expect((await s.getIncident(single(r).id))?.narrative).toBe('secret words');
    expect((await s.reportsOf(single(r).id))[0]).toEqual(r);
    expect((await s.listQuarantine({ offset: 0, limit: 5 })).items[0]?.raw).toBe('bad');
    const k = sourceKey(r.source);
    // one value per report (raw record and narrative together); a one-report incident's narrative is its report's, not stored twice
    expect(seen).toEqual(new Set([`reports.record ${k}`, `quarantine.raw ${quarantineRecordId(q)}`]));
    // an incident of several reports keeps its consolidated narrative in its own row
    seen.clear();
    const a = report({ sourceId: 'm1', narrative: 'one' }), b = report({ agency: 'levies', sourceId: 'm2', narrative: 'two' });
    const id = incidentIdFor(sourceKey(a.source));
    await s.writeBatch({ newIncidents: [{ id, reports: [a, b], links: [] }], attachments: [], quarantine: [] });
    expect(seen).toEqual(new Set([`incidents.narrative ${id}`, `reports.record ${sourceKey(a.source)}`, `reports.record ${sourceKey(b.source)}`]));
    expect((await s.getIncident(id))?.narrative).toBe('[police] one\n[levies] two');
    expect((await s.reportsOf(id)).map((x) => x.narrative)).toEqual(['one', 'two']);
    await s.close();
  });

  it('migrate records each migration once', async () => {
    const file = join(dir, 'mig.duckdb');
    const s = await openStore(file, config);
    await s.migrate();
    await s.close();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(file);
    const conn = await inst.connect();
    const rows = (await conn.runAndReadAll('SELECT version FROM schema_migrations ORDER BY version')).getRowsJS();
    expect(rows).toEqual([[1], [2], [3], [4], [5]]);
    conn.closeSync();
    inst.closeSync();
  });

  it('migration 2 upgrades a version-1 file: no ART index left, same content, keys still enforced by the store', async () => {
    const file = join(dir, 'v1.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { MIGRATIONS, IDENTITY_CODEC } = await import('../../src/store/index.js');
    const { migrate } = await import('../../src/store/duckdb/migrations.js');
    const { incidentRow, reportRow } = await import('../../src/store/duckdb/rows.js');
    const linked = [report({ sourceId: 'L1', narrative: 'first' }), report({ agency: 'levies', sourceId: 'L2', narrative: 'second' })];
    const lone = Array.from({ length: 30 }, (_, i) => report({ sourceId: `S${i}`, killed: i % 3, narrative: `lone ${i}` }));
    const linkedId = incidentIdFor(sourceKey(linked[0]!.source));
    const batch = {
      newIncidents: [
        { id: linkedId, reports: linked, links: [{ a: sourceKey(linked[0]!.source), b: sourceKey(linked[1]!.source), rule: 'test', distanceKm: 1, hoursApart: 1 }] },
        ...lone.map(single),
      ],
      attachments: [], quarantine: [],
    };
    // a file as version 1 left it: rows as that version wrote them (every narrative in its own column, incidents' too)
    {
      const inst = await DuckDBInstance.create(file, config.duckdb);
      const conn = await inst.connect();
      await conn.run(`SET TimeZone = 'UTC'`);
      expect(await migrate(conn, MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
      const insert = async (table: string, row: DuckDBValue[]) => conn.run(`INSERT INTO ${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
      let seq = 1;
      for (const n of batch.newIncidents) {
        await insert('incidents', incidentRow(consolidate(n.id, n.reports, n.links), IDENTITY_CODEC));
        for (const r of n.reports) await insert('reports', reportRow(seq++, n.id, r, IDENTITY_CODEC));
      }
      expect((await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_indexes() WHERE table_name IN ('incidents', 'reports')`)).getRowsJS()).toEqual([[1]]);
      expect((await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM incidents WHERE narrative IS NOT NULL`)).getRowsJS()).toEqual([[31]]);
      conn.closeSync();
      inst.closeSync();
    }
    const s = await openStore(file, config);
    const before = await s.listIncidents({}, { offset: 0, limit: 100 });
    expect(before.total).toBe(31);
    expect((await s.getIncident(linkedId))?.sources.map((x) => x.sourceId)).toEqual(['L1', 'L2']);
    expect((await s.reportsOf(linkedId)).map((r) => r.narrative)).toEqual(['first', 'second']);
    expect((await s.getIncident(incidentIdFor(sourceKey(lone[4]!.source))))?.narrative).toBe('lone 4');
    expect((await s.reportsOf(incidentIdFor(sourceKey(lone[4]!.source))))).toEqual([lone[4]]);
    // the same batch again: every report a duplicate, nothing stored; a taken id is refused
    expect(await s.writeBatch(batch)).toEqual({ inserted: 0, attached: 0, duplicates: 32, quarantined: 0 });
    const taken = { newIncidents: [{ id: linkedId, reports: [report({ sourceId: 'new' })], links: [] }], attachments: [], quarantine: [] };
    await expect(s.writeBatch(taken)).rejects.toMatchObject({ code: 'CONFLICT' });
    // a new report (written as one value) attached to an old incident: both layouts read back together
    const third = report({ agency: 'fc', sourceId: 'L3', narrative: 'third' });
    expect((await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: linkedId, reports: [third], links: [] }], quarantine: [] })).attached).toBe(1);
    expect((await s.reportsOf(linkedId)).map((r) => r.narrative)).toEqual(['first', 'second', 'third']);
    expect((await s.getIncident(linkedId))?.narrative).toBe('[police] first\n[levies] second\n[fc] third');
    await s.close();
    const inst = await DuckDBInstance.create(file, config.duckdb);
    const conn = await inst.connect();
    const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
    expect(await q('SELECT version FROM schema_migrations ORDER BY version')).toEqual([[1], [2], [3], [4], [5]]);
    expect(await q(`SELECT index_name FROM duckdb_indexes() WHERE table_name IN ('incidents', 'reports')`)).toEqual([]);
    expect(await q(`SELECT DISTINCT constraint_type FROM duckdb_constraints() WHERE table_name IN ('incidents', 'reports') ORDER BY 1`)).toEqual([['NOT NULL']]);
    expect(await q('SELECT count(*)::INTEGER FROM incidents')).toEqual([[31]]);
    expect(await q('SELECT count(*)::INTEGER, count(DISTINCT (agency, source_id))::INTEGER FROM reports')).toEqual([[33, 33]]);
    expect(await q('SELECT layout, count(*)::INTEGER FROM reports GROUP BY layout ORDER BY layout NULLS FIRST')).toEqual([[null, 32], [2, 1]]);
    conn.closeSync();
    inst.closeSync();
    // reopened: the key hashes are reloaded from the tables, so the store still refuses every stored key
    const again = await openStore(file, config);
    expect((await again.writeBatch(batch)).duplicates).toBe(32);
    expect((await again.writeBatch({ newIncidents: [], attachments: [{ incidentId: linkedId, reports: [third], links: [] }], quarantine: [] })).duplicates).toBe(1);
    expect(await again.countIncidents({})).toBe(31);
    await again.close();
  });

  it('migration 4 upgrades a version-3 file: incidents numbered in their physical order with their report seq range; look-ups by seq agree with the scan', async () => {
    const file = join(dir, 'v3.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { MIGRATIONS, IDENTITY_CODEC } = await import('../../src/store/index.js');
    const { migrate } = await import('../../src/store/duckdb/migrations.js');
    const { incidentRow, reportRow, tsValue, RECORD_LAYOUT } = await import('../../src/store/duckdb/rows.js');
    // times out of order, so that physical order (insertion) and (occurred_at, id) order differ
    const lone = Array.from({ length: 40 }, (_, i) => report({ sourceId: `S${i}`, killed: i % 3, narrative: `lone ${i}`, occurredAt: new Date(Date.UTC(2024, 0, 1 + ((i * 7) % 40))).toISOString() }));
    const linked = [report({ sourceId: 'L1', narrative: 'first' }), report({ agency: 'levies', sourceId: 'L2', narrative: 'second' })];
    const late = report({ agency: 'fc', sourceId: 'L3', narrative: 'late' });
    const linkedId = incidentIdFor(sourceKey(linked[0]!.source));
    // a file as version 3 left it: the linked incident's reports are seqs 1, 2 and (attached later) 43
    {
      const inst = await DuckDBInstance.create(file, config.duckdb);
      const conn = await inst.connect();
      await conn.run(`SET TimeZone = 'UTC'`);
      expect(await migrate(conn, MIGRATIONS.filter((m) => m.version <= 3))).toEqual([1, 2, 3]);
      const insert = async (table: string, row: DuckDBValue[]) => conn.run(`INSERT INTO ${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
      await insert('reports', reportRow(1, linkedId, linked[0]!, IDENTITY_CODEC, tsValue, RECORD_LAYOUT));
      await insert('reports', reportRow(2, linkedId, linked[1]!, IDENTITY_CODEC, tsValue, RECORD_LAYOUT));
      let seq = 3;
      for (const r of lone) {
        const n = single(r);
        await insert('incidents', incidentRow(consolidate(n.id, [r], []), IDENTITY_CODEC, true));
        await insert('reports', reportRow(seq++, n.id, r, IDENTITY_CODEC, tsValue, RECORD_LAYOUT));
      }
      await insert('reports', reportRow(seq, linkedId, late, IDENTITY_CODEC, tsValue, RECORD_LAYOUT));
      const all = [...linked, late];
      await insert('incidents', incidentRow(consolidate(linkedId, all, []), IDENTITY_CODEC, true));
      conn.closeSync();
      inst.closeSync();
    }
    const s = await openStore(file, config);
    // before the index is loaded every look-up scans; these are the reference values
    const listed = (await s.listIncidents({}, { offset: 0, limit: 100 })).items;
    expect(listed).toHaveLength(41);
    const scanned = new Map<string, Report[]>();
    for (const inc of listed) scanned.set(inc.id, await s.reportsOf(inc.id));
    // the same batch again: all duplicates; this loads the incident index (id hash -> seq)
    const again = { newIncidents: [...lone.map(single), { id: linkedId, reports: [...linked, late], links: [] }], attachments: [], quarantine: [] };
    expect(await s.writeBatch(again)).toEqual({ inserted: 0, attached: 0, duplicates: 43, quarantined: 0 });
    for (const inc of listed) {
      expect(await s.getIncident(inc.id)).toEqual(inc);
      expect(await s.reportsOf(inc.id)).toEqual(scanned.get(inc.id));
    }
    expect((await s.reportsOf(linkedId)).map((r) => r.narrative)).toEqual(['first', 'second', 'late']);
    expect(await s.getIncident('inc_0000000000000000')).toBeUndefined();
    expect(await s.reportsOf('inc_0000000000000000')).toEqual([]);
    // an attachment moves the incident to a new seq and widens its range; unlink gives both parts new seqs
    const fourth = report({ agency: 'cid', sourceId: 'L4', narrative: 'fourth' });
    expect((await s.writeBatch({ newIncidents: [], attachments: [{ incidentId: linkedId, reports: [fourth], links: [] }], quarantine: [] })).attached).toBe(1);
    expect((await s.getIncident(linkedId))?.sources.map((x) => x.sourceId)).toEqual(['L1', 'L2', 'L3', 'L4']);
    expect((await s.reportsOf(linkedId)).map((r) => r.narrative)).toEqual(['first', 'second', 'late', 'fourth']);
    const moved = await s.unlink(linkedId, sourceKey(late.source));
    expect((await s.getIncident(moved))?.sources.map((x) => x.sourceId)).toEqual(['L3']);
    expect((await s.reportsOf(moved)).map((r) => r.narrative)).toEqual(['late']);
    expect((await s.getIncident(linkedId))?.sources.map((x) => x.sourceId)).toEqual(['L1', 'L2', 'L4']);
    expect((await s.reportsOf(linkedId)).map((r) => r.narrative)).toEqual(['first', 'second', 'fourth']);
    await s.close();
    const inst = await DuckDBInstance.create(file, config.duckdb);
    const conn = await inst.connect();
    const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
    expect(await q('SELECT version FROM schema_migrations ORDER BY version')).toEqual([[1], [2], [3], [4], [5]]);
    // seq increases with the physical order (so zonemaps prune `seq = $s`), and is unique
    expect(await q('SELECT count(*)::INTEGER FROM (SELECT seq, lag(seq) OVER (ORDER BY rowid) AS prev FROM incidents) WHERE prev >= seq')).toEqual([[0]]);
    expect(await q('SELECT count(*)::INTEGER, count(DISTINCT seq)::INTEGER FROM incidents')).toEqual([[42, 42]]);
    // every incident's range holds exactly the seqs of its reports' extremes
    expect(await q(`SELECT count(*)::INTEGER FROM incidents i JOIN (SELECT incident_id, min(seq) AS lo, max(seq) AS hi FROM reports GROUP BY incident_id) r
      ON r.incident_id = i.id WHERE r.lo < i.rep_lo OR r.hi > i.rep_hi`)).toEqual([[0]]);
    expect(await q(`SELECT rep_lo::INTEGER, rep_hi::INTEGER FROM incidents WHERE id = '${moved}'`)).toEqual([[1, 44]]);
    conn.closeSync();
    inst.closeSync();
    // reopened: the index is loaded again from the table
    const reopened = await openStore(file, config);
    expect((await reopened.writeBatch(again)).duplicates).toBe(43);
    expect((await reopened.getIncident(moved))?.narrative).toBe('late');
    expect((await reopened.reportsOf(linkedId)).map((r) => r.source.sourceId)).toEqual(['L1', 'L2', 'L4']);
    await reopened.close();
  });
});
