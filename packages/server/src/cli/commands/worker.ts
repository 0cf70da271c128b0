/**
 * `baseerat worker`: a server-mode ingest worker (NATS JetStream -> PostgreSQL) that runs the live
 * rules on what it stores and publishes the alerts on the alert bus; run as many as the feeds need,
 * on any machines. Configuration: `worker/config.ts` (file, environment,
 * flags). Logs are JSON lines on stdout (pino); `--ops-port` serves /healthz, /readyz and /metrics.
 * SIGTERM/SIGINT finish and acknowledge the batches in hand, then exit; after SIGKILL the
 * unacknowledged messages are redelivered to the other workers (or to this one when it returns).
 */
import type { Command } from 'commander';
import { createLogger } from '../../observability/logger.js';
import { loadWorkerConfig, type WorkerFlags } from '../../worker/config.js';
import { startIngestWorker } from '../../worker/ingest-worker.js';
import { stopSignal } from '../stop-signal.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Server mode: consume agency feeds from NATS JetStream into PostgreSQL (acked after commit), run the live rules on them and publish the alerts on the alert bus; health, readiness and Prometheus metrics on --ops-port')
    .option('--config <file>', 'worker configuration (JSON; default $BASEERAT_WORKER_CONFIG)')
    .option('--db <url>', 'PostgreSQL URL (default $BASEERAT_DATABASE_URL)')
    .option('--nats <urls>', 'NATS servers, comma-separated (default $BASEERAT_NATS_URL or 127.0.0.1:4222)')
    .option('--agencies <list>', 'comma-separated agencies; subjects baseerat.ingest.<agency> (default $BASEERAT_WORKER_AGENCIES)')
    .option('--mappings <dir>', 'agency mapping files <agency>.json')
    .option('-f, --format <format>', 'built-in format for agencies without a mapping (ucdp, gtd, acled, portland-nij)')
    .option('--batch <n>', 'records per store write at most (default 5000)')
    .option('--ops-host <addr>', 'address of the health/metrics endpoints (default 127.0.0.1)')
    .option('--ops-port <n>', 'port of the health/metrics endpoints (default 9464; 0 = any free port)')
    .option('--rules <file>', 'alert rules for the live monitor (JSON array; default the example Balochistan rules, as serve)')
    .option('--zones <file>', 'watch zones for the rules (GeoJSON; default the example zones)')
    .option('--webhooks <file>', 'alert webhooks (JSON; sent for the alerts this worker raises; see docs/monitoring.md)')
    .option('--no-monitor', 'store only: no live rules, no alerts from what this worker ingests')
    .option('--no-alert-bus', 'do not share alerts and detector state with other processes over NATS')
    .action(async (flags: WorkerFlags) => {
      const log = createLogger('worker');
      const config = loadWorkerConfig(flags);
      // a stop asked for while the worker starts is kept (cli/stop-signal.ts)
      const stop = stopSignal();
      try {
        const worker = await startIngestWorker(config, log);
        await new Promise<void>((done) => {
          void stop.requested.then(() => { done(); });
          worker.done.catch((e: unknown) => {
            log.error({ err: e instanceof Error ? e.message : String(e) }, 'consumer failed');
            process.exitCode = 1;
            done();
          });
        });
        await worker.stop();
      } finally {
        stop.dispose();
      }
    });
}
