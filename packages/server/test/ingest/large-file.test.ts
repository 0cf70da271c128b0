/**
 * A generated CSV of 100,000 rows with 1,000 malformed ones mixed in (bad dates, coordinates
 * outside Pakistan, unknown categories, broken quoting) and blank lines: 99,000 stored, 1,000
 * quarantined with reasons, none lost, no crash. Seeded, so the file is the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { ingestFile } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { generateMalformedFile as generate } from './malformed-file.js';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

describe('a 100,000-row file with 1,000 malformed rows', () => {
  it('stores 99,000, quarantines 1,000 with reasons, loses none', async () => {
    const { text, bad } = generate(100_000, 250, 500, 20240301);
    const dir = await mkdtemp('/tmp/baseerat-large-');
    const path = `${dir}/levies-100k.csv`;
    await writeFile(path, text);
    const store = new FakeStore();
    const summary = await ingestFile(path, {
      adapter: await loadMappingFile(new URL('../../../../data/mappings/examples/levies.json', import.meta.url).pathname),
      store, geocoder: new FakeGeocoder(), link: trivialLinker, receivedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(summary).toMatchObject({ rowsRead: 100_000, stored: 99_000, inserted: 99_000, quarantined: 1_000, duplicates: 0, blankLines: 500 });
    expect(summary.rowsRead).toBe(summary.stored + summary.duplicates + summary.quarantined);
    expect(store.reports.size).toBe(99_000);
    expect(store.quarantine).toHaveLength(1_000);
    // every quarantined row is one of the rows made bad, with the reason of its kind, and its line
    const expectFor: Record<string, RegExp> = {
      date: /^occurredAt: '31\/02\/\d{4}' is not a valid date \(format dd\/MM\/yyyy\)$/,
      coords: /^coordinates 12\.3, 40\.1 are outside Pakistan's districts \(and more than 2 km from any\)$/,
      category: /^category: 'Blst' is not in the mapping for column type$/,
      quote: /^broken quoting: /,
    };
    const lines = text.split('\n');
    const byKind: Record<string, number> = {};
    for (const q of store.quarantine) {
      const i = Number(/^LV-(\d+),/.exec(q.raw)?.[1]);
      const kind = bad.get(i);
      expect(kind, `row ${i} (line ${q.line}) was quarantined but is good: ${q.reasons[0]?.message}`).toBeDefined();
      expect(q.reasons.map((x) => x.message).join(' | ')).toMatch(expectFor[kind!]!);
      expect(lines[q.line - 1]).toBe(q.raw);
      byKind[kind!] = (byKind[kind!] ?? 0) + 1;
    }
    expect(byKind).toEqual({ date: 250, coords: 250, category: 250, quote: 250 });
    // and every good row is stored, once
    for (let i = 0; i < 100_000; i += 997) if (!bad.has(i)) expect(store.reports.has(`levies:LV-${i}`)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
