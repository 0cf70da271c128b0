/**
 * AlertRepository on the embedded DuckDB: its own connection on the store's instance (DuckDB
 * transactions are per connection), calls queued one at a time, every value a parameter.
 * An upsert is one transaction: delete the ids that may be stored, append the rows.
 *
 * `mon_alerts` has no primary key (schema version 2): its ART index made every checkpoint of the
 * file cost 0.2-1.6 s (duckdb-alert-schema.ts). Ids stay unique because every writer of the table
 * is a repository and a repository deletes each id it writes unless it is certainly not stored:
 * the repositories of one DuckDB instance share a set of the 52-bit hashes of the stored ids
 * (loaded from the table at the first upsert, added to after each commit), and an id absent from
 * it is not in the table; a hash hit is only a "maybe" and costs the (harmless) delete.
 */
import { BaseeratError, CLASSIFICATION_LEVELS, type Alert, type Classification } from '@baseerat/engine';
import { listValue, type DuckDBConnection, type DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { inTransaction, OperationQueue } from '../security/duckdb-security-schema.js';
import { ChunkAppender } from '../store/duckdb/chunk-appender.js';
import { DuckDBStore } from '../store/duckdb/duckdb-store.js';
import { hash52, HashSet52 } from '../store/duckdb/hash-set-52.js';
import type { Page } from '../store/port.js';
import { classificationRank, type AlertQuery, type AlertRepository, type StoredAlert, type WebhookDelivery } from './alert-repository.js';
import { alertJson } from './alert-hub.js';
import { migrateMonitorSchema } from './duckdb-alert-schema.js';
import { severityRank } from '@baseerat/engine';

const COLUMNS = 'id, dedup_key, rule_id, severity_rank, district, state, classification_rank, opened_at, updated_at, classification, doc';

/** The alert's row of `mon_alerts` (COLUMNS' order) into `row` (one array for all the rows of an upsert: the appender copies the values at once). */
function fillRow(row: DuckDBValue[], s: StoredAlert): DuckDBValue[] {
  const a = s.alert;
  row[0] = a.id; row[1] = a.dedupKey; row[2] = a.ruleId; row[3] = severityRank(a.severity); row[4] = a.district; row[5] = a.state;
  row[6] = classificationRank(s.classification); row[7] = a.openedAt; row[8] = s.updatedAt; row[9] = s.classification; row[10] = alertJson(a);
  return row;
}

function storedOf(r: Record<string, unknown>): StoredAlert {
  return { alert: JSON.parse(String(r['doc'])) as Alert, classification: String(r['classification']) as Classification, updatedAt: String(r['updated_at']) };
}

/** Hashes of the alert ids stored in each instance's `mon_alerts`, shared by the repositories on it (see the file's comment). */
const storedIdsByInstance = new WeakMap<DuckDBInstance, { ids?: HashSet52 }>();

export class DuckDBAlertRepository implements AlertRepository {
  private readonly queue = new OperationQueue();
  private deliverySeq: number | undefined;

  private constructor(private readonly conn: DuckDBConnection, private readonly now: () => Date, private readonly stored: { ids?: HashSet52 }) {}

  /** A repository on its own connection of `instance`; migrates. */
  static async open(instance: DuckDBInstance, now: () => Date = () => new Date()): Promise<DuckDBAlertRepository> {
    const conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    let stored = storedIdsByInstance.get(instance);
    if (stored === undefined) { stored = {}; storedIdsByInstance.set(instance, stored); }
    const repo = new DuckDBAlertRepository(conn, now, stored);
    await repo.migrate();
    return repo;
  }

  /** The hashes of the stored ids, read from the table once per instance. */
  private async storedIds(): Promise<HashSet52> {
    if (this.stored.ids !== undefined) return this.stored.ids;
    const ids = new HashSet52();
    for (const [id] of (await this.conn.runAndReadAll('SELECT id FROM mon_alerts')).getRows()) ids.add(hash52(String(id)));
    this.stored.ids ??= ids;
    return this.stored.ids;
  }

  migrate(): Promise<void> {
    return this.queue.run(async () => { await migrateMonitorSchema(this.conn, this.now()); });
  }

  upsert(alerts: readonly StoredAlert[], options: { newIds?: ReadonlySet<string> } = {}): Promise<void> {
    if (alerts.length === 0) return Promise.resolve();
    // the last version of each alert wins
    const last = new Map<string, StoredAlert>();
    for (const s of alerts) last.set(s.alert.id, s);
    // Alerts opened in this batch need no delete (the delete scans the table) unless their id may be
    // stored after all (two batches at the same instant): then the delete keeps the id unique.
    return this.queue.run(async () => {
      const ids = await this.storedIds();
      // each id hashed once: looked up, then added after the commit
      const hashes = new Float64Array(last.size);
      const toDelete: string[] = [];
      let i = 0;
      for (const id of last.keys()) {
        const h = hash52(id);
        hashes[i++] = h;
        if (options.newIds?.has(id) !== true || ids.has(h)) toDelete.push(id);
      }
      await this.write(last, toDelete);
      for (const h of hashes) ids.add(h);
    });
  }

  private write(last: ReadonlyMap<string, StoredAlert>, toDelete: readonly string[]): Promise<void> {
    return inTransaction(this.conn, async () => {
      // a semi-join on the ids (hash join), not list_contains per row: that compared every stored
      // alert with every id (re-triggers of 76,000 alerts: 428 us of CPU per event in bench/realtime)
      if (toDelete.length > 0) await this.conn.run('DELETE FROM mon_alerts WHERE id IN (SELECT unnest($ids::VARCHAR[]))', { ids: listValue(toDelete) });
      const a = await this.conn.createAppender('mon_alerts');
      try {
        // a data chunk at a time (the store's chunk-appender.ts): the table is VARCHAR and INTEGER columns
        const c = ChunkAppender.for(a);
        if (c === undefined) throw new BaseeratError('CONFLICT', 'mon_alerts has a column type the chunk appender does not handle');
        const row = new Array<DuckDBValue>(11);
        for (const s of last.values()) c.append(fillRow(row, s));
        c.finish();
        a.flushSync();
      } finally {
        a.closeSync();
      }
    });
  }

  get(id: string): Promise<StoredAlert | undefined> {
    return this.queue.run(async () => {
      const rows = (await this.conn.runAndReadAll(`SELECT ${COLUMNS} FROM mon_alerts WHERE id = $id`, { id })).getRowObjectsJS();
      return rows[0] === undefined ? undefined : storedOf(rows[0]);
    });
  }

  list(query: AlertQuery, page: { offset: number; limit: number }): Promise<Page<StoredAlert>> {
    const where: string[] = [];
    const params: Record<string, DuckDBValue> = {};
    // An empty list matches nothing (DuckDB cannot type an empty list parameter, so say it in SQL).
    const inList = (col: string, name: string, values: readonly string[]) => {
      if (values.length === 0) { where.push('FALSE'); return; }
      where.push(`list_contains($${name}::VARCHAR[], ${col})`); params[name] = listValue([...values]);
    };
    if (query.states !== undefined) inList('state', 'states', query.states);
    if (query.districts !== undefined) inList('district', 'districts', query.districts);
    if (query.maxClassification !== undefined) { where.push('classification_rank <= $maxc'); params['maxc'] = CLASSIFICATION_LEVELS.indexOf(query.maxClassification); }
    if (query.minimumSeverity !== undefined) { where.push('severity_rank >= $mins'); params['mins'] = severityRank(query.minimumSeverity); }
    if (query.ruleIds !== undefined) inList('rule_id', 'rules', query.ruleIds);
    if (query.openedFrom !== undefined) { where.push('opened_at >= $from'); params['from'] = query.openedFrom; }
    if (query.openedTo !== undefined) { where.push('opened_at < $to'); params['to'] = query.openedTo; }
    const w = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    return this.queue.run(async () => {
      const total = Number((await this.conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM mon_alerts ${w}`, params)).getRowObjectsJS()[0]?.['n'] ?? 0);
      const rows = (await this.conn.runAndReadAll(
        `SELECT ${COLUMNS} FROM mon_alerts ${w} ORDER BY opened_at DESC, id LIMIT $limit OFFSET $offset`,
        { ...params, limit: page.limit, offset: page.offset },
      )).getRowObjectsJS();
      return { items: rows.map(storedOf), total, offset: page.offset, limit: page.limit };
    });
  }

  latestPerKeySince(sinceIso: string): Promise<StoredAlert[]> {
    return this.queue.run(async () => {
      const rows = (await this.conn.runAndReadAll(
        `SELECT ${COLUMNS} FROM mon_alerts WHERE opened_at >= $since QUALIFY row_number() OVER (PARTITION BY dedup_key ORDER BY opened_at DESC, id DESC) = 1`,
        { since: sinceIso },
      )).getRowObjectsJS();
      return rows.map(storedOf);
    });
  }

  logDelivery(d: WebhookDelivery): Promise<void> {
    return this.queue.run(async () => {
      if (this.deliverySeq === undefined) {
        this.deliverySeq = Number((await this.conn.runAndReadAll('SELECT coalesce(max(seq), 0)::DOUBLE AS n FROM mon_webhook_deliveries')).getRowObjectsJS()[0]?.['n'] ?? 0);
      }
      const seq = ++this.deliverySeq;
      await this.conn.run('INSERT INTO mon_webhook_deliveries VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
        seq, d.deliveryId, d.webhookId, d.alertId, d.attempt, d.at, d.status, d.outcome, d.error ?? null, d.durationMs,
      ]);
    });
  }

  listDeliveries(alertId?: string): Promise<WebhookDelivery[]> {
    return this.queue.run(async () => {
      const rows = (await this.conn.runAndReadAll(
        `SELECT * FROM mon_webhook_deliveries ${alertId === undefined ? '' : 'WHERE alert_id = $a'} ORDER BY seq`,
        alertId === undefined ? {} : { a: alertId },
      )).getRowObjectsJS();
      return rows.map((r) => {
        const d: WebhookDelivery = {
          deliveryId: String(r['delivery_id']), webhookId: String(r['webhook_id']), alertId: String(r['alert_id']), attempt: Number(r['attempt']),
          at: String(r['attempted_at']), status: Number(r['status']), outcome: String(r['outcome']) as WebhookDelivery['outcome'], durationMs: Number(r['duration_ms']),
        };
        if (r['error'] !== null && r['error'] !== undefined) d.error = String(r['error']);
        return d;
      });
    });
  }

  close(): void {
    this.conn.closeSync();
  }
}

/**
 * The DuckDB instance behind an embedded store. `openEmbedded` keeps it inside the DuckDBStore, and
 * DuckDB lets a process open a file once, so the monitor's connection must come from that instance.
 * Throws CONFIG when the store is not a DuckDBStore (server mode: use a PostgreSQL repository).
 */
export function duckdbInstanceOf(store: object): DuckDBInstance {
  if (!(store instanceof DuckDBStore)) {
    throw new BaseeratError('CONFIG', 'the store is not an embedded DuckDB store: the alert repository needs one (or a server-mode repository)', { field: 'store' });
  }
  return store.duckdbInstance;
}
