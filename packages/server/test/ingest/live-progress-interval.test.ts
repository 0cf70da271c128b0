/**
 * `progressIntervalMs`: a live run re-records itself for a new Pakistan day of its range at most once
 * per interval of its clock; a day reached in between is recorded by the first push after the
 * interval, and the record at close is exact.
 */
import { describe, expect, it } from 'vitest';
import { createLiveIngestor } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import type { IngestRun } from '../../src/store/port.js';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

const examples = `${new URL('../../../../', import.meta.url).pathname}data/mappings/examples`;
const rec = (id: string, received: string) => ({ call_id: id, received, location: { lat: 30.181, lon: 67.012 }, nature: 'blast' });

class CountingStore extends FakeStore {
  recorded: IngestRun[] = [];
  override async recordRun(run: IngestRun): Promise<void> { this.recorded.push(run); return super.recordRun(run); }
}

describe('live run progress records, bounded in time', () => {
  it('records a new day at once, then at most once per interval of the clock; the record at close is exact', async () => {
    const store = new CountingStore();
    let clock = Date.parse('2024-03-05T00:00:00.000Z');
    const live = createLiveIngestor({
      adapter: await loadMappingFile(`${examples}/rescue-1122.json`), store, geocoder: new FakeGeocoder(), link: trivialLinker,
      receivedAt: '2024-03-05T00:00:00.000Z', now: () => new Date(clock), progressIntervalMs: 10_000,
    });
    await live.push([rec('1', '2024-03-01T10:00:00+05:00')]);
    expect(store.recorded.map((r) => r.coveredTo)).toEqual(['2024-03-01T05:00:00.000Z']);
    // new days 1 s and 9.999 s later: within the interval, not recorded
    clock += 1000;
    await live.push([rec('2', '2024-03-02T10:00:00+05:00')]);
    clock += 8999;
    await live.push([rec('3', '2024-03-03T10:00:00+05:00')]);
    expect(store.recorded).toHaveLength(1);
    // exactly 10 s after the last record: a push with nothing new records the days reached meanwhile
    clock += 1;
    await live.push([rec('3', '2024-03-03T10:00:00+05:00')]);
    expect(store.recorded).toHaveLength(2);
    expect(store.recorded[1]).toMatchObject({ coveredFrom: '2024-03-01T05:00:00.000Z', coveredTo: '2024-03-03T05:00:00.000Z', rowsRead: 4 });
    // the same days later on: nothing to record, whatever the clock
    clock += 60_000;
    await live.push([rec('4', '2024-03-03T11:00:00+05:00')]);
    expect(store.recorded).toHaveLength(2);
    // a new day at once after a quiet minute, then one within the interval, kept for the close
    await live.push([rec('5', '2024-03-04T10:00:00+05:00')]);
    expect(store.recorded).toHaveLength(3);
    clock += 2000;
    await live.push([rec('6', '2024-02-20T10:00:00+05:00')]);
    expect(store.recorded).toHaveLength(3);
    expect(store.runs[0]!.coveredFrom).toBe('2024-03-01T05:00:00.000Z');
    await live.close();
    expect(store.recorded).toHaveLength(4);
    expect(store.runs).toHaveLength(1);
    expect(store.runs[0]).toMatchObject({ finishedAt: new Date(clock).toISOString(), coveredFrom: '2024-02-20T05:00:00.000Z', coveredTo: '2024-03-04T05:00:00.000Z', rowsRead: 7 });
  });
});
