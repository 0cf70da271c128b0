import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ALERT_SEVERITIES, CLASSIFICATION_LEVELS, type Alert, type AlertExplanation } from '@baseerat/engine';
import type { StoredAlert } from '../../src/monitor/alert-repository.js';
import { alertJson } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-alertrepo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const explanation = { count: 1, expected: 0, threshold: 0, rule: 'r (category)' } as unknown as AlertExplanation;
function alertOf(id: number, triggers: number): StoredAlert {
  const openedAt = new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString();
  const alert: Alert = {
    id: `a-${id}`, dedupKey: `r|Quetta|${id}`, ruleId: 'r', ruleKind: 'category', severity: ALERT_SEVERITIES[0]!, district: 'Quetta',
    zoneIds: [], incidentId: `inc_${id}`, suppressedIncidentIds: [], explanation, state: 'open',
    openedAt, lastTriggeredAt: openedAt, triggers, history: [],
  };
  return { alert, classification: CLASSIFICATION_LEVELS[0]!, updatedAt: openedAt };
}

async function rows(instance: DuckDBInstance): Promise<{ n: number; distinct: number }> {
  const c = await instance.connect();
  const [r] = (await c.runAndReadAll('SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM mon_alerts')).getRowObjectsJS();
  c.closeSync();
  return { n: Number(r?.['n']), distinct: Number(r?.['d']) };
}

describe('DuckDBAlertRepository without the primary key (schema version 2)', () => {
  it('upgrades a version 1 file: same rows, no primary key left', async () => {
    const file = join(dir, `v1-${files++}.duckdb`);
    const old = await DuckDBInstance.create(file);
    const c = await old.connect();
    // version 1 as it was released (duckdb-alert-schema.ts), with two alerts
    await c.run(`CREATE TABLE monitor_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)`);
    await c.run(`CREATE TABLE mon_alerts (id VARCHAR PRIMARY KEY, dedup_key VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
         severity_rank INTEGER NOT NULL, district VARCHAR NOT NULL, state VARCHAR NOT NULL, classification_rank INTEGER NOT NULL,
         opened_at VARCHAR NOT NULL, updated_at VARCHAR NOT NULL, classification VARCHAR NOT NULL, doc VARCHAR NOT NULL)`);
    await c.run(`CREATE TABLE mon_webhook_deliveries (seq BIGINT NOT NULL, delivery_id VARCHAR NOT NULL, webhook_id VARCHAR NOT NULL,
         alert_id VARCHAR NOT NULL, attempt INTEGER NOT NULL, attempted_at VARCHAR NOT NULL, status INTEGER NOT NULL, outcome VARCHAR NOT NULL,
         error VARCHAR, duration_ms DOUBLE NOT NULL)`);
    await c.run(`INSERT INTO monitor_migrations VALUES (1, 'alerts and webhook deliveries', '2026-01-01T00:00:00.000Z')`);
    const before = [alertOf(1, 1), alertOf(2, 1)];
    for (const s of before) {
      const x = s.alert;
      await c.run('INSERT INTO mon_alerts VALUES ($1, $2, $3, 0, $4, $5, 0, $6, $7, $8, $9)', [x.id, x.dedupKey, x.ruleId, x.district, x.state, x.openedAt, s.updatedAt, s.classification, alertJson(x)]);
    }
    c.closeSync();
    old.closeSync();
    const instance = await DuckDBInstance.create(file);
    const repo = await DuckDBAlertRepository.open(instance);
    const q = await instance.connect();
    const versions = (await q.runAndReadAll('SELECT version FROM monitor_migrations ORDER BY version')).getRows().map((r) => Number(r[0]));
    const pk = (await q.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_constraints() WHERE table_name = 'mon_alerts' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`)).getRows()[0]?.[0];
    const indexes = (await q.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_indexes() WHERE table_name = 'mon_alerts'`)).getRows()[0]?.[0];
    q.closeSync();
    expect(versions).toEqual([1, 2]);
    expect(pk).toBe(0);
    expect(indexes).toBe(0);
    expect((await repo.get('a-1'))?.alert).toEqual(before[0]!.alert);
    expect((await repo.get('a-2'))?.alert).toEqual(before[1]!.alert);
    expect(await rows(instance)).toEqual({ n: 2, distinct: 2 });
    repo.close();
    instance.closeSync();
  });

  it('keeps one row per id when an id claimed new is stored already, also in a file reopened and in a second repository', async () => {
    const file = join(dir, `dup-${files++}.duckdb`);
    let instance = await DuckDBInstance.create(file);
    let repo = await DuckDBAlertRepository.open(instance);
    await repo.upsert([alertOf(1, 1)], { newIds: new Set(['a-1']) });
    // two batches at the same instant: the caller claims a-1 is new again
    await repo.upsert([alertOf(1, 2)], { newIds: new Set(['a-1']) });
    expect(await rows(instance)).toEqual({ n: 1, distinct: 1 });
    expect((await repo.get('a-1'))?.alert.triggers).toBe(2);
    // a second repository on the same instance sees what the first stored
    const repo2 = await DuckDBAlertRepository.open(instance);
    await repo2.upsert([alertOf(1, 3), alertOf(2, 1)], { newIds: new Set(['a-1', 'a-2']) });
    expect(await rows(instance)).toEqual({ n: 2, distinct: 2 });
    repo.close(); repo2.close(); instance.closeSync();
    // the stored ids are read from the file when it is opened again
    instance = await DuckDBInstance.create(file);
    repo = await DuckDBAlertRepository.open(instance);
    await repo.upsert([alertOf(2, 2), alertOf(3, 1)], { newIds: new Set(['a-2', 'a-3']) });
    expect(await rows(instance)).toEqual({ n: 3, distinct: 3 });
    expect((await repo.get('a-1'))?.alert.triggers).toBe(3);
    expect((await repo.get('a-2'))?.alert.triggers).toBe(2);
    repo.close(); instance.closeSync();
  });

  it('stores each id once, in its last version, whatever the callers claim new (property, fixed seed)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.tuple(fc.nat(12), fc.boolean()), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
      async (batches) => {
        const instance = await DuckDBInstance.create(':memory:');
        const repo = await DuckDBAlertRepository.open(instance);
        const last = new Map<number, number>();
        let version = 0;
        for (const b of batches) {
          const alerts = b.map(([id]) => alertOf(id, ++version));
          for (const [id] of b) last.set(id, 0);
          alerts.forEach((a) => last.set(Number(a.alert.id.slice(2)), a.alert.triggers));
          await repo.upsert(alerts, { newIds: new Set(b.filter(([, claim]) => claim).map(([id]) => `a-${id}`)) });
        }
        expect(await rows(instance)).toEqual({ n: last.size, distinct: last.size });
        for (const [id, triggers] of last) expect((await repo.get(`a-${id}`))?.alert.triggers).toBe(triggers);
        repo.close(); instance.closeSync();
      },
    ), { seed: 6, numRuns: 60 });
  });
});
