import { describe, expect, it } from 'vitest';
import type { NewIncident, Report } from '@baseerat/engine';
import { monitoredStore } from '../../src/monitor/monitored-store.js';
import type { LabelledIncident, LiveMonitor } from '../../src/monitor/live-monitor.js';
import type { IngestBatch, Store, WriteResult } from '../../src/store/port.js';

const report = (sourceId: string, killed = 0): Report => ({
  occurredAt: '2025-01-01T10:00:00.000Z', timePrecision: 'exact', location: { lat: 30.19, lon: 67.0, precision: 'exact', district: 'Quetta', province: 'Balochistan' },
  category: 'TI.BOMB', severity: { killed, injured: 0, abducted: 0 }, classification: 'SECRET', reportingMode: 'public',
  source: { agency: 'police', sourceId, receivedAt: '2025-01-01T11:00:00.000Z', format: 'test', raw: '{}' },
});
const incident = (id: string, ...reports: Report[]): NewIncident => ({ id, reports, links: [] });

function fakes(result: WriteResult, stored: Set<string>, fail = false) {
  const observed: LabelledIncident[][] = [];
  const errors: unknown[] = [];
  const monitor = {
    counters: { errors: 0 },
    observe: async (xs: readonly LabelledIncident[]) => { if (fail) throw new Error('rules failed'); observed.push([...xs]); return { incidents: xs.length, candidates: 0, opened: 0, retriggered: 0, events: [] }; },
    reportError: (e: unknown) => { errors.push(e); },
  } as unknown as LiveMonitor;
  const store = {
    writeBatch: async (_b: IngestBatch) => result,
    getIncident: async (id: string) => (stored.has(id) ? { id } : undefined),
    countIncidents: async () => 7,
  } as unknown as Store;
  return { monitor, store, observed, errors };
}

describe('monitoredStore', () => {
  const batch: IngestBatch = { newIncidents: [incident('inc_a', report('a')), incident('inc_b', report('b', 3), report('b2', 1))], attachments: [], quarantine: [] };

  it('hands every new incident of a committed batch to the monitor, consolidated, with its classification', async () => {
    const f = fakes({ inserted: 2, attached: 0, duplicates: 0, quarantined: 0 }, new Set());
    const s = monitoredStore(f.store, f.monitor);
    expect(await s.writeBatch(batch)).toMatchObject({ inserted: 2 });
    expect(f.observed).toHaveLength(1);
    expect(f.observed[0]!.map((i) => [i.id, i.classification, i.location.district])).toEqual([['inc_a', 'SECRET', 'Quetta'], ['inc_b', 'SECRET', 'Quetta']]);
    // other methods pass through to the store
    expect(await s.countIncidents({})).toBe(7);
  });

  it('when the store skipped duplicates, only the incidents it now holds are observed', async () => {
    const f = fakes({ inserted: 1, attached: 0, duplicates: 1, quarantined: 0 }, new Set(['inc_b']));
    await monitoredStore(f.store, f.monitor).writeBatch(batch);
    expect(f.observed[0]!.map((i) => i.id)).toEqual(['inc_b']);
  });

  it('a failing monitor does not fail the committed write: counted and reported', async () => {
    const f = fakes({ inserted: 2, attached: 0, duplicates: 0, quarantined: 0 }, new Set(), true);
    expect(await monitoredStore(f.store, f.monitor).writeBatch(batch)).toMatchObject({ inserted: 2 });
    expect(f.monitor.counters.errors).toBe(1);
    expect(String(f.errors[0])).toMatch(/rules failed/);
  });

  it('overlap: writeBatch returns once the previous batch is observed, while its own is observed in the background, in write order', async () => {
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const monitor = {
      counters: { errors: 0 },
      observe: async (xs: readonly LabelledIncident[]) => {
        order.push(`observe ${xs.map((x) => x.id).join(',')}`);
        await new Promise<void>((r) => gates.push(r));
        order.push(`observed ${xs.map((x) => x.id).join(',')}`);
        return { incidents: xs.length, candidates: 0, opened: 0, retriggered: 0, events: [] };
      },
      reportError: () => undefined,
    } as unknown as LiveMonitor;
    const store = { writeBatch: async (b: IngestBatch) => { order.push(`write ${b.newIncidents.map((n) => n.id).join(',')}`); return { inserted: b.newIncidents.length, attached: 0, duplicates: 0, quarantined: 0 }; } } as unknown as Store;
    const s = monitoredStore(store, monitor, undefined, { overlap: true });
    const one = { newIncidents: [incident('inc_1', report('1'))], attachments: [], quarantine: [] };
    const two = { newIncidents: [incident('inc_2', report('2'))], attachments: [], quarantine: [] };
    await s.writeBatch(one);
    expect(order).toEqual(['write inc_1', 'observe inc_1']);
    let secondDone = false;
    const second = s.writeBatch(two).then(() => { secondDone = true; });
    await new Promise((r) => setTimeout(r, 10));
    // the second write has committed, but its call waits for the first observation
    expect(order).toEqual(['write inc_1', 'observe inc_1', 'write inc_2', 'observe inc_2']);
    expect(secondDone).toBe(false);
    gates.shift()!();
    await second;
    expect(order.slice(4)).toEqual(['observed inc_1']);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 10));
    expect(order.at(-1)).toBe('observed inc_2');
  });
});
