/**
 * A live run's progress record is written behind the live path: a push does not wait for it (the
 * store may be checkpointing), no second record starts while one is being written, and a failed
 * record is thrown by the next push.
 */
import { describe, expect, it } from 'vitest';
import { createLiveIngestor } from '../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import type { IngestRun } from '../../src/store/port.js';
import { FakeGeocoder, FakeStore, trivialLinker } from './fakes.js';

const examples = `${new URL('../../../../', import.meta.url).pathname}data/mappings/examples`;
const rec = (id: string, at: string) => ({ call_id: id, received: at, location: { lat: 30.181, lon: 67.012 }, nature: 'blast' });

/** A store whose run records wait until the test lets them through, or fail. */
class HeldStore extends FakeStore {
  started: IngestRun[] = [];
  private release: (() => void)[] = [];
  failNext: Error | undefined;
  override recordRun(run: IngestRun): Promise<void> {
    this.started.push(run);
    const fail = this.failNext;
    this.failNext = undefined;
    if (fail !== undefined) return Promise.reject(fail);
    return new Promise<void>((r) => { this.release.push(r); }).then(() => super.recordRun(run));
  }
  letThrough(): void { for (const r of this.release.splice(0)) r(); }
}

const live = async (store: FakeStore) => createLiveIngestor({
  adapter: await loadMappingFile(`${examples}/rescue-1122.json`), store, geocoder: new FakeGeocoder(), link: trivialLinker,
  receivedAt: '2024-03-05T00:00:00.000Z',
});

describe('live run progress records, written behind', () => {
  it('a push returns while its record waits; no second record starts meanwhile; the close waits for it and records exactly', async () => {
    const store = new HeldStore();
    const l = await live(store);
    const c = await l.push([rec('1', '2024-03-01T10:00:00+05:00')]);
    expect(c.stored).toBe(1);
    expect(store.started).toHaveLength(1);
    expect(store.runs).toHaveLength(0);
    // a new day while the first record is held: not started now
    await l.push([rec('2', '2024-03-02T10:00:00+05:00')]);
    expect(store.started).toHaveLength(1);
    store.letThrough();
    await new Promise((r) => setImmediate(r));
    expect(store.runs[0]!.coveredTo).toBe('2024-03-01T05:00:00.000Z');
    // the next push records the range reached meanwhile
    await l.push([rec('3', '2024-03-02T11:00:00+05:00')]);
    expect(store.started).toHaveLength(2);
    expect(store.started[1]!.coveredTo).toBe('2024-03-02T06:00:00.000Z');
    const closing = l.close();
    await new Promise((r) => setImmediate(r));
    // the close waits for the record in flight before the final one
    expect(store.started).toHaveLength(2);
    store.letThrough();
    await new Promise((r) => setImmediate(r));
    store.letThrough();
    const summary = await closing;
    expect(summary.rowsRead).toBe(3);
    expect(store.started).toHaveLength(3);
    expect(store.runs[0]).toMatchObject({ rowsRead: 3, coveredTo: '2024-03-02T06:00:00.000Z' });
    expect(store.runs[0]!.finishedAt).toBeDefined();
  });

  it('a failed record is thrown by the next push, which takes nothing; the one after records again', async () => {
    const store = new HeldStore();
    const l = await live(store);
    store.failNext = new Error('disk full');
    await l.push([rec('1', '2024-03-01T10:00:00+05:00')]);
    await new Promise((r) => setImmediate(r));
    await expect(l.push([rec('2', '2024-03-01T11:00:00+05:00')])).rejects.toThrow('disk full');
    expect(store.reports.size).toBe(1);
    // the failure is thrown once; the range is recorded again by the next push
    await l.push([rec('2', '2024-03-01T11:00:00+05:00')]);
    expect(store.started).toHaveLength(2);
    expect(store.reports.size).toBe(2);
    const closing = l.close();
    for (let i = 0; i < 5; i++) { store.letThrough(); await new Promise((r) => setImmediate(r)); }
    expect((await closing).rowsRead).toBe(2);
  });
});
