import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseeratError, incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
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
    expect(seen).toEqual(new Set([
      `incidents.narrative ${single(r).id}`, `reports.narrative ${k}`, `reports.raw ${k}`, `quarantine.raw ${quarantineRecordId(q)}`,
    ]));
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
    expect(rows).toEqual([[1]]);
    conn.closeSync();
    inst.closeSync();
  });
});
