/**
 * Configuration of `baseerat worker`: a JSON file (strict: unknown keys are refused), then the
 * environment, then command-line flags, each overriding the one before. Defaults are for one
 * machine (NATS and PostgreSQL on localhost).
 *
 * | key | env | flag | default |
 * |---|---|---|---|
 * | `database` | `BASEERAT_DATABASE_URL` | `--db` | (required: a postgres:// URL) |
 * | `nats` | `BASEERAT_NATS_URL` (comma-separated) | `--nats` | `127.0.0.1:4222` |
 * | `agencies` | `BASEERAT_WORKER_AGENCIES` (comma-separated) | `--agencies` | (required) |
 * | `mappings` | `BASEERAT_MAPPINGS` | `--mappings` | none |
 * | `format` | | `--format` | none |
 * | `maxBatch` | | `--batch` | 5000 |
 * | `opsHost`, `opsPort` | `BASEERAT_OPS_HOST`, `BASEERAT_OPS_PORT` | `--ops-host`, `--ops-port` | 127.0.0.1, 9464 |
 * | `schema`, `maxConnections`, `stream`, `prefix` | | | public, 4, BASEERAT_INGEST, baseerat.ingest |
 * | `ackWaitSeconds` | | | 60 (applies when the durable consumer is first created) |
 * | `monitor` | | `--no-monitor` | true: run the live rules on what the worker stores |
 * | `rules`, `zones` | | `--rules`, `--zones` | the engine's example rules and zones (as `serve`) |
 * | `webhooks` | | `--webhooks` | none (sent for the alerts this worker raises) |
 * | `alertBus` | | `--no-alert-bus` | true: publish alert changes on NATS, adopt the others' (stream/alert-bus.ts) |
 * | `alertStream`, `alertPrefix` | `BASEERAT_ALERT_STREAM`, `BASEERAT_ALERT_PREFIX` | | BASEERAT_ALERTS, baseerat.alerts |
 */
import { readFileSync } from 'node:fs';
import { BaseeratError } from '@baseerat/engine';
import { z } from 'zod';

export const WorkerConfigSchema = z.strictObject({
  database: z.string().min(1),
  nats: z.array(z.string().min(1)).min(1),
  agencies: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)).min(1),
  mappings: z.string().optional(),
  format: z.string().optional(),
  maxBatch: z.number().int().min(1).max(100_000),
  opsHost: z.string(),
  opsPort: z.number().int().min(0).max(65535),
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  maxConnections: z.number().int().min(1).max(100),
  stream: z.string().optional(),
  prefix: z.string().optional(),
  /** Seconds before JetStream redelivers a message a worker took and did not acknowledge (set when the consumer is created). */
  ackWaitSeconds: z.number().int().min(1).max(3600).optional(),
  /** Run the live monitor (rules, detectors) on the incidents this worker stores (absent: true). */
  monitor: z.boolean().optional(),
  rules: z.string().optional(),
  zones: z.string().optional(),
  webhooks: z.string().optional(),
  /** Share alert changes and detector state with the other processes over NATS (absent: true). */
  alertBus: z.boolean().optional(),
  alertStream: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  alertPrefix: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/).optional(),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export interface WorkerFlags {
  config?: string; db?: string; nats?: string; agencies?: string; mappings?: string; format?: string; batch?: string; opsHost?: string; opsPort?: string;
  /** false from `--no-monitor` / `--no-alert-bus` (commander sets true when the flag is absent: only false overrides the file). */
  monitor?: boolean; alertBus?: boolean; rules?: string; zones?: string; webhooks?: string;
}

const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter((x) => x !== '');
const int = (s: string | undefined, field: string) => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new BaseeratError('VALIDATION', `${field}: ${JSON.stringify(s)} is not a whole number`, { field });
  return n;
};

/** Merges file, environment and flags; throws a CONFIG error naming the field that is wrong. */
export function loadWorkerConfig(flags: WorkerFlags, env: Readonly<Record<string, string | undefined>> = process.env): WorkerConfig {
  const path = flags.config ?? env.BASEERAT_WORKER_CONFIG;
  let file: Record<string, unknown> = {};
  if (path !== undefined) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new BaseeratError('CONFIG', `worker config ${path}: ${e instanceof Error ? e.message : String(e)}`, { field: 'config', cause: e });
    }
  }
  const pick = <T>(...values: (T | undefined)[]): T | undefined => values.find((v) => v !== undefined);
  const merged = {
    database: pick(flags.db, env.BASEERAT_DATABASE_URL, file.database),
    nats: pick(list(flags.nats), list(env.BASEERAT_NATS_URL), file.nats, ['127.0.0.1:4222']),
    agencies: pick(list(flags.agencies), list(env.BASEERAT_WORKER_AGENCIES), file.agencies),
    mappings: pick(flags.mappings, env.BASEERAT_MAPPINGS, file.mappings),
    format: pick(flags.format, file.format),
    maxBatch: pick(int(flags.batch, 'batch'), file.maxBatch, 5000),
    opsHost: pick(flags.opsHost, env.BASEERAT_OPS_HOST, file.opsHost, '127.0.0.1'),
    opsPort: pick(int(flags.opsPort, 'opsPort'), int(env.BASEERAT_OPS_PORT, 'BASEERAT_OPS_PORT'), file.opsPort, 9464),
    schema: pick(file.schema, 'public'),
    maxConnections: pick(file.maxConnections, 4),
    stream: file.stream,
    prefix: file.prefix,
    ackWaitSeconds: file.ackWaitSeconds,
    monitor: pick(flags.monitor === false ? false : undefined, file.monitor, true),
    rules: pick(flags.rules, file.rules),
    zones: pick(flags.zones, file.zones),
    webhooks: pick(flags.webhooks, file.webhooks),
    alertBus: pick(flags.alertBus === false ? false : undefined, file.alertBus, true),
    alertStream: pick(env.BASEERAT_ALERT_STREAM || undefined, file.alertStream),
    alertPrefix: pick(env.BASEERAT_ALERT_PREFIX || undefined, file.alertPrefix),
  };
  const parsed = WorkerConfigSchema.safeParse(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'config');
    throw new BaseeratError('CONFIG', `worker configuration: ${field}: ${issue.message}${path === undefined ? '' : ` (file ${path})`}`, { field });
  }
  const c = parsed.data;
  if (!/^postgres(ql)?:\/\//i.test(c.database)) {
    throw new BaseeratError('CONFIG', 'worker: the database must be a postgres:// URL (server mode); for the embedded DuckDB store use `baseerat consume`', { field: 'database' });
  }
  // unknown keys in the file are refused too
  const unknown = Object.keys(file).filter((k) => !(k in WorkerConfigSchema.shape));
  if (unknown.length > 0) throw new BaseeratError('CONFIG', `worker configuration: unknown key(s) ${unknown.join(', ')} (file ${path ?? ''})`, { field: unknown[0]! });
  return c;
}
