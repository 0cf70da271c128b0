import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_SEVERITIES, CLASSIFICATION_LEVELS, type Alert, type AlertExplanation } from '@baseerat/engine';
import type { AlertQuery, StoredAlert } from '../../src/monitor/alert-repository.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { PostgresAlertRepository } from '../../src/monitor/postgres-alert-repository.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

// The DuckDB repository is the model: the PostgreSQL one must answer every query the same way.
let db: TestDatabase, pool: pg.Pool, pool2: pg.Pool, instance: DuckDBInstance;
let n = 0;
const opened: pg.Pool[] = [];
beforeAll(async () => {
  db = await createTestDatabase('baseerat_mon');
  pool = new pg.Pool({ connectionString: db.appUrl, max: 2 });
  pool2 = new pg.Pool({ connectionString: db.appUrl, max: 2 });
  // An idle connection ended by the server (a restart, another suite's forced drop) must fail the
  // query that next uses it, not crash the test process with an unhandled 'error' event.
  for (const p of [pool, pool2]) p.on('error', () => undefined);
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(async () => {
  for (const p of opened) await p.end();
  await pool?.end(); await pool2?.end(); instance?.closeSync();
  await db?.drop();
});

/** A fresh schema per run, so that each property run starts empty. */
async function freshPostgres(): Promise<PostgresAlertRepository> {
  const schema = `m${n++}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  const p = new pg.Pool({ connectionString: db.appUrl, max: 2, options: `-c search_path=${schema}` });
  p.on('error', () => undefined);
  opened.push(p);
  return PostgresAlertRepository.open(p);
}

const DISTRICTS = ['Quetta', 'Gwadar', 'Kech'];
const explanation = { count: 1, expected: 0, threshold: 0, rule: 'r (category)' } as unknown as AlertExplanation;

function alertOf(i: number, key: number, minute: number, sev: number, district: number, state: number, cls: number): StoredAlert {
  const openedAt = new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();
  const dedupKey = `rule-${key % 3}|${DISTRICTS[district]}`;
  const alert: Alert = {
    id: `${dedupKey}@${openedAt}#${i}`, dedupKey, ruleId: `rule-${key % 3}`, ruleKind: 'category', severity: ALERT_SEVERITIES[sev]!, district: DISTRICTS[district]!,
    zoneIds: [], incidentId: `inc_${i}`, suppressedIncidentIds: [], explanation, state: (['open', 'acknowledged', 'resolved'] as const)[state]!,
    openedAt, lastTriggeredAt: openedAt, triggers: 1, history: [],
  };
  return { alert, classification: CLASSIFICATION_LEVELS[cls]!, updatedAt: openedAt };
}

const alertArb = fc.tuple(fc.nat(5), fc.nat(30), fc.nat(3), fc.nat(2), fc.nat(2), fc.nat(3));

describe('PostgresAlertRepository', () => {
  it('migrates once, also when two processes start together', async () => {
    await pool.query('CREATE SCHEMA mig');
    const p1 = new pg.Pool({ connectionString: db.appUrl, max: 1, options: '-c search_path=mig' });
    const p2 = new pg.Pool({ connectionString: db.appUrl, max: 1, options: '-c search_path=mig' });
    opened.push(p1, p2);
    await Promise.all([PostgresAlertRepository.open(p1), PostgresAlertRepository.open(p2)]);
    expect((await pool.query('SELECT version FROM mig.monitor_migrations')).rows).toEqual([{ version: 1 }]);
  });

  it('answers list, get and latestPerKeySince as the DuckDB repository does (property, fixed seed)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(alertArb, { minLength: 1, maxLength: 25 }),
      fc.array(fc.nat(24), { maxLength: 6 }),
      fc.record({
        states: fc.option(fc.subarray(['open', 'acknowledged', 'resolved'] as const, { minLength: 0 }), { nil: undefined }),
        districts: fc.option(fc.subarray(DISTRICTS, { minLength: 0 }), { nil: undefined }),
        maxClassification: fc.option(fc.constantFrom(...CLASSIFICATION_LEVELS), { nil: undefined }),
        minimumSeverity: fc.option(fc.constantFrom(...ALERT_SEVERITIES), { nil: undefined }),
        openedFrom: fc.option(fc.nat(30).map((m) => new Date(Date.UTC(2026, 0, 1) + m * 60_000).toISOString()), { nil: undefined }),
      }),
      fc.nat(10), fc.integer({ min: 1, max: 10 }),
      async (specs, acks, q, offset, limit) => {
        const pgRepo = await freshPostgres();
        const duck = await DuckDBAlertRepository.open(instance);
        await duck.migrate();
        await instance.connect().then(async (c) => { await c.run('DELETE FROM mon_alerts'); c.closeSync(); });
        try {
          const alerts = specs.map(([key, minute, sev, d, st, cls], i) => alertOf(i, key, minute, sev, d, st, cls));
          await pgRepo.upsert(alerts);
          await duck.upsert(alerts);
          // updates: acknowledge some, in a second upsert (replaces by id)
          const changed = acks.filter((k) => k < alerts.length).map((k) => {
            const a = alerts[k]!;
            return { ...a, alert: { ...a.alert, state: 'acknowledged' as const }, updatedAt: '2026-02-01T00:00:00.000Z' };
          });
          await pgRepo.upsert(changed);
          await duck.upsert(changed);
          const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as AlertQuery;
          expect(await pgRepo.list(query, { offset, limit })).toEqual(await duck.list(query, { offset, limit }));
          const byId = (xs: StoredAlert[]) => [...xs].sort((a, b) => a.alert.id.localeCompare(b.alert.id));
          expect(byId(await pgRepo.latestPerKeySince('2026-01-01T00:10:00.000Z'))).toEqual(byId(await duck.latestPerKeySince('2026-01-01T00:10:00.000Z')));
          expect(await pgRepo.get(alerts[0]!.alert.id)).toEqual(await duck.get(alerts[0]!.alert.id));
          expect(await pgRepo.get('nope')).toBeUndefined();
        } finally {
          duck.close();
        }
      },
    ), { seed: 12, numRuns: 25 });
  });

  it('an acknowledgement written by one process is read by another; deliveries from two processes are all kept, in order', async () => {
    const a = await freshPostgres();
    const schema = `m${n - 1}`;
    const other = new pg.Pool({ connectionString: db.appUrl, max: 2, options: `-c search_path=${schema}` });
    opened.push(other);
    const b = await PostgresAlertRepository.open(other);
    const s = alertOf(1, 0, 3, 2, 0, 0, 1);
    await a.upsert([s]);
    await b.upsert([{ ...s, alert: { ...s.alert, state: 'acknowledged' }, updatedAt: '2026-01-02T00:00:00.000Z' }]);
    expect((await a.get(s.alert.id))?.alert.state).toBe('acknowledged');
    const d = (id: string, attempt: number) => ({ deliveryId: id, webhookId: 'w', alertId: s.alert.id, attempt, at: '2026-01-02T00:00:00.000Z', status: 500, outcome: 'retrying' as const, durationMs: 1.5 });
    await Promise.all([a.logDelivery(d('d1', 1)), b.logDelivery({ ...d('d2', 1), error: 'refused', status: 0 })]);
    await a.logDelivery({ ...d('d1', 2), outcome: 'delivered', status: 200 });
    const all = await b.listDeliveries(s.alert.id);
    expect(all.map((x) => x.deliveryId).sort()).toEqual(['d1', 'd1', 'd2']);
    expect(all.at(-1)).toEqual({ ...d('d1', 2), outcome: 'delivered', status: 200 });
    expect(all.find((x) => x.deliveryId === 'd2')).toMatchObject({ error: 'refused', status: 0 });
    expect(await a.listDeliveries('other')).toEqual([]);
  });
});
