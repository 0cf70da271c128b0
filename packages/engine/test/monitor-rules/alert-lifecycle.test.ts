import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertTransitionError, SUPPRESSED_IDS_KEPT, emptyAlertBook, intakeCandidate, isValidAlert, routeAlert, transitionAlert, updateAlert, type Alert, type AlertAction, type AlertBook, type Subscription } from '../../src/monitor/rules/alert-lifecycle.js';
import type { AlertCandidate } from '../../src/monitor/rules/types.js';

const T0 = Date.parse('2024-03-01T00:00:00.000Z');
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();
const cand = (key: string, district = 'Quetta', incidentId = `inc-${key}`): AlertCandidate => ({
  ruleId: 'r', ruleKind: 'spike', severity: 'high', incidentId, occurredAt: at(0), district, zoneIds: [], dedupKey: key,
  explanation: { count: 3, expected: 0.5, threshold: 2, rule: 'r (spike)', text: '3 > 2' },
});

describe('alert lifecycle: state machine', () => {
  const open = intakeCandidate(emptyAlertBook(), cand('k'), at(0)).alert;
  it('open -> acknowledged -> resolved records who and when', () => {
    const a = transitionAlert(open, 'acknowledge', 'officer.kech', at(5));
    const r = transitionAlert(a, 'resolve', 'analyst.1', at(60), 'false report');
    expect(r.state).toBe('resolved');
    expect(r.history.map((h) => [h.from, h.to, h.by, h.at])).toEqual([[null, 'open', 'system:rule-engine', at(0)], ['open', 'acknowledged', 'officer.kech', at(5)], ['acknowledged', 'resolved', 'analyst.1', at(60)]]);
    expect(r.history[2]?.note).toBe('false report');
    expect(transitionAlert(open, 'resolve', 'x', at(1)).state).toBe('resolved');
    expect(open.state).toBe('open'); // not mutated
  });
  it('invalid transitions throw typed errors naming the state; time cannot go back; a user is required', () => {
    const resolved = transitionAlert(open, 'resolve', 'x', at(1));
    const ack = transitionAlert(open, 'acknowledge', 'x', at(1));
    const expectErr = (f: () => unknown, code: string, field: string) => {
      try { f(); expect.unreachable(); } catch (e) { expect(e).toBeInstanceOf(AlertTransitionError); expect((e as AlertTransitionError).code).toBe(code); expect((e as AlertTransitionError).field).toBe(field); }
    };
    expectErr(() => transitionAlert(resolved, 'acknowledge', 'y', at(2)), 'CONFLICT', 'state');
    expectErr(() => transitionAlert(resolved, 'resolve', 'y', at(2)), 'CONFLICT', 'state');
    expectErr(() => transitionAlert(ack, 'acknowledge', 'y', at(2)), 'CONFLICT', 'state');
    expectErr(() => transitionAlert(ack, 'resolve', 'y', at(0)), 'VALIDATION', 'at');
    expectErr(() => transitionAlert(open, 'resolve', ' ', at(2)), 'VALIDATION', 'by');
    expectErr(() => transitionAlert(open, 'resolve', 'y', 'yesterday'), 'VALIDATION', 'at');
    expect(() => transitionAlert(resolved, 'acknowledge', 'y', at(2))).toThrow(/cannot acknowledge .* it is resolved/);
  });

  it('property (fast-check, seed 6): random triggers and actions never leave a valid state; invalid actions are rejected and change nothing', () => {
    const step = fc.oneof(
      fc.record({ type: fc.constant('trigger' as const), key: fc.constantFrom('a', 'b', 'c'), dt: fc.integer({ min: 0, max: 600 }) }),
      fc.record({ type: fc.constant('act' as const), which: fc.nat(), action: fc.constantFrom<AlertAction>('acknowledge', 'resolve'), dt: fc.integer({ min: -30, max: 600 }), by: fc.constantFrom('u1', 'u2', '') }),
    );
    let totalRejected = 0, totalAccepted = 0;
    const totalStates: string[] = [];
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      let book: AlertBook = emptyAlertBook();
      let clock = 0, rejected = 0, accepted = 0, incidents = 0;
      for (const s of steps) {
        if (s.type === 'trigger') {
          clock += s.dt;
          incidents++;
          book = intakeCandidate(book, cand(s.key, 'Quetta', `i${incidents}`), at(clock), { suppressionMinutes: 360 }).book;
        } else {
          if (book.alerts.length === 0) continue;
          const a = book.alerts[s.which % book.alerts.length]!;
          const t = at(clock + s.dt);
          try {
            book = updateAlert(book, transitionAlert(a, s.action, s.by, t));
            if (s.dt > 0) clock += s.dt;
            accepted++;
            expect(a.state === 'open' || (a.state === 'acknowledged' && s.action === 'resolve')).toBe(true);
            expect(s.by).not.toBe('');
          } catch (e) {
            if (!(e instanceof AlertTransitionError)) throw e;
            rejected++;
            const last = a.history[a.history.length - 1]!;
            // rejected exactly when the machine forbids it, the user is blank, or time goes back
            const allowed = a.state === 'open' || (a.state === 'acknowledged' && s.action === 'resolve');
            expect(!allowed || s.by === '' || Date.parse(t) < Date.parse(last.at)).toBe(true);
          }
        }
      }
      for (const a of book.alerts) expect(isValidAlert(a)).toBe(true);
      // every trigger is on exactly one alert
      expect(book.alerts.reduce((n, a) => n + a.triggers, 0)).toBe(incidents);
      totalRejected += rejected;
      totalAccepted += accepted;
      totalStates.push(...book.alerts.map((a) => a.state));
    }), { seed: 6, numRuns: 300 });
    // the sequences did exercise both branches and all three states
    expect(totalRejected).toBeGreaterThan(50);
    expect(totalAccepted).toBeGreaterThan(50);
    expect(new Set(totalStates)).toEqual(new Set(['open', 'acknowledged', 'resolved']));
  });
});

