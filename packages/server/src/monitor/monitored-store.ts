/**
 * A Store that hands every newly stored incident to the live monitor, after the write commits.
 * The ingest pipeline (HTTP route, NATS consumer, CLI) does not know about monitoring: the caller
 * wraps the store it gives the pipeline. Attachments (a new report of an incident already stored)
 * do not re-run the rules: the incident was evaluated when it first arrived.
 *
 * Which new incidents were stored: all of the batch's when the store skipped no report as a
 * duplicate (the usual case: the pipeline drops stored keys before writing); otherwise those the
 * store now holds (an incident all of whose reports were duplicates was not created).
 * A failure of the monitor does not fail the write (it is committed, and a retry would be a
 * duplicate that is never evaluated): it goes to `onError` and the monitor's error counter.
 *
 * `overlap` (the NATS consumer): `writeBatch` returns once the write has committed and the
 * previous batch's observation has finished, while this batch is observed in the background; so the
 * monitor's work on batch n (rules, alert upsert, SSE) overlaps the parsing, linking and writing
 * of batch n+1, and the monitor is never more than one batch behind the store. The monitor takes
 * batches in write order (its queue). `monitor.idle()` waits for the last one. Without `overlap`
 * (default) `writeBatch` returns after the observation, as the HTTP route expects.
 */
import type { IngestBatch, Store, WriteResult } from '../store/port.js';
import { labelledNewIncident, type LiveMonitor, type ObserveResult } from './live-monitor.js';

export function monitoredStore(store: Store, monitor: LiveMonitor, onObserved?: (r: ObserveResult) => void, options: { overlap?: boolean } = {}): Store {
  const observeCommitted = async (batch: IngestBatch, w: WriteResult): Promise<void> => {
    try {
      let created = batch.newIncidents;
      if (w.duplicates > 0) {
        const kept = await Promise.all(created.map(async (n) => (await store.getIncident(n.id)) !== undefined));
        created = created.filter((_, i) => kept[i]);
      }
      const r = await monitor.observe(created.map(labelledNewIncident));
      onObserved?.(r);
    } catch (e) {
      monitor.counters.errors++;
      monitor.reportError(e);
    }
  };
  let observing: Promise<void> = Promise.resolve();
  const writeBatch = async (batch: IngestBatch): Promise<WriteResult> => {
    const w = await store.writeBatch(batch);
    if (batch.newIncidents.length === 0) return w;
    const observed = observeCommitted(batch, w);
    if (options.overlap !== true) {
      await observed;
      return w;
    }
    const previous = observing;
    observing = observed;
    await previous;
    return w;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'writeBatch') return writeBatch;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
