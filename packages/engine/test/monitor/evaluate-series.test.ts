import { describe, expect, it } from 'vitest';
import { evaluateSeries } from '../../src/monitor/evaluate-series.js';
import { earsC } from '../../src/monitor/ears-c1-c2-c3.js';
import { seriesById } from './reference.js';

describe('evaluateSeries', () => {
  const quiet = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3];

  it('does not page for one event in a quiet district, unless the category is severe', () => {
    const r = evaluateSeries(quiet, { kind: 'ears', options: { method: 'C1' } });
    expect(r.steps[7]!.detectorAlarm).toBe(true); // EARS alone would alarm: the bound is 0
    expect(r.steps[7]!.alarm).toBe(false);
    expect(r.steps[7]!.explanation.rule).toBe('suppressed-minimum-count');
    expect(r.steps[15]!.alarm).toBe(true);
    expect(r.steps[15]!.explanation).toMatchObject({ count: 3, rule: 'alarm' });
    expect(r.alarms).toBe(1);
    expect(r.suppressed).toBe(1);
    expect(r.caveats.map((c) => c.code)).toContain('minimum-count');
    const severe = evaluateSeries(quiet, { kind: 'ears', options: { method: 'C1' } }, { severe: true });
    expect(severe.steps[7]!.alarm).toBe(true);
    expect(severe.alarms).toBe(2);
  });

  it('reports expected, threshold and the rule per step, consistent with the detector', () => {
    const y = seriesById('monthly:province:events');
    const r = evaluateSeries(y, { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } }, { minimumCount: 0 });
    const raw = earsC(y, { method: 'C2', minSigma: 0.5 });
    expect(r.firstIndex).toBe(9);
    expect(r.steps[3]!.explanation.rule).toBe('not-evaluated');
    for (let t = r.firstIndex; t < y.length; t++) {
      const s = r.steps[t]!;
      expect(s.threshold).toBe(raw.upperbound[t]);
      expect(s.alarm).toBe(raw.alarm[t] === 1);
      expect(s.alarm).toBe(y[t]! > s.threshold);
      expect(s.explanation.count).toBe(y[t]);
    }
    expect(r.alarms).toBeGreaterThan(0);
    expect(r.nominalFalseAlarmRate).toBe(0.001);
  });

  it('runs Farrington and CUSUM through the same interface, with caveats for undecided periods', () => {
    const y = seriesById('weekly:Kech:events');
    const f = evaluateSeries(y, { kind: 'farrington', options: { b: 3, w: 3, alpha: 0.01 } });
    expect(f.undetermined).toBeGreaterThan(500); // Kech rarely has 5 events in 4 weeks
    expect(f.caveats.map((c) => c.code)).toContain('farrington-few-recent-cases');
    const c = evaluateSeries(y, { kind: 'cusum', options: { h: 4 } });
    expect(c.firstIndex).toBe(0);
    expect(c.nominalFalseAlarmRate).toBeNull();
    for (const s of c.steps) if (s.alarm) expect(s.explanation.count).toBeGreaterThan(s.threshold);
    expect(c.alarms).toBeGreaterThan(0);
  });
});
