import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATEGORY_CODES, EXAMPLE_RULES, EXAMPLE_WATCH_ZONES, replayAlerts, type Alert, type MonitorIncident } from '@baseerat/engine';
import { loadUcdpBalochistan } from '../../../engine/test/monitor-rules/ucdp.js';
import { AlertHub, alertEventJson, alertJsonKept, type AlertEvent } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor, type LabelledIncident } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';

const ruleSet = ruleSetFrom(EXAMPLE_RULES, EXAMPLE_WATCH_ZONES);
const ucdp = loadUcdpBalochistan();
const labelled = (i: MonitorIncident): LabelledIncident => ({ ...i, classification: 'UNCLASSIFIED' });
const timeOrder = (xs: readonly MonitorIncident[]) => xs.slice().sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const essence = (a: Alert) => ({ id: a.id, ruleId: a.ruleId, incidentId: a.incidentId, triggers: a.triggers, suppressed: a.suppressedIncidentIds, explanation: a.explanation, district: a.district, severity: a.severity });

let instance: DuckDBInstance;
beforeAll(async () => { instance = await DuckDBInstance.create(':memory:'); });
afterAll(() => { instance.closeSync(); });

describe('LiveMonitor over UCDP Balochistan in time order = replay (example rule set)', () => {
  const replay = replayAlerts(ucdp, ruleSet);
  const sorted = timeOrder(ucdp);

  it('gives the replay\'s alerts whatever the batch sizes (fixed seed), and stores every one', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 30, maxLength: 30 }), async (sizes) => {
      const db = await DuckDBInstance.create(':memory:');
      const repo = await DuckDBAlertRepository.open(db);
      const hub = new AlertHub();
      const monitor = new LiveMonitor({ ruleSet, repository: repo, hub, clock: 'occurrence' });
      let k = 0, s = 0;
      const alerts = new Map<string, Alert>();
      while (k < sorted.length) {
        const n = sizes[s++ % sizes.length]!;
        // a batch may arrive in any order: the monitor takes it in time order
        const batch = sorted.slice(k, k + n).reverse().map(labelled);
        k += n;
        const r = await monitor.observe(batch);
        for (const e of r.events) alerts.set(e.stored.alert.id, e.stored.alert);
      }
      const got = [...alerts.values()].sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1)).map(essence);
      const want = replay.alerts.slice().sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1)).map(essence);
      expect(got).toEqual(want);
      expect(monitor.counters.opened).toBe(replay.opened);
      expect(monitor.counters.retriggered).toBe(replay.suppressed);
      // stored: the same alerts, in their last state
      const page = await repo.list({}, { offset: 0, limit: 500 });
      expect(page.total).toBe(replay.opened);
      expect(page.items.map((x) => essence(x.alert)).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(want.slice().sort((a, b) => (a.id < b.id ? -1 : 1)));
      repo.close();
      db.closeSync();
    }), { seed: 6, numRuns: 3 });
  }, 60_000);

  it('pruning the alert book to the longest window and a day changes no alert, and keeps fewer keys', async () => {
    const keys = new Set(replay.alerts.map((a) => a.dedupKey));
    const repo = await DuckDBAlertRepository.open(instance);
    const monitor = new LiveMonitor({ ruleSet, repository: repo, hub: new AlertHub(), clock: 'occurrence', pruneEvery: 25 });
    const alerts = new Map<string, Alert>();
    for (let k = 0; k < sorted.length; k += 40) {
      const r = await monitor.observe(sorted.slice(k, k + 40).map(labelled));
      for (const e of r.events) alerts.set(e.stored.alert.id, e.stored.alert);
    }
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    expect([...alerts.values()].map(essence).sort(byId)).toEqual(replay.alerts.map(essence).sort(byId));
    expect(monitor.counters.retriggered).toBe(replay.suppressed);
    expect(keys.size).toBeGreaterThan(100);
    expect(monitor.alertKeysKept).toBeLessThan(keys.size / 2);
    repo.close();
  }, 60_000);
});

const at = (iso: string) => () => new Date(iso);
const bomb = (id: string, occurredAt: string, district = 'Quetta', classification: LabelledIncident['classification'] = 'UNCLASSIFIED'): LabelledIncident => ({
  id, occurredAt, category: 'TI.SUICIDE', classification, location: { lat: 30.19, lon: 67.0, district }, severity: { killed: 0, injured: 1 },
});
const suicideOnly = ruleSetFrom([{ kind: 'category', id: 'suicide', severity: 'critical', categories: ['TI.SUICIDE'] }], { type: 'FeatureCollection', features: [] });

