import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLASSIFICATION_LEVELS, type Alert } from '@baseerat/engine';
import { AlertHub, alertEventJson, alertJson, alertJsonKept, releaseAlertJson, type AlertEvent } from '../../src/monitor/alert-hub.js';
import type { StoredAlert } from '../../src/monitor/alert-repository.js';

const stored = (id: string, district: string): StoredAlert => ({ alert: { id, district } as Alert, classification: 'UNCLASSIFIED', updatedAt: '2025-01-01T00:00:00.000Z' });

describe('AlertHub', () => {
  it('numbers events, delivers to accepting listeners, drops a listener that throws', () => {
    const hub = new AlertHub(3);
    const quetta: string[] = [];
    hub.subscribe({ accepts: (s) => s.alert.district === 'Quetta', deliver: (e) => quetta.push(`${e.seq}:${e.stored.alert.id}`) });
    hub.subscribe({ accepts: () => true, deliver: () => { throw new Error('broken socket'); } });
    hub.publish('opened', stored('a', 'Quetta'));
    hub.publish('opened', stored('b', 'Gwadar'));
    hub.publish('acknowledged', stored('a', 'Quetta'));
    expect(quetta).toEqual(['1:a', '3:a']);
    expect(hub.dropped).toBe(1);
    expect(hub.listenerCount).toBe(1);
  });

  it('Last-Event-ID: replays what the buffer holds after it; says when it no longer reaches back, or when the id is from an earlier run', () => {
    const hub = new AlertHub(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) hub.publish('opened', stored(id, 'Quetta'));
    const all = () => true;
    expect(hub.since(5, all)).toEqual({ events: [], complete: true });
    expect(hub.since(3, all).events.map((e) => e.seq)).toEqual([4, 5]);
    expect(hub.since(2, all).complete).toBe(true);
    expect(hub.since(1, all)).toMatchObject({ complete: false });
    expect(hub.since(1, all).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    // a restarted server numbers from 1 again: an id above the last one cannot be trusted
    expect(hub.since(900, all)).toMatchObject({ complete: false });
    expect(hub.since(900, all).events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('the ring keeps exactly the last bufferSize events in order, however many were published', () => {
    const hub = new AlertHub(7);
    const all = () => true;
    for (let i = 1; i <= 1000; i++) hub.publish('opened', stored(`a${i}`, i % 2 === 0 ? 'Quetta' : 'Gwadar'));
    expect(hub.since(0, all)).toMatchObject({ complete: false });
    expect(hub.since(0, all).events.map((e) => e.seq)).toEqual([994, 995, 996, 997, 998, 999, 1000]);
    expect(hub.since(992, all).complete).toBe(false);
    expect(hub.since(993, all)).toMatchObject({ complete: true });
    expect(hub.since(993, all).events.map((e) => e.stored.alert.id)).toEqual(['a994', 'a995', 'a996', 'a997', 'a998', 'a999', 'a1000']);
    expect(hub.since(996, (s) => s.alert.district === 'Quetta').events.map((e) => e.seq)).toEqual([998, 1000]);
    expect(hub.since(1000, all)).toEqual({ events: [], complete: true });
  });

  it('alertEventJson: the alert with classification and change, the same string for every caller', () => {
    const hub = new AlertHub();
    const e = hub.publish('retriggered', stored('x', 'Quetta'));
    const s = alertEventJson(e);
    expect(JSON.parse(s)).toEqual({ id: 'x', district: 'Quetta', classification: 'UNCLASSIFIED', change: 'retriggered' });
    expect(s).toBe(JSON.stringify({ ...e.stored.alert, classification: e.stored.classification, change: e.change }));
    expect(alertEventJson(e)).toBe(s);
    expect(alertJson(e.stored.alert)).toBe(JSON.stringify(e.stored.alert));
  });

  it('alertEventJson = JSON.stringify({ ...alert, classification, change }) for any alert, classification and change, live, for every stream of a publish, and replayed after the alert\'s JSON was released (fixed seed)', () => {
    const changes = ['opened', 'retriggered', 'acknowledged', 'resolved'] as const;
    fc.assert(fc.property(
      fc.array(fc.record({
        id: fc.string({ unit: 'binary', maxLength: 30 }), district: fc.string(), triggers: fc.nat(), text: fc.string({ unit: 'grapheme', maxLength: 40 }),
        classification: fc.constantFrom(...CLASSIFICATION_LEVELS), change: fc.constantFrom(...changes), again: fc.constantFrom(...changes, undefined),
      }), { minLength: 1, maxLength: 12 }),
      (xs) => {
        const hub = new AlertHub(2 * xs.length);
        const live: string[][] = [[], []];
        for (const k of [0, 1]) hub.subscribe({ accepts: () => true, deliver: (e) => live[k]!.push(alertEventJson(e)) });
        const events: AlertEvent[] = xs.flatMap((x) => {
          const stored = { alert: { id: x.id, district: x.district, triggers: x.triggers, explanation: { text: x.text } } as unknown as Alert, classification: x.classification, updatedAt: '2025-01-01T00:00:00.000Z' };
          // `again`: the same stored alert published once more with another change (as an acknowledgement of an unchanged alert would be)
          return x.again === undefined ? [hub.publish(x.change, stored)] : [hub.publish(x.change, stored), hub.publish(x.again, stored)];
        });
        const want = events.map((e) => JSON.stringify({ ...e.stored.alert, classification: e.stored.classification, change: e.change }));
        expect(live[0]).toEqual(want);
        expect(live[1]).toEqual(want);
        for (const e of events) {
          releaseAlertJson(e.stored.alert);
          expect(alertJsonKept(e.stored.alert)).toBe(false);
        }
        expect(hub.since(0, () => true).events.map(alertEventJson)).toEqual(want);
      },
    ), { seed: 6, numRuns: 200 });
  });
});
