/**
 * Re-deciding weak links across files, with the real DuckDB store (in memory), geography and
 * linker: a Levies district-only report joined a Police incident of another code only because it
 * was the only compatible one; when FC's file brings the same-code incident, the report moves
 * there through the store's unlink (link history) and FC's report is attached to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINK_RULES, linkBatch } from '@baseerat/engine';
import { ingestStream, type IngestOptions } from '../../src/ingest/pipeline.js';
import { loadMappingFile, mappingAdapter, parseMapping } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';

const root = new URL('../../../../', import.meta.url).pathname;
const geocoder = loadGeography();
const header = 'ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported';
let store: Store | undefined;
afterEach(async () => { await store?.close(); store = undefined; });

async function adapters() {
  const levies = await loadMappingFile(`${root}data/mappings/examples/levies.json`);
  const as = (agency: string) => {
    const m = parseMapping({ ...levies.mapping, agency });
    if (!m.ok) throw new Error(JSON.stringify(m.error));
    return mappingAdapter(m.value);
  };
  return { levies, police: as('police'), fc: as('fc') };
}

async function threeFiles(s: Store, options: Partial<IngestOptions>) {
  const a = await adapters();
  const base = { store: s, geocoder, link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: '2024-03-05T00:00:00.000Z', ...options };
  // police: an armed assault in Quetta; levies: a blast in Quetta that day, district only;
  // fc: the blast, 10 km north of the assault, an hour later
  const police = await ingestStream([`${header}\nPS-1,01/03/2024,10:00,30.18,66.98,,Quetta,Firing,0,0,0,,,assault,R,\n`], { ...base, adapter: a.police });
  const levies = await ingestStream([`${header}\nLV-1,01/03/2024,,,,,Quetta,Blast,0,0,0,,,blast,R,\n`], { ...base, adapter: a.levies });
  const fcText = `${header}\nFC-1,01/03/2024,11:00,30.27,66.98,,Quetta,Blast,0,0,0,,,blast,R,\n`;
  const fc = await ingestStream([fcText], { ...base, adapter: a.fc });
  const again = await ingestStream([fcText], { ...base, adapter: a.fc });
  return { police, levies, fc, again };
}

async function groups(s: Store): Promise<{ keys: string[]; rules: string[] }[]> {
  const page = await s.listIncidents({}, { offset: 0, limit: 100 });
  return page.items
    .map((i) => ({ keys: i.sources.map((x) => `${x.agency}:${x.sourceId}`).sort(), rules: i.links.map((l) => l.rule).sort() }))
    .sort((x, y) => x.keys[0]!.localeCompare(y.keys[0]!));
}

describe('ingest re-decides weak links when a later file brings a better incident', () => {
  it('moves the levies report from the police assault to the fc blast; re-ingest adds nothing', async () => {
    store = await openStore(':memory:');
    const r = await threeFiles(store, {});
    expect(r.levies).toMatchObject({ stored: 1, attached: 1, inserted: 0 });
    expect(r.fc).toMatchObject({ stored: 1, relinked: 1, inserted: 0, attached: 1 });
    expect(await groups(store)).toEqual([
      { keys: ['fc:FC-1', 'levies:LV-1'], rules: ['district-day-same-code'] },
      { keys: ['police:PS-1'], rules: [] },
    ]);
    expect(r.again).toMatchObject({ stored: 0, duplicates: 1, inserted: 0, relinked: 0 });
    expect(await store.countIncidents({})).toBe(2);
  });

  it('without reviseWeakLinks the first decision stays', async () => {
    store = await openStore(':memory:');
    const r = await threeFiles(store, { reviseWeakLinks: false });
    expect(r.fc).toMatchObject({ stored: 1, relinked: 0, inserted: 1 });
    expect(await groups(store)).toEqual([
      { keys: ['fc:FC-1'], rules: [] },
      { keys: ['levies:LV-1', 'police:PS-1'], rules: ['district-unique-group'] },
    ]);
  });
});
