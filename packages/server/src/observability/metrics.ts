/**
 * Prometheus metrics (prom-client), one registry per process. Names follow the Prometheus
 * conventions (`_total` counters, `_seconds` durations). What each answers:
 *
 * - `baseerat_ingest_records_total{agency,outcome}`: records taken from the feed, by outcome
 *   (`stored`, `duplicate`, `quarantined`); its rate is the ingest rate;
 * - `baseerat_ingest_batch_seconds{agency}`: time to write one consumer batch (store transaction);
 * - `baseerat_ingest_latency_seconds{agency}`: from publication on the bus (JetStream timestamp of
 *   the batch's first message) to the batch committed;
 * - `baseerat_consumer_pending{agency}` and `baseerat_consumer_ack_pending{agency}`: messages not
 *   yet delivered, and delivered but not acknowledged: the consumer lag;
 * - `baseerat_http_request_seconds{method,route,status}`: API request latency (the `route` is the
 *   route pattern, never the URL, which may carry identifiers).
 * Plus prom-client's default process metrics (CPU, memory, event-loop lag).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface BaseeratMetrics {
  registry: Registry;
  ingestRecords: Counter<'agency' | 'outcome'>;
  ingestBatchSeconds: Histogram<'agency'>;
  ingestLatencySeconds: Histogram<'agency'>;
  consumerPending: Gauge<'agency'>;
  consumerAckPending: Gauge<'agency'>;
  httpRequestSeconds: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(opts: { role: string; defaultMetrics?: boolean }): BaseeratMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: opts.role });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    ingestRecords: new Counter({ name: 'baseerat_ingest_records_total', help: 'Feed records taken, by outcome (stored, duplicate, quarantined)', labelNames: ['agency', 'outcome'], registers }),
    ingestBatchSeconds: new Histogram({
      name: 'baseerat_ingest_batch_seconds', help: 'Time to write one consumer batch to the store', labelNames: ['agency'], registers,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    ingestLatencySeconds: new Histogram({
      name: 'baseerat_ingest_latency_seconds', help: 'From publication on the bus to the batch committed', labelNames: ['agency'], registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    }),
    consumerPending: new Gauge({ name: 'baseerat_consumer_pending', help: 'Messages on the stream not yet delivered to the consumer', labelNames: ['agency'], registers }),
    consumerAckPending: new Gauge({ name: 'baseerat_consumer_ack_pending', help: 'Messages delivered but not yet acknowledged', labelNames: ['agency'], registers }),
    httpRequestSeconds: new Histogram({
      name: 'baseerat_http_request_seconds', help: 'API request latency', labelNames: ['method', 'route', 'status'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  };
}
