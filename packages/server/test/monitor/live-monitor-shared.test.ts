/**
 * LiveMonitor.learn and adopt, the state two processes share through the alert bus: two monitors
 * taking turns over the UCDP Balochistan history, each learning the other's incidents and adopting
 * its alert changes, raise together exactly the replay's alerts (spike counts, near-repeat history
 * and suppression all carried across); without sharing they do not. And adopt keeps the newer state.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_RULES, EXAMPLE_WATCH_ZONES, replayAlerts, type Alert, type MonitorIncident } from '@baseerat/engine';
import { loadUcdpBalochistan } from '../../../engine/test/monitor-rules/ucdp.js';
import { AlertHub } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor, type LabelledIncident } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';

const ruleSet = ruleSetFrom(EXAMPLE_RULES, EXAMPLE_WATCH_ZONES);
const ucdp = loadUcdpBalochistan();
const sorted = ucdp.slice().sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const labelled = (i: MonitorIncident): LabelledIncident => ({ ...i, classification: 'UNCLASSIFIED' });
const essence = (a: Alert) => ({ id: a.id, ruleId: a.ruleId, incidentId: a.incidentId, triggers: a.triggers, suppressed: a.suppressedIncidentIds, explanation: a.explanation });
const byId = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

let db: DuckDBInstance;
beforeAll(async () => { db = await DuckDBInstance.create(':memory:'); });
afterAll(() => { db.closeSync(); });

/** Two monitors (one repository each, as two processes with a shared store would have one) taking turns over the history. */
async function takeTurns(sizes: readonly number[], share: boolean): Promise<Map<string, Alert>> {
  const repos = [await DuckDBAlertRepository.open(await DuckDBInstance.create(':memory:')), await DuckDBAlertRepository.open(await DuckDBInstance.create(':memory:'))];
  const monitors = repos.map((repository) => new LiveMonitor({ ruleSet, repository, hub: new AlertHub(), clock: 'occurrence' }));
  const alerts = new Map<string, Alert>();
  let k = 0, s = 0;
  while (k < sorted.length) {
    const n = sizes[s % sizes.length]!;
    const me = monitors[s % 2]!, other = monitors[(s + 1) % 2]!;
    s++;
    const batch = sorted.slice(k, k + n).map(labelled);
    k += n;
    const r = await me.observe(batch);
    for (const e of r.events) alerts.set(e.stored.alert.id, e.stored.alert);
    if (share) {
      // what the bus carries to the other process: the batch's incidents, then the alert changes
      void other.learn(batch);
      for (const e of r.events) void other.adopt(e.stored);
      await other.idle();
    }
  }
  return alerts;
}

describe('two live monitors sharing state (learn, adopt) = one monitor = the replay', () => {
  const replay = replayAlerts(ucdp, ruleSet);
  const want = byId(replay.alerts.map(essence));

  it('taking turns in batches of any size (fixed seed), they raise the replay\'s alerts; without sharing they do not', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 20, maxLength: 20 }), async (sizes) => {
      const got = await takeTurns(sizes, true);
      expect(byId([...got.values()].map(essence))).toEqual(want);
    }), { seed: 12, numRuns: 3 });
    // the control: the same turns without sharing raise other alerts (spikes, near repeats and suppression each see half the history)
    const alone = await takeTurns([40], false);
    expect(byId([...alone.values()].map(essence))).not.toEqual(want);
    expect(replay.alerts.length).toBeGreaterThan(10);
  }, 120_000);

  it('adopt keeps the newer state of an alert and ignores an older one (the repository is not read: the copy in memory decides)', async () => {
    const repository = await DuckDBAlertRepository.open(db);
    const rules = ruleSetFrom([{ kind: 'category', id: 'blast', severity: 'high', categories: ['TI.BOMB'] }], { type: 'FeatureCollection', features: [] });
    const monitor = new LiveMonitor({ ruleSet: rules, repository, hub: new AlertHub(), now: () => new Date('2026-01-05T08:00:00.000Z') });
    const inc = (id: string): LabelledIncident => ({ id, occurredAt: '2026-01-05T07:00:00.000Z', category: 'TI.BOMB', classification: 'UNCLASSIFIED', location: { lat: 30.19, lon: 67, district: 'Quetta' }, severity: { killed: 0, injured: 1, abducted: 0 } });
    const [x, y] = (await monitor.observe([inc('inc_1'), inc('inc_2')])).events.map((e) => e.stored);
    const changed = (s: typeof x, to: 'acknowledged' | 'resolved', at: string) => ({
      ...s!, updatedAt: at, alert: { ...s!.alert, state: to, history: [...s!.alert.history, { from: 'open' as const, to, by: 'u_elsewhere', at }] },
    });
    // an acknowledgement older than the copy held (updatedAt 07:59 < 08:00) is ignored: acknowledging here still works
    await monitor.adopt(changed(x, 'acknowledged', '2026-01-05T07:59:00.000Z'));
    expect((await monitor.transition(x!.alert.id, 'acknowledge', 'u_here')).alert.history.map((h) => `${h.to}:${h.by}`)).toEqual([`open:${x!.alert.history[0]!.by}`, 'acknowledged:u_here']);
    // a later resolution made elsewhere is taken: acknowledging it here is refused, although the repository still says open
    await monitor.adopt(changed(y, 'resolved', '2026-01-05T08:00:05.000Z'));
    expect((await repository.get(y!.alert.id))?.alert.state).toBe('open');
    await expect(monitor.transition(y!.alert.id, 'acknowledge', 'u_here')).rejects.toThrow();
    repository.close();
  });
});
