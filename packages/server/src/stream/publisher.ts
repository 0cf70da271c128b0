/**
 * Publishes records to the agency subjects at a steady rate (records per second), as a live feed
 * would arrive: one JSON record per message, `Nats-Msg-Id` = `<agency>:<index>` so that JetStream
 * drops a retried publish inside its duplicate window. Publishes are pipelined (up to `window`
 * waiting for the server's acknowledgement) and paced by the clock in ticks of 10 ms, so the rate
 * holds without one round trip per message. `mode: 'core'` publishes without acknowledgements
 * (benchmarks), `payload` carries a body serialised beforehand.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BaseeratError } from '@baseerat/engine';
import { ensureIngestStream } from './ingest-stream.js';
import { DEFAULT_SUBJECT_PREFIX, ingestSubject } from './subjects.js';

export interface FeedRecord {
  agency: string;
  record: unknown;
  /** Message id for JetStream's duplicate window; default `<agency>:<position>`. */
  msgId?: string;
  /** The message body as prepared beforehand (JSON text of `record`); default `JSON.stringify(record)` at publish time. */
  payload?: Uint8Array;
}

export interface PublishOptions {
  nats: NatsConnection;
  records: Iterable<FeedRecord>;
  /** Records per second; 0 = as fast as the server acknowledges. */
  rate: number;
  stream?: string;
  prefix?: string;
  /** Publishes awaiting acknowledgement at most (default 2,000). */
  window?: number;
  /** Called just before each record is published (for latency measurements). */
  onSend?: (r: FeedRecord, index: number, atMs: number) => void;
  onProgress?: (p: { published: number; seconds: number }) => void;
  /**
   * 'jetstream' (default): each publish waits (pipelined) for the stream's acknowledgement and a
   * failure stops the run. 'core': plain NATS publishes into the stream's subjects, no
   * acknowledgement and no duplicate window: cheaper for publisher and server, for benchmarks
   * that check the counts stored afterwards; a record the server did not take is simply missing.
   */
  mode?: 'jetstream' | 'core';
  /** Stop after this many records (default all). */
  limit?: number;
}

export interface PublishSummary { published: number; seconds: number; ratePerSecond: number; byAgency: Record<string, number> }

export async function publishRecords(o: PublishOptions): Promise<PublishSummary> {
  if (!(o.rate >= 0)) throw new BaseeratError('VALIDATION', `rate: ${o.rate} is not a rate (records per second, >= 0)`, { field: 'rate' });
  await ensureIngestStream(await jetstreamManager(o.nats), { ...(o.stream === undefined ? {} : { stream: o.stream }), prefix: o.prefix ?? DEFAULT_SUBJECT_PREFIX });
  const js = jetstream(o.nats);
  const windowSize = o.window ?? 2000;
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  const byAgency: Record<string, number> = {};
  const subjects = new Map<string, string>();
  const t0 = performance.now();
  let n = 0, lastProgress = t0;
  const limit = o.limit ?? Infinity;
  for (const r of o.records) {
    if (n >= limit) break;
    if (o.rate > 0) {
      const due = t0 + (n / o.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 10) await new Promise((res) => setTimeout(res, wait));
    }
    while (pending.size >= windowSize) await Promise.race(pending);
    if (failure !== undefined) throw failure;
    let subject = subjects.get(r.agency);
    if (subject === undefined) { subject = ingestSubject(r.agency, o.prefix ?? DEFAULT_SUBJECT_PREFIX); subjects.set(r.agency, subject); }
    o.onSend?.(r, n, Date.now());
    const body = r.payload ?? JSON.stringify(r.record);
    if (o.mode === 'core') {
      o.nats.publish(subject, body);
    } else {
      const p = js.publish(subject, body, { msgID: r.msgId ?? `${r.agency}:${n}` }).then(
        () => { pending.delete(p); },
        (e: unknown) => { pending.delete(p); failure ??= e; },
      );
      pending.add(p);
    }
    byAgency[r.agency] = (byAgency[r.agency] ?? 0) + 1;
    n++;
    const now = performance.now();
    if (o.onProgress !== undefined && now - lastProgress > 1000) { lastProgress = now; o.onProgress({ published: n, seconds: (now - t0) / 1000 }); }
  }
  await Promise.all(pending);
  // core publishes: written to the server once the connection has flushed them
  if (o.mode === 'core') await o.nats.flush();
  if (failure !== undefined) throw failure;
  const seconds = (performance.now() - t0) / 1000;
  return { published: n, seconds, ratePerSecond: n / seconds, byAgency };
}