describe('LiveMonitor: suppression across a restart, lifecycle, classification', () => {
  it('a re-trigger inside the window after a restart is counted on the stored alert, not a new one', async () => {
    const repo = await DuckDBAlertRepository.open(instance);
    let now = '2025-01-01T10:00:00.000Z';
    const clock = () => new Date(now);
    const m1 = new LiveMonitor({ ruleSet: suicideOnly, repository: repo, now: clock });
    const r1 = await m1.observe([bomb('a1', '2025-01-01T09:00:00.000Z')]);
    expect(r1.opened).toBe(1);
    // the category rule's key is per incident; the same incident never arrives twice, so use a spike-free rule keyed per district
    const perDistrict = ruleSetFrom([{ kind: 'near-repeat', id: 'nr', severity: 'high', distanceKm: 10, days: 14 }], { type: 'FeatureCollection', features: [] });
    const m2 = new LiveMonitor({ ruleSet: perDistrict, repository: repo, now: clock });
    await m2.observe([bomb('b1', '2025-01-01T09:00:00.000Z')]);
    const first = await m2.observe([bomb('b2', '2025-01-01T09:30:00.000Z')]);
    expect(first.opened).toBe(1);
    now = '2025-01-01T11:00:00.000Z';
    const restarted = new LiveMonitor({ ruleSet: perDistrict, repository: repo, now: clock });
    // what the store would hand back: b1 and b2 (the history window), as columns
    const cols = {
      length: 2, id: ['b1', 'b2'], time: Float64Array.from([Date.parse('2025-01-01T09:00:00.000Z'), Date.parse('2025-01-01T09:30:00.000Z')]),
      lat: Float64Array.from([30.19, 30.19]), lon: Float64Array.from([67.0, 67.0]), district: Int32Array.from([0, 0]), districtNames: ['Quetta'],
      category: Uint16Array.from([CATEGORY_CODES.indexOf('TI.SUICIDE'), CATEGORY_CODES.indexOf('TI.SUICIDE')]),
      killed: new Uint32Array(2), injured: Uint32Array.from([1, 1]), abducted: new Uint32Array(2),
    };
    const warm = await restarted.warmUp({ readColumns: async () => cols as never });
    expect(warm.incidents).toBe(2);
    expect(warm.alerts).toBeGreaterThan(0);
    const again = await restarted.observe([bomb('b3', '2025-01-01T10:30:00.000Z')]);
    expect(again.opened).toBe(0);
    expect(again.retriggered).toBeGreaterThan(0);
    const nr = await repo.list({ ruleIds: ['nr'] }, { offset: 0, limit: 10 });
    expect(nr.total).toBe(1);
    expect(nr.items[0]!.alert.triggers).toBe(2);
    expect(nr.items[0]!.alert.suppressedIncidentIds).toEqual(['b3']);
    repo.close();
  });

  it('an alert opened more than the longest window and a day before the latest is no longer kept (as warmUp would not load it)', async () => {
    const repo = await DuckDBAlertRepository.open(instance);
    let now = '2025-03-01T10:00:00.000Z';
    const m = new LiveMonitor({ ruleSet: suicideOnly, repository: repo, now: () => new Date(now), pruneEvery: 5 });
    await m.observe(Array.from({ length: 10 }, (_, i) => bomb(`p${i}`, '2025-03-01T09:00:00.000Z')));
    expect(m.alertKeysKept).toBe(10);
    // 360 minutes (the default window) and a day later: still kept
    now = '2025-03-02T16:00:00.000Z';
    await m.observe(Array.from({ length: 10 }, (_, i) => bomb(`q${i}`, '2025-03-02T15:00:00.000Z')));
    expect(m.alertKeysKept).toBe(20);
    // a millisecond more: the first ten go
    now = '2025-03-02T16:00:00.001Z';
    await m.observe(Array.from({ length: 10 }, (_, i) => bomb(`r${i}`, '2025-03-02T15:00:00.000Z')));
    expect(m.alertKeysKept).toBe(20);
    repo.close();
  });

  it('acknowledge then resolve: who and when recorded, written, published; a second resolve is CONFLICT; unknown id NOT_FOUND', async () => {
    const repo = await DuckDBAlertRepository.open(instance);
    const hub = new AlertHub();
    const seen: string[] = [];
    hub.subscribe({ accepts: () => true, deliver: (e) => seen.push(e.change) });
    let now = '2025-02-01T10:00:00.000Z';
    const m = new LiveMonitor({ ruleSet: suicideOnly, repository: repo, hub, now: () => new Date(now) });
    const r = await m.observe([bomb('c1', '2025-02-01T09:00:00.000Z', 'Kech', 'SECRET')]);
    const id = r.events[0]!.stored.alert.id;
    expect(r.events[0]!.stored.classification).toBe('SECRET');
    now = '2025-02-01T10:05:00.000Z';
    const a = await m.transition(id, 'acknowledge', 'user_1', 'on it');
    now = '2025-02-01T11:00:00.000Z';
    const z = await m.transition(id, 'resolve', 'user_2');
    expect(z.alert.history.map((h) => [h.to, h.by, h.at])).toEqual([
      ['open', 'system:rule-engine', '2025-02-01T10:00:00.000Z'], ['acknowledged', 'user_1', '2025-02-01T10:05:00.000Z'], ['resolved', 'user_2', '2025-02-01T11:00:00.000Z'],
    ]);
    expect(a.alert.history[1]!.note).toBe('on it');
    expect((await repo.get(id))?.alert.state).toBe('resolved');
    expect(seen).toEqual(['opened', 'acknowledged', 'resolved']);
    await expect(m.transition(id, 'resolve', 'user_2')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(m.transition('nope@2025', 'acknowledge', 'user_2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    repo.close();
  });

  it('list filters: state, districts (alerts without a district left out), classification ceiling, severity', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const repo = await DuckDBAlertRepository.open(db);
    const m = new LiveMonitor({ ruleSet: suicideOnly, repository: repo, now: at('2025-03-01T00:00:00.000Z') });
    await m.observe([
      bomb('d1', '2025-02-28T01:00:00.000Z', 'Quetta', 'UNCLASSIFIED'), bomb('d2', '2025-02-28T02:00:00.000Z', 'Gwadar', 'SECRET'),
      { ...bomb('d3', '2025-02-28T03:00:00.000Z'), location: {} },
    ]);
    expect((await repo.list({}, { offset: 0, limit: 10 })).total).toBe(3);
    expect((await repo.list({ districts: ['Quetta', 'Gwadar'] }, { offset: 0, limit: 10 })).items.map((s) => s.alert.incidentId).sort()).toEqual(['d1', 'd2']);
    expect((await repo.list({ maxClassification: 'RESTRICTED' }, { offset: 0, limit: 10 })).items.map((s) => s.alert.incidentId).sort()).toEqual(['d1', 'd3']);
    expect((await repo.list({ states: ['acknowledged'] }, { offset: 0, limit: 10 })).total).toBe(0);
    expect((await repo.list({ minimumSeverity: 'critical' }, { offset: 0, limit: 10 })).total).toBe(3);
    const p = await repo.list({}, { offset: 1, limit: 1 });
    expect(p).toMatchObject({ total: 3, offset: 1, limit: 1 });
    // a wrong "new" hint (the id is stored already) falls back to replacing it, not to a second row
    const d1 = p.items[0]!;
    await repo.upsert([{ ...d1, updatedAt: '2025-03-02T00:00:00.000Z' }], { newIds: new Set([d1.alert.id]) });
    expect((await repo.list({}, { offset: 0, limit: 10 })).total).toBe(3);
    expect((await repo.get(d1.alert.id))?.updatedAt).toBe('2025-03-02T00:00:00.000Z');
    // newest first, then id ('|' sorts after letters: the alert without a district comes last)
    expect(p.items[0]!.alert.incidentId).toBe('d1');
    repo.close();
    db.closeSync();
  });
});

describe('LiveMonitor: debounced re-triggers (retriggerDebounceMs)', () => {
  const perDistrict = ruleSetFrom([{ kind: 'near-repeat', id: 'nr', severity: 'high', distanceKm: 10, days: 14 }], { type: 'FeatureCollection', features: [] });
  /** A monitor of `perDistrict` on its own DuckDB repository, with a hub delivering every event to `deliver`. */
  const debounced = async (now: string, retriggerDebounceMs: number, deliver: (e: AlertEvent) => void) => {
    const db = await DuckDBInstance.create(':memory:');
    const repo = await DuckDBAlertRepository.open(db);
    const hub = new AlertHub();
    hub.subscribe({ accepts: () => true, deliver });
    const m = new LiveMonitor({ ruleSet: perDistrict, repository: repo, hub, now: at(now), retriggerDebounceMs });
    return { db, repo, m };
  };

  it('the opening is written and published at once; re-triggers of an earlier batch once, in their latest state, at the flush', async () => {
    const seen: { change: string; triggers: number }[] = [];
    // a debounce far longer than the test: only idle() flushes
    const { db, repo, m } = await debounced('2025-04-01T10:00:00.000Z', 600_000, (e) => seen.push({ change: e.change, triggers: e.stored.alert.triggers }));
    await m.observe([bomb('e1', '2025-04-01T08:00:00.000Z')]);
    // e2 opens, e3 re-triggers it in the same batch: one 'opened' event with both, at once
    const first = await m.observe([bomb('e2', '2025-04-01T08:10:00.000Z'), bomb('e3', '2025-04-01T08:20:00.000Z')]);
    expect(first.opened).toBe(1);
    expect(first.events.map((e) => [e.change, e.stored.alert.triggers])).toEqual([['opened', 2]]);
    const id = first.events[0]!.stored.alert.id;
    // two later batches re-trigger it: counted, neither written nor published yet
    const r4 = await m.observe([bomb('e4', '2025-04-01T08:30:00.000Z')]);
    const r5 = await m.observe([bomb('e5', '2025-04-01T08:40:00.000Z')]);
    expect([r4.retriggered, r5.retriggered, r4.events.length, r5.events.length]).toEqual([1, 1, 0, 0]);
    expect((await repo.get(id))?.alert.triggers).toBe(2);
    expect(seen).toEqual([{ change: 'opened', triggers: 2 }]);
    expect(m.counters).toMatchObject({ opened: 1, retriggered: 3, retriggerWrites: 0 });
    await m.idle();
    expect(seen).toEqual([{ change: 'opened', triggers: 2 }, { change: 'retriggered', triggers: 4 }]);
    const stored = await repo.get(id);
    expect(stored?.alert.triggers).toBe(4);
    expect(stored?.alert.suppressedIncidentIds).toEqual(['e3', 'e4', 'e5']);
    expect(m.counters.retriggerWrites).toBe(1);
    // nothing left: a second idle publishes nothing
    await m.idle();
    expect(seen).toHaveLength(2);
    repo.close();
    db.closeSync();
  });

  it('an acknowledgement while a re-trigger waits keeps the re-trigger, and the flush does not overwrite it', async () => {
    const seen: string[] = [];
    const { db, repo, m } = await debounced('2025-05-01T10:00:00.000Z', 600_000, (e) => seen.push(e.change));
    await m.observe([bomb('f1', '2025-05-01T08:00:00.000Z')]);
    const opened = await m.observe([bomb('f2', '2025-05-01T08:10:00.000Z')]);
    const id = opened.events[0]!.stored.alert.id;
    await m.observe([bomb('f3', '2025-05-01T08:20:00.000Z')]);
    const acked = await m.transition(id, 'acknowledge', 'user_1');
    expect([acked.alert.state, acked.alert.triggers]).toEqual(['acknowledged', 2]);
    await m.idle();
    expect(seen).toEqual(['opened', 'acknowledged']);
    expect((await repo.get(id))?.alert).toMatchObject({ state: 'acknowledged', triggers: 2, suppressedIncidentIds: ['f3'] });
    repo.close();
    db.closeSync();
  });

  it('without idle(), the timer flushes', async () => {
    const seen: string[] = [];
    const { db, repo, m } = await debounced('2025-06-01T10:00:00.000Z', 20, (e) => seen.push(e.change));
    await m.observe([bomb('g1', '2025-06-01T08:00:00.000Z')]);
    await m.observe([bomb('g2', '2025-06-01T08:10:00.000Z')]);
    await m.observe([bomb('g3', '2025-06-01T08:20:00.000Z')]);
    await vi.waitFor(() => { expect(seen).toEqual(['opened', 'retriggered']); }, { timeout: 10_000, interval: 10 });
    expect(m.counters.retriggerWrites).toBe(1);
    repo.close();
    db.closeSync();
  });
});

describe('LiveMonitor: an alert\'s JSON is not kept with the alert once written and published', () => {
  it('dropped after the write and the publish (the stored doc and the SSE JSON unchanged); kept when releaseAlertJson is false (write-behind)', async () => {
    for (const release of [true, false]) {
      const db = await DuckDBInstance.create(':memory:');
      const repo = await DuckDBAlertRepository.open(db);
      const hub = new AlertHub();
      const sse: string[] = [];
      hub.subscribe({ accepts: () => true, deliver: (e) => sse.push(alertEventJson(e)) });
      const m = new LiveMonitor({ ruleSet: suicideOnly, repository: repo, hub, now: at('2025-05-01T10:00:00.000Z'), ...(release ? {} : { releaseAlertJson: false }) });
      const r = await m.observe([bomb('j1', '2025-05-01T09:00:00.000Z'), bomb('j2', '2025-05-01T09:10:00.000Z', 'Kech', 'SECRET')]);
      expect(r.events).toHaveLength(2);
      for (const [i, e] of r.events.entries()) {
        expect(alertJsonKept(e.stored.alert)).toBe(!release);
        expect(sse[i]).toBe(JSON.stringify({ ...e.stored.alert, classification: e.stored.classification, change: 'opened' }));
        expect((await repo.get(e.stored.alert.id))?.alert).toEqual(e.stored.alert);
        // a stream resuming from the ring gets the same bytes, made again
        expect(alertEventJson(hub.since(e.seq - 1, () => true).events[0]!)).toBe(sse[i]);
      }
      const a = await m.transition(r.events[0]!.stored.alert.id, 'acknowledge', 'user_1');
      expect(alertJsonKept(a.alert)).toBe(!release);
      repo.close();
      db.closeSync();
    }
  });
});