describe('alert lifecycle: deduplication and suppression', () => {
  it('the same trigger inside the window raises one alert; after the window a new one; other keys are independent', () => {
    let book = emptyAlertBook();
    const outcomes: string[] = [];
    for (const [key, min] of [['k', 0], ['k', 100], ['k', 359], ['j', 200], ['k', 360], ['k', 400]] as const) {
      const r = intakeCandidate(book, cand(key), at(min), { suppressionMinutes: 360 });
      book = r.book;
      outcomes.push(`${key}@${min}:${r.outcome}`);
    }
    expect(outcomes).toEqual(['k@0:opened', 'k@100:suppressed', 'k@359:suppressed', 'j@200:opened', 'k@360:opened', 'k@400:suppressed']);
    expect(book.alerts.map((a) => [a.dedupKey, a.triggers, a.lastTriggeredAt])).toEqual([['k', 3, at(359)], ['j', 1, at(200)], ['k', 2, at(400)]]);
  });
  it('lists the latest SUPPRESSED_IDS_KEPT re-triggering incidents and counts the others', () => {
    let book = emptyAlertBook();
    const n = SUPPRESSED_IDS_KEPT + 25;
    for (let i = 0; i <= n; i++) book = intakeCandidate(book, cand('k', 'Quetta', `inc-${i}`), at(i % 300), { suppressionMinutes: 360 }).book;
    const a = book.alerts[0]!;
    expect(book.alerts).toHaveLength(1);
    expect(a.triggers).toBe(n + 1);
    expect(a.suppressedIncidentIds).toHaveLength(SUPPRESSED_IDS_KEPT);
    expect(a.suppressedIncidentIds[0]).toBe('inc-26');
    expect(a.suppressedIncidentIds.at(-1)).toBe(`inc-${n}`);
    expect(a.suppressedNotListed).toBe(25);
    expect(isValidAlert(a)).toBe(true);
    expect(isValidAlert({ ...a, suppressedNotListed: 24 })).toBe(false);
  });
  it('property (seed 7): for any trigger times of one key, alerts opened = greedy window cover of the sorted times', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 40 }), fc.integer({ min: 1, max: 1000 }), (times, win) => {
      const sorted = times.slice().sort((a, b) => a - b);
      let book = emptyAlertBook();
      for (const t of sorted) book = intakeCandidate(book, cand('k'), at(t), { suppressionMinutes: win }).book;
      let expected = 0, openedAt = -Infinity;
      for (const t of sorted) if (t - openedAt >= win) { expected++; openedAt = t; }
      expect(book.alerts.length).toBe(expected);
      for (let i = 1; i < book.alerts.length; i++) expect(Date.parse(book.alerts[i]!.openedAt) - Date.parse(book.alerts[i - 1]!.openedAt)).toBeGreaterThanOrEqual(win * 60_000);
    }), { seed: 7, numRuns: 200 });
  });
});

describe('alert routing by district scope', () => {
  const subs: Subscription[] = [
    { recipient: 'dc-quetta', scope: { kind: 'districts', districts: ['Quetta'] } },
    { recipient: 'dc-kech', scope: { kind: 'districts', districts: ['Kech', 'Gwadar'] } },
    { recipient: 'commander', scope: { kind: 'province' }, minimumSeverity: 'high' },
    { recipient: 'ops-room', scope: { kind: 'province' } },
    { recipient: 'dc-quetta', scope: { kind: 'province' } },
  ];
  const alert = (district: string, severity: Alert['severity']) => ({ id: 'x', district, severity });
  it('district officers get their districts only; province scopes get all above their minimum severity; each once', () => {
    expect(routeAlert(alert('Quetta', 'high'), subs).recipients).toEqual(['dc-quetta', 'commander', 'ops-room']);
    expect(routeAlert(alert('Gwadar', 'medium'), subs).recipients).toEqual(['dc-kech', 'ops-room', 'dc-quetta']);
    expect(routeAlert(alert('', 'critical'), subs.slice(0, 3)).recipients).toEqual(['commander']);
    expect(routeAlert(alert('Kech', 'low'), subs.slice(0, 3)).recipients).toEqual(['dc-kech']);
  });
});
