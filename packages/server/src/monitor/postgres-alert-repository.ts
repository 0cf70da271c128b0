/**
 * AlertRepository on PostgreSQL (server mode): the `mon_*` tables beside the store's, shared by
 * every API process, so that an alert acknowledged through one process is seen acknowledged by
 * all. Same columns and meaning as the DuckDB repository (duckdb-alert-repository.ts); an upsert
 * is one statement (`INSERT ... ON CONFLICT (id) DO UPDATE`), every value a parameter. Webhook
 * deliveries are numbered by an identity column, so processes never collide on it. Migrations
 * have their own ledger (`monitor_migrations`) under an advisory lock.
 */
import { CLASSIFICATION_LEVELS, severityRank, type Alert, type Classification } from '@baseerat/engine';
import type pg from 'pg';
import { applyPostgresMigrations, type PostgresSchemaMigration } from '../security/postgres-security-repo.js';
import type { Page } from '../store/port.js';
import { classificationRank, type AlertQuery, type AlertRepository, type StoredAlert, type WebhookDelivery } from './alert-repository.js';
import { alertJson } from './alert-hub.js';

const MIGRATIONS: readonly PostgresSchemaMigration[] = [
  {
    version: 1,
    name: 'alerts and webhook deliveries',
    statements: [
      `CREATE TABLE mon_alerts (id text COLLATE "C" PRIMARY KEY, dedup_key text COLLATE "C" NOT NULL, rule_id text COLLATE "C" NOT NULL,
         severity_rank integer NOT NULL, district text COLLATE "C" NOT NULL, state text NOT NULL, classification_rank integer NOT NULL,
         opened_at text COLLATE "C" NOT NULL, updated_at text NOT NULL, classification text NOT NULL, doc text NOT NULL)`,
      `CREATE INDEX mon_alerts_opened ON mon_alerts (opened_at DESC, id)`,
      `CREATE INDEX mon_alerts_key ON mon_alerts (dedup_key, opened_at DESC)`,
      `CREATE TABLE mon_webhook_deliveries (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, delivery_id text NOT NULL, webhook_id text NOT NULL,
         alert_id text COLLATE "C" NOT NULL, attempt integer NOT NULL, attempted_at text NOT NULL, status integer NOT NULL, outcome text NOT NULL,
         error text, duration_ms double precision NOT NULL)`,
      `CREATE INDEX mon_webhook_deliveries_alert ON mon_webhook_deliveries (alert_id, seq)`,
    ],
  },
];

const COLUMNS = ['id', 'dedup_key', 'rule_id', 'severity_rank', 'district', 'state', 'classification_rank', 'opened_at', 'updated_at', 'classification', 'doc'] as const;
const TYPES = ['text', 'text', 'text', 'integer', 'text', 'text', 'integer', 'text', 'text', 'text', 'text'] as const;

interface AlertRow { doc: string; classification: string; updated_at: string }

function storedOf(r: AlertRow): StoredAlert {
  return { alert: JSON.parse(r.doc) as Alert, classification: r.classification as Classification, updatedAt: r.updated_at };
}

export class PostgresAlertRepository implements AlertRepository {
  private constructor(private readonly pool: pg.Pool) {}

  /** A repository on `pool` (connections with the store's search_path); migrates. */
  static async open(pool: pg.Pool): Promise<PostgresAlertRepository> {
    const repo = new PostgresAlertRepository(pool);
    await repo.migrate();
    return repo;
  }

  async migrate(): Promise<void> {
    await applyPostgresMigrations(this.pool, 'monitor_migrations', MIGRATIONS);
  }

  /** `newIds` needs no special path here: ON CONFLICT finds an older version by the primary key. */
  async upsert(alerts: readonly StoredAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const last = new Map<string, StoredAlert>();
    for (const s of alerts) last.set(s.alert.id, s);
    const cols: unknown[][] = COLUMNS.map(() => []);
    for (const s of last.values()) {
      const a = s.alert;
      const row = [a.id, a.dedupKey, a.ruleId, severityRank(a.severity), a.district, a.state, classificationRank(s.classification), a.openedAt, s.updatedAt, s.classification, alertJson(a)];
      row.forEach((v, i) => cols[i]!.push(v));
    }
    await this.pool.query(
      `INSERT INTO mon_alerts (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      cols,
    );
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    const r = await this.pool.query<AlertRow>('SELECT doc, classification, updated_at FROM mon_alerts WHERE id = $1', [id]);
    return r.rows[0] === undefined ? undefined : storedOf(r.rows[0]);
  }

  async list(query: AlertQuery, page: { offset: number; limit: number }): Promise<Page<StoredAlert>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const p = (v: unknown) => { values.push(v); return `$${values.length}`; };
    if (query.states !== undefined) where.push(`state = ANY(${p([...query.states])}::text[])`);
    if (query.districts !== undefined) where.push(`district = ANY(${p([...query.districts])}::text[])`);
    if (query.maxClassification !== undefined) where.push(`classification_rank <= ${p(CLASSIFICATION_LEVELS.indexOf(query.maxClassification))}`);
    if (query.minimumSeverity !== undefined) where.push(`severity_rank >= ${p(severityRank(query.minimumSeverity))}`);
    if (query.ruleIds !== undefined) where.push(`rule_id = ANY(${p([...query.ruleIds])}::text[])`);
    if (query.openedFrom !== undefined) where.push(`opened_at >= ${p(query.openedFrom)}`);
    if (query.openedTo !== undefined) where.push(`opened_at < ${p(query.openedTo)}`);
    const w = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    // one snapshot: the page and its total agree
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const total = Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM mon_alerts ${w}`, values)).rows[0]?.n ?? 0);
      const rows = (await c.query<AlertRow>(
        `SELECT doc, classification, updated_at FROM mon_alerts ${w} ORDER BY opened_at DESC, id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, page.limit, page.offset],
      )).rows;
      await c.query('COMMIT');
      return { items: rows.map(storedOf), total, offset: page.offset, limit: page.limit };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async latestPerKeySince(sinceIso: string): Promise<StoredAlert[]> {
    const r = await this.pool.query<AlertRow>(
      `SELECT DISTINCT ON (dedup_key) doc, classification, updated_at FROM mon_alerts WHERE opened_at >= $1 ORDER BY dedup_key, opened_at DESC, id DESC`,
      [sinceIso],
    );
    return r.rows.map(storedOf);
  }

  async logDelivery(d: WebhookDelivery): Promise<void> {
    await this.pool.query(
      `INSERT INTO mon_webhook_deliveries (delivery_id, webhook_id, alert_id, attempt, attempted_at, status, outcome, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.deliveryId, d.webhookId, d.alertId, d.attempt, d.at, d.status, d.outcome, d.error ?? null, d.durationMs],
    );
  }

  async listDeliveries(alertId?: string): Promise<WebhookDelivery[]> {
    const r = await this.pool.query<Record<string, unknown>>(
      `SELECT * FROM mon_webhook_deliveries ${alertId === undefined ? '' : 'WHERE alert_id = $1'} ORDER BY seq`,
      alertId === undefined ? [] : [alertId],
    );
    return r.rows.map((x) => {
      const d: WebhookDelivery = {
        deliveryId: String(x['delivery_id']), webhookId: String(x['webhook_id']), alertId: String(x['alert_id']), attempt: Number(x['attempt']),
        at: String(x['attempted_at']), status: Number(x['status']), outcome: String(x['outcome']) as WebhookDelivery['outcome'], durationMs: Number(x['duration_ms']),
      };
      if (x['error'] !== null && x['error'] !== undefined) d.error = String(x['error']);
      return d;
    });
  }
}
