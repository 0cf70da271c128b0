/**
 * `baseerat analyze trends` in the terminal says each fact once, as the API, the dashboard and the
 * report do: on a store with a 2021 feed, a 2024 feed and nothing in 2022-2023, the caveats that say
 * no feed covers part of 2022-2023 (the window's UNCOVERED_PERIODS, December 2023 not compared, the
 * months shown as no data, the trend stretch) are one caveat with its consequences listed under it.
 * Before, the command printed each caveat of the envelope, the comparisons and the districts as it
 * came (the fact four times).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-capture.js';
import { openGapStore } from './gap-store.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-trends-caveats-'));
const db = join(dir, 'gap.duckdb');
beforeAll(async () => {
  const { store } = await openGapStore(db);
  await store.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyze trends: caveats', () => {
  it('says once that no feed covers 2022-2023, with what follows listed under it', async () => {
    // January 2024 against December 2023 and January 2023, neither covered; Quetta is not compared either
    const r = await runCli(['analyze', 'trends', '--db', db, '--province', 'Balochistan', '--from', '2024-01-01', '--to', '2024-02-01']);
    expect(r.code, r.err).toBe(0);
    const caveats = r.out.slice(r.out.indexOf('\nCaveats:\n'));
    const top = caveats.split('\n').filter((l) => l.startsWith('- '));
    expect(top.filter((l) => /no feed covers|no data for/.test(l))).toEqual([
      expect.stringMatching(/^- no feed covers 2021-12-31 to 2023-12-31 \(731 days\) of the window of the trends analysis, 2021-02-01 to 2024-01-31: .*; for the same reason:$/),
    ]);
    const under = caveats.split('\n').filter((l) => l.startsWith('    - '));
    expect(under).toEqual(expect.arrayContaining([
      '    - the previous period (2023-12-01 to 2023-12-31) is not compared',
      '    - the same period a year earlier (2023-01-01 to 2023-01-31) is not compared',
      '    - 1 district is not compared with the previous period',
      '    - the trend test runs over the month 2024-01 only',
    ]));
    expect(top).toContain('- no trend test: a trend test needs at least 3 periods, got 1 (the months the feeds cover without a gap up to the window, 2024-01)');
    // no caveat text twice
    expect(new Set(top).size).toBe(top.length);
  }, 60_000);
});
