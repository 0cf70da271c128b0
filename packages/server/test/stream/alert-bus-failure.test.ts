/**
 * The alert bus when NATS is gone (real NATS on 127.0.0.1:4222, a stream of its own): a local
 * alert change still reaches the local hub's listeners; its publication is counted as failed and
 * reported, never as published.
 */
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertHub, type AlertEvent } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor, type LabelledIncident } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';
import { AlertBus } from '../../src/stream/alert-bus.js';

const tag = randomBytes(3).toString('hex');
const STREAM = `ABUSFAIL_${tag}`;
const PREFIX = `abusfail${tag}.alerts`;
let db: DuckDBInstance | undefined;
afterAll(async () => {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  await (await jetstreamManager(nc)).streams.delete(STREAM).catch(() => undefined);
  await nc.close();
  db?.closeSync();
});

describe('alert bus without NATS', () => {
  it('delivers locally, counts the publication as failed and reports it', async () => {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const errors: unknown[] = [];
    const bus = await AlertBus.open({ nats: nc, stream: STREAM, prefix: PREFIX, onError: (e) => errors.push(e) });
    db = await DuckDBInstance.create(':memory:');
    const repository = await DuckDBAlertRepository.open(db);
    const hub = new AlertHub();
    const local: AlertEvent[] = [];
    hub.subscribe({ accepts: () => true, deliver: (e) => local.push(e) });
    const monitor = new LiveMonitor({ ruleSet: ruleSetFrom([{ kind: 'category', id: 'blast', severity: 'high', categories: ['TI.BOMB'] }], { type: 'FeatureCollection', features: [] }), repository, hub });
    await bus.attach(monitor, hub, { deliverRemote: true });
    await nc.close();
    const inc: LabelledIncident = { id: 'inc_1', occurredAt: '2026-01-05T07:00:00.000Z', category: 'TI.BOMB', classification: 'UNCLASSIFIED', location: { lat: 30.19, lon: 67, district: 'Quetta' }, severity: { killed: 0, injured: 1, abducted: 0 } };
    const r = await monitor.observe([inc]);
    expect(r.opened).toBe(1);
    await bus.flush();
    expect(local.map((e) => e.change)).toEqual(['opened']);
    expect([bus.counters.published, bus.counters.publishFailed]).toEqual([0, 1]);
    expect(errors).toHaveLength(1);
    await bus.close();
    repository.close();
  });
});
