/**
 * Creates the ingest stream when it does not exist (file storage, so that messages survive a NATS
 * restart; limits retention). JetStream's own duplicate window (`Nats-Msg-Id`, 2 minutes by
 * default) catches a publisher that retries quickly; idempotency beyond that comes from the store's
 * unique (agency, source id) key.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX } from './subjects.js';

export async function ensureIngestStream(jsm: JetStreamManager, opts: { stream?: string; prefix?: string } = {}): Promise<string> {
  const name = opts.stream ?? DEFAULT_STREAM;
  const subjects = [`${opts.prefix ?? DEFAULT_SUBJECT_PREFIX}.>`];
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({ name, subjects });
  }
  return name;
}
