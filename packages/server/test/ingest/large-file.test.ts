/**
 * A generated CSV of 100,000 rows with 1,000 malformed ones mixed in (bad dates, coordinates
 * outside Pakistan, unknown categories, broken quoting) and blank lines: 99,000 stored, 1,000
 * quarantined with reasons, none lost, no crash. Seeded, so the file is the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { ingestFile } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { SeededRng } from '@baseerat/engine';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

/** The engine's seeded generator, enough to place the bad rows. */
function rng(seed: number): () => number {
  const g = new SeededRng(seed);
  return () => g.next();
}

const KINDS = ['date', 'coords', 'category', 'quote'] as const;

function generate(rows: number, badEach: number, blanks: number, seed: number): { text: string; bad: Map<number, string> } {
  const r = rng(seed);
  const bad = new Map<number, string>(); // row index -> kind
  for (const kind of KINDS) {
    let placed = 0;
    while (placed < badEach) {
      const i = Math.floor(r() * rows);
      if (!bad.has(i)) { bad.set(i, kind); placed++; }
    }
  }
  const blankAfter = new Set<number>();
  while (blankAfter.size < blanks) blankAfter.add(Math.floor(r() * rows));
  const out: string[] = ['ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported'];
  const t0 = Date.UTC(2023, 0, 1);
  for (let i = 0; i < rows; i++) {
    // time-ordered over about two years, as an agency export is
    const d = new Date(t0 + i * 600_000);
    const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const inQuetta = r() < 0.5;
    let lat = (inQuetta ? 30.0 + r() * 0.5 : 25.0 + r() * 0.5).toFixed(5);
    let lon = (inQuetta ? 66.8 + r() * 0.5 : 62.0 + r() * 0.5).toFixed(5);
    let type = r() < 0.5 ? 'Blast' : 'Firing';
    let dateCell = date;
    let details = r() < 0.3 ? `"IED near checkpost, ""urgent"" report ${i}"` : `report ${i}`;
    const kind = bad.get(i);
    if (kind === 'date') dateCell = `31/02/${d.getUTCFullYear()}`;
    if (kind === 'coords') { lat = '12.3'; lon = '40.1'; }
    if (kind === 'category') type = 'Blst';
    if (kind === 'quote') details = `"unclosed narrative ${i}`;
    out.push(`LV-${i},${dateCell},${time},${lat},${lon},,,${type},${Math.floor(r() * 3)},${Math.floor(r() * 5)},0,Police,,${details},R,`);
    if (blankAfter.has(i)) out.push('');
  }
  return { text: `${out.join('\n')}\n`, bad };
}

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
