/**
 * The server mode's wiring, the counterpart of embedded.ts (`openEmbedded`) on PostgreSQL: the
 * PostgresStore, the security context (accounts, sessions, data keys, audit trail in the `sec_*`
 * tables) and the key ring, so that any number of API processes (and workers) can share one
 * database and none holds state of its own: a session created by one process is honoured by every
 * other, and all append to one audit trail (serialised across processes by an advisory lock).
 *
 * The store's sensitive columns are encrypted under the `incidents` data key, as in embedded mode;
 * the data keys are wrapped by the master key, which every process must be given
 * (BASEERAT_MASTER_KEY). The store's pool and the security pool are separate (the store sets its
 * row-level-security scope per transaction; the security tables have none), both on the same
 * schema and UTC.
 *
 * Rotation across processes: the store's codec reloads the data keys every minute and at once when
 * a value names a key it does not hold (ReloadingStoreCodec); until then a process keeps writing
 * under the previous version, which stays valid and readable. The accounts cipher (TOTP secrets)
 * and `security.keys` keep the keys loaded at open: restart the API processes after rotating the
 * `accounts` dataset or the master key (docs/operations.md).
 */
import { BaseeratError } from '@baseerat/engine';
import type pg from 'pg';
import { ACCOUNTS_DATASET, type SecurityContext } from '../security/admin-operations.js';
import { AccountService } from '../security/account-service.js';
import { AuditLog } from '../security/audit-log.js';
import { FieldCipher, KeyRing } from '../security/field-cipher.js';
import { PolicyEngine } from '../security/policy-engine.js';
import { openPostgresKeyRing, openPostgresSecurityPool, ReloadingStoreCodec } from '../security/postgres-key-ring.js';
import { PostgresAuditStore, PostgresSecurityRepo } from '../security/postgres-security-repo.js';
import { STORE_DATASET } from '../security/store-keys.js';
import { openPostgresStore, type PostgresStore } from '../store/postgres/postgres-store.js';
import { AlertHub } from '../monitor/alert-hub.js';
import { LiveMonitor } from '../monitor/live-monitor.js';
import { PostgresAlertRepository } from '../monitor/postgres-alert-repository.js';
import { loadRuleSet } from '../monitor/rule-config.js';
import { loadWebhookFile, WebhookDispatcher } from '../monitor/webhooks.js';

export interface ServerModeOptions {
  /** Schema of every table (default `public`). */
  schema?: string;
  /** Connections of the store's pool (default 10). */
  maxConnections?: number;
  /** Connections of the security and monitor pool (default 4). */
  securityConnections?: number;
  policyDir?: string;
  /** Reload the data keys this often (ms; default 60 000; 0 never), so that rotations by other processes arrive. */
  keyRefreshMs?: number;
}

export interface ServerMode {
  store: PostgresStore;
  security: SecurityContext;
  /** The pool of the security and monitor tables (search_path = the schema, UTC). */
  pool: pg.Pool;
  /** The alert repository on the same database (migrated on first call). */
  alertRepository(): Promise<PostgresAlertRepository>;
  /** Reloads the store codec's data keys now (also done every `keyRefreshMs`). */
  refreshKeys(): Promise<void>;
  close(): Promise<void>;
}

/** True for a `postgres://` or `postgresql://` URL: the server mode's database. */
export function isPostgresUrl(s: string | undefined): s is string {
  return s !== undefined && /^postgres(ql)?:\/\//i.test(s);
}

export async function openServerMode(url: string, masterKey: Buffer, now: Date, opts: ServerModeOptions = {}): Promise<ServerMode> {
  const schema = opts.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new BaseeratError('CONFIG', `schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`, { field: 'schema' });
  const pool = await openPostgresSecurityPool(url, schema, opts.securityConnections ?? 4);
  let store: PostgresStore | undefined;
  try {
    const repo = new PostgresSecurityRepo(pool);
    const auditStore = new PostgresAuditStore(pool);
    const audit = new AuditLog(auditStore);
    const keys = await openPostgresKeyRing(pool, repo, masterKey, now);
    const accounts = new AccountService({ repo, audit, cipher: new FieldCipher(keys, ACCOUNTS_DATASET) });
    const security: SecurityContext = {
      repo, auditStore, audit, keys, accounts, policies: PolicyEngine.load(opts.policyDir),
      cipherFor: async (dataset, at) => { await keys.ensureDataset(dataset, at); return new FieldCipher(keys, dataset); },
      // the pool is ended by ServerMode.close (after the store)
      close: () => undefined,
    };
    const codec = new ReloadingStoreCodec(new FieldCipher(keys, STORE_DATASET), () => KeyRing.open(repo, masterKey));
    const refreshMs = opts.keyRefreshMs ?? 60_000;
    store = await openPostgresStore(url, { schema, codec, ...(opts.maxConnections === undefined ? {} : { maxConnections: opts.maxConnections }) });
    const opened = store;
    let alerts: Promise<PostgresAlertRepository> | undefined;
    let closed = false;
    const timer = refreshMs > 0 ? setInterval(() => { void codec.refresh().catch(() => undefined); }, refreshMs) : undefined;
    timer?.unref();
    return {
      store: opened, security, pool,
      alertRepository: () => (alerts ??= PostgresAlertRepository.open(pool)),
      refreshKeys: () => codec.refresh(),
      async close() {
        if (closed) return;
        closed = true;
        if (timer !== undefined) clearInterval(timer);
        await opened.close();
        await pool.end();
      },
    };
  } catch (e) {
    await store?.close();
    await pool.end();
    throw e;
  }
}

export interface ServerModeMonitor {
  monitor: LiveMonitor;
  hub: AlertHub;
  webhooks: WebhookDispatcher | undefined;
  warm: { incidents: number; alerts: number };
  close(): Promise<void>;
}

/**
 * The live monitor of one API process in server mode, the counterpart of openEmbeddedMonitor: the
 * alerts in PostgreSQL (shared, so an acknowledgement made through any process is seen by all),
 * warmed up from the stored history. The SSE hub is per process: a client streaming from one process
 * sees the alerts of the ingests that process ran (see docs/operations.md, "Server mode").
 */
export async function openServerModeMonitor(sm: Pick<ServerMode, 'store' | 'alertRepository'>, o: { rules?: string | undefined; zones?: string | undefined; webhooks?: string | undefined } = {}): Promise<ServerModeMonitor> {
  const ruleSet = loadRuleSet({ rules: o.rules, zones: o.zones });
  const webhookFile = o.webhooks === undefined ? undefined : loadWebhookFile(o.webhooks);
  const repository = await sm.alertRepository();
  const hub = new AlertHub();
  const monitor = new LiveMonitor({ ruleSet, repository, hub });
  const warm = await monitor.warmUp(sm.store);
  const webhooks = webhookFile === undefined ? undefined : new WebhookDispatcher({ config: webhookFile, repository }).attach(hub);
  return {
    monitor, hub, webhooks, warm,
    async close() { await monitor.idle(); webhooks?.detach(); await webhooks?.drain(); },
  };
}
