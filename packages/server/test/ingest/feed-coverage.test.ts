/**
 * Feed coverage on the ingest path: a run records the time range of the records it carried (new
 * or already stored, not quarantined), and a live run records itself again when that range
 * reaches a new Pakistan day, so that analyses see a feed's coverage grow while it runs.
 */
import { describe, expect, it } from 'vitest';
import { createLiveIngestor, ingestRecords, type IngestOptions } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import type { IngestRun } from '../../src/store/port.js';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

const examples = `${new URL('../../../../', import.meta.url).pathname}data/mappings/examples`;
const receivedAt = '2024-03-05T00:00:00.000Z';
const rec = (id: string, received: string, extra: Record<string, unknown> = {}) => ({ call_id: id, received, location: { lat: 30.181, lon: 67.012 }, nature: 'blast', ...extra });

/** Counts the recordRun calls (the FakeStore keeps only the latest version of each run). */
class CountingStore extends FakeStore {
  recorded: IngestRun[] = [];
  override async recordRun(run: IngestRun): Promise<void> { this.recorded.push(run); return super.recordRun(run); }
}

async function opts(store: FakeStore): Promise<IngestOptions> {
  return { adapter: await loadMappingFile(`${examples}/rescue-1122.json`), store, geocoder: new FakeGeocoder(), link: trivialLinker, receivedAt, now: () => new Date('2024-03-05T00:00:01.000Z') };
}

describe('feed coverage of ingest runs', () => {
  it('a run records the earliest and latest time of the records it carried; quarantined rows do not count', async () => {
    const store = new FakeStore();
    await ingestRecords([
      rec('2', '2024-02-10T08:00:00+05:00'), rec('1', '2024-01-03T23:30:00+05:00'),
      rec('bad', '2023-01-01T00:00:00+05:00', { nature: 'meteor' }), rec('3', '2024-02-28T10:00:00+05:00'),
    ], await opts(store));
    expect(store.runs).toHaveLength(1);
    expect(store.runs[0]).toMatchObject({ coveredFrom: '2024-01-03T18:30:00.000Z', coveredTo: '2024-02-28T05:00:00.000Z', quarantined: 1 });
    // the same records again: all already stored, yet the feed still reported that period
    await ingestRecords([rec('1', '2024-01-03T23:30:00+05:00'), rec('3', '2024-02-28T10:00:00+05:00')], { ...(await opts(store)), now: () => new Date('2024-03-06T00:00:00.000Z') });
    expect(store.runs[1]).toMatchObject({ duplicates: 2, coveredFrom: '2024-01-03T18:30:00.000Z', coveredTo: '2024-02-28T05:00:00.000Z' });
  });

  it('a run that carried no valid record has no range', async () => {
    const store = new FakeStore();
    await ingestRecords([rec('bad', '2024-01-01T00:00:00+05:00', { nature: 'meteor' })], await opts(store));
    expect(store.runs[0]!.coveredFrom).toBeUndefined();
    expect(store.runs[0]!.coveredTo).toBeUndefined();
  });

  it('a live run records itself (unfinished) when its range reaches a new Pakistan day, not at every push', async () => {
    const store = new CountingStore();
    const live = createLiveIngestor(await opts(store));
    await live.push([rec('1', '2024-03-01T10:00:00+05:00')]);
    expect(store.recorded).toHaveLength(1);
    expect(store.runs[0]).toMatchObject({ coveredFrom: '2024-03-01T05:00:00.000Z', coveredTo: '2024-03-01T05:00:00.000Z' });
    expect(store.runs[0]!.finishedAt).toBeUndefined();
    // later the same Pakistan day (23:59 PKT = 18:59 UTC): no new record
    await live.push([rec('2', '2024-03-01T23:59:00+05:00')]);
    expect(store.recorded).toHaveLength(1);
    // 00:30 PKT on 2 March is still 1 March in UTC: a new Pakistan day, recorded
    await live.push([rec('3', '2024-03-02T00:30:00+05:00')]);
    expect(store.recorded).toHaveLength(2);
    expect(store.runs[0]).toMatchObject({ coveredTo: '2024-03-01T19:30:00.000Z', rowsRead: 3 });
    // a late record from an earlier day widens the start
    await live.push([rec('4', '2024-02-27T12:00:00+05:00')]);
    expect(store.recorded).toHaveLength(3);
    expect(store.runs[0]!.coveredFrom).toBe('2024-02-27T07:00:00.000Z');
    await live.close();
    expect(store.runs).toHaveLength(1);
    expect(store.runs[0]).toMatchObject({ finishedAt: '2024-03-05T00:00:01.000Z', coveredFrom: '2024-02-27T07:00:00.000Z', coveredTo: '2024-03-01T19:30:00.000Z', rowsRead: 4 });
  });
});
