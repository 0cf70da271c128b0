/**
 * The pipeline wired as the CLI wires it: the DuckDB store (in memory), the shipped geography and
 * the engine's linkBatch. Checks the contract end to end: counts add up, re-ingest adds nothing,
 * quarantine is stored with its reasons, reports of one event from two agencies are linked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { DEFAULT_LINK_RULES, linkBatch } from '@baseerat/engine';
import { ingestFile, ingestStream } from '../../src/ingest/pipeline.js';
import { loadMappingFile, mappingAdapter, parseMapping } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import { openStore, type Store } from '../../src/store/index.js';

const root = new URL('../../../../', import.meta.url).pathname;
const geocoder = loadGeography();
let store: Store | undefined;
afterEach(async () => { await store?.close(); store = undefined; });

describe('ingest with the real store, geography and linker', () => {
  it('ingests the levies example, links a second agency, and re-ingests nothing', async () => {
    store = await openStore(':memory:');
    const levies = await loadMappingFile(`${root}data/mappings/examples/levies.json`);
    const base = { store, geocoder, link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: '2024-03-05T00:00:00.000Z' };
    const first = await ingestFile(`${root}data/mappings/examples/levies.csv`, { ...base, adapter: levies });
    expect(first).toMatchObject({ rowsRead: 3, stored: 3, quarantined: 0 });
    const again = await ingestFile(`${root}data/mappings/examples/levies.csv`, { ...base, adapter: levies });
    expect(again).toMatchObject({ rowsRead: 3, stored: 0, duplicates: 3, inserted: 0 });

    // the police report the Quetta blast of LV-2024-0001 20 minutes later, 300 m away; and one bad row
    const police = parseMapping({ ...levies.mapping, agency: 'police' });
    if (!police.ok) throw new Error(JSON.stringify(police.error));
    const header = 'ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported';
    const text = `${header}\nPS-77,01/03/2024,10:35,30.182,67.013,,Quetta,Blast,3,5,0,Police,,blast at checkpost,R,\nPS-78,01/03/2024,10:35,12.3,40.1,,,Blast,0,0,0,,,x,R,\n`;
    const dir = await mkdtemp('/tmp/baseerat-real-');
    await writeFile(`${dir}/police.csv`, text);
    const p = await ingestFile(`${dir}/police.csv`, { ...base, adapter: mappingAdapter(police.value), receivedAt: '2024-03-05T01:00:00.000Z' });
    expect(p).toMatchObject({ rowsRead: 2, stored: 1, attached: 1, inserted: 0, quarantined: 1 });
    expect(p.rowsRead).toBe(p.stored + p.duplicates + p.quarantined);

    const q = await store.listQuarantine({ offset: 0, limit: 10 }, p.runId);
    expect(q.total).toBe(1);
    expect(q.items[0]).toMatchObject({ line: 3, agency: 'police', reasons: [{ message: "coordinates 12.3, 40.1 are outside Pakistan's districts (and more than 2 km from any)" }] });
    const runs = await store.listRuns();
    expect(runs).toHaveLength(3);
    expect(await store.countIncidents({})).toBe(3);

    // the same police file again: nothing stored, and its bad line is not quarantined a second time
    const p2 = await ingestFile(`${dir}/police.csv`, { ...base, adapter: mappingAdapter(police.value), receivedAt: '2024-03-05T02:00:00.000Z' });
    expect(p2).toMatchObject({ rowsRead: 2, stored: 0, duplicates: 1, quarantined: 1 });
    expect(p2.runId).not.toBe(p.runId);
    expect((await store.stats()).quarantined).toBe(1);
    expect((await store.listQuarantine({ offset: 0, limit: 10 }, p2.runId)).total).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('district-level rows are stored without a point', async () => {
    store = await openStore(':memory:');
    const levies = await loadMappingFile(`${root}data/mappings/examples/levies.json`);
    const s = await ingestStream([`ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported\nD1,05/03/2024,,,,,Kech,Firing,0,0,0,,,,R,\n`], {
      adapter: levies, store, geocoder, link: linkBatch, receivedAt: '2024-03-06T00:00:00.000Z',
    });
    expect(s).toMatchObject({ stored: 1, quarantined: 0 });
    const page = await store.listIncidents({}, { offset: 0, limit: 5 });
    expect(page.items[0]!.location).toMatchObject({ precision: 'district', district: 'Kech' });
    expect(page.items[0]!.location.lat).toBeUndefined();
    expect(page.items[0]!.location.h3).toBeUndefined();
    expect(page.items[0]!.timePrecision).toBe('day');
  });
});
