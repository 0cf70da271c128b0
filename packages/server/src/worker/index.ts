/**
 * worker: server-mode processes other than the API. `ingest-worker.ts` consumes the agency feeds from
 * NATS JetStream into the PostgreSQL store; `config.ts` reads its configuration (file, environment,
 * flags). The ingest worker also runs the live monitor (stream/shared-monitor.ts) and publishes its alerts on the
 * cross-process alert bus. May import the store, stream, monitor, ingest, reference and observability modules; not the API.
 */
export * from './config.js';
export * from './ingest-worker.js';
