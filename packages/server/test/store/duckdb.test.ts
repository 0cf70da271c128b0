import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { describeStoreConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance('duckdb :memory:', () => openStore(':memory:'));
describeStoreConformance('duckdb file', () => openStore(join(dir, `s${n++}`, 'baseerat.duckdb')));

describe('duckdb store specifics', () => {
  it('smoke', async () => {
    const s = await openStore(':memory:');
    expect(await s.countIncidents({})).toBe(0);
    await s.close();
  });
});
