/**
 * publishRecords against the real NATS JetStream on 127.0.0.1:4222 (a stream of its own, deleted
 * after): both modes put every record in the stream, as its JSON or as the payload given.
 */
import { describe, expect, it } from 'vitest';
import { publishRecords, type FeedRecord } from '../../src/stream/publisher.js';
import { natsTestBed } from './nats-test-bed.js';

const tag = `p${process.pid}${Math.floor(performance.now())}`;
const bed = natsTestBed('baseerat-publisher-');
const streams = bed.streams;

describe('publishRecords', () => {
  for (const mode of ['jetstream', 'core'] as const) {
    it(`${mode}: every record reaches the stream, a payload as given, a record as its JSON`, async () => {
      const stream = `TEST_PUB_${tag}_${mode}`.toUpperCase(), prefix = `${tag}${mode}.ingest`;
      streams.push(stream);
      const records: FeedRecord[] = Array.from({ length: 40 }, (_, i) => (i % 2 === 0
        ? { agency: 'police', record: { id: i } }
        : { agency: 'levies', record: { id: i }, payload: new TextEncoder().encode(`{"id":${i},"pre":true}`) }));
      const sent: number[] = [];
      const s = await publishRecords({ nats: bed.nc, records, rate: 0, stream, prefix, mode, onSend: (_r, i) => sent.push(i) });
      expect(s).toMatchObject({ published: 40, byAgency: { police: 20, levies: 20 } });
      expect(sent).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect((await bed.jsm.streams.info(stream)).state.messages).toBe(40);
      const first = await bed.jsm.streams.getMessage(stream, { seq: 1 });
      const second = await bed.jsm.streams.getMessage(stream, { seq: 2 });
      expect([first?.subject, first?.json()]).toEqual([`${prefix}.police`, { id: 0 }]);
      expect([second?.subject, second?.json()]).toEqual([`${prefix}.levies`, { id: 1, pre: true }]);
    });
  }
});
