/** server/stream: NATS JetStream ingest (per-agency durable consumers, a paced publisher), feed reading for the publisher, and the cross-process alert bus. */
export * from './subjects.js';
export * from './ingest-stream.js';
export * from './ingest-consumer.js';
export * from './publisher.js';
export * from './feed-records.js';
export * from './alert-bus.js';
export * from './shared-monitor.js';
