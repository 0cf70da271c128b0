/** server/stream: NATS JetStream ingest (per-agency durable consumers, a paced publisher) and feed reading for the publisher. */
export * from './subjects.js';
export * from './ingest-stream.js';
export * from './ingest-consumer.js';
export * from './publisher.js';
export * from './feed-records.js';
