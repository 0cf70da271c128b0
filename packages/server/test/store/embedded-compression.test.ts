import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DUCKDB_DISABLED_COMPRESSION_ENV, openEmbedded } from '../../src/api/embedded.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-compression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => { delete process.env[DUCKDB_DISABLED_COMPRESSION_ENV]; });

/** Writes repetitive strings (FSST/dictionary would be chosen), checkpoints, returns the methods used. */
async function stringCompressions(file: string): Promise<{ setting: string; methods: string[] }> {
  const e = await openEmbedded(file, randomBytes(32), new Date());
  try {
    const conn = await e.store.duckdbInstance.connect();
    const setting = String((await conn.runAndReadAll(`SELECT current_setting('disabled_compression_methods') AS s`)).getRowObjectsJS()[0]!['s']);
    await conn.run(`CREATE TABLE t_comp AS SELECT 'prefix-shared-text-' || (i % 50)::VARCHAR AS s FROM range(200000) r(i)`);
    await conn.run('CHECKPOINT');
    const rows = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM pragma_storage_info('t_comp') WHERE column_name = 's' AND segment_type = 'VARCHAR'`)).getRowObjectsJS();
    conn.closeSync();
    return { setting, methods: rows.map((r) => String(r['compression'])).sort() };
  } finally {
    await e.close();
  }
}

describe(`${DUCKDB_DISABLED_COMPRESSION_ENV}`, () => {
  it('unset: DuckDB compresses repetitive strings', async () => {
    const r = await stringCompressions(join(dir, 'default.duckdb'));
    expect(r.setting).toBe('');
    expect(r.methods.some((m) => m !== 'Uncompressed')).toBe(true);
  });
  it('set: the methods listed are not used at checkpoint', async () => {
    process.env[DUCKDB_DISABLED_COMPRESSION_ENV] = 'fsst,dict_fsst,dictionary';
    const r = await stringCompressions(join(dir, 'off.duckdb'));
    expect(r.setting.toLowerCase().split(',').sort()).toEqual(['dict_fsst', 'dictionary', 'fsst']);
    expect(r.methods.filter((m) => /fsst|dictionary/i.test(m))).toEqual([]);
    expect(r.methods.length).toBeGreaterThan(0);
  });
  it('rejects a value that is not a list of method names', async () => {
    process.env[DUCKDB_DISABLED_COMPRESSION_ENV] = "fsst'; DROP TABLE x; --";
    await expect(openEmbedded(join(dir, 'bad.duckdb'), randomBytes(32), new Date())).rejects.toMatchObject({ code: 'CONFIG' });
    process.env[DUCKDB_DISABLED_COMPRESSION_ENV] = 'no_such_method';
    await expect(openEmbedded(join(dir, 'bad.duckdb'), randomBytes(32), new Date())).rejects.toMatchObject({ code: 'CONFIG' });
    // the file was released: it opens again
    delete process.env[DUCKDB_DISABLED_COMPRESSION_ENV];
    await (await openEmbedded(join(dir, 'bad.duckdb'), randomBytes(32), new Date())).close();
  });
});
