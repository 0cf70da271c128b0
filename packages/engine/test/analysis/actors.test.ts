import { describe, expect, it } from 'vitest';
import { actorProfiles } from '../../src/analysis/actors.js';
import { poissonExactInterval } from '../../src/stats/gamma-distribution.js';
import { poissonRateTest } from '../../src/stats/poisson-rate-test.js';
import { ref } from '../stats/temporal-reference.js';
import { columns, type Ev } from './aggregate-test-columns.js';

const local = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - 5 * 3600e3;
const FROM = local(2024, 4, 1), TO = local(2024, 7, 1), PREV = local(2024, 1, 1);

describe('actorProfiles', () => {
  const evs: Ev[] = [];
  // BLA (0): 14 incidents Jan-Mar, 23 Apr-Jun; bombings in Kech and Quetta against security forces.
  for (let i = 0; i < 14; i++) evs.push({ time: local(2024, 1, 3) + i * 6 * 86400e3, perpetrator: 0, district: 1, category: 0, killed: 1, targetType: 0 });
  for (let i = 0; i < 23; i++) evs.push({ time: local(2024, 4, 2) + i * 3.9 * 86400e3, perpetrator: 0, district: i < 15 ? 1 : 0, category: i < 20 ? 0 : 2, killed: i === 0 ? 40 : 1, injured: 2, targetType: i < 18 ? 0 : 1 });
  // TTP (1): 2 incidents now, none before. Unclaimed: 10 now, 10 before. One month-dated incident.
  evs.push({ time: local(2024, 5, 5), perpetrator: 1, district: 2, category: 3, killed: 2 }, { time: local(2024, 6, 5), perpetrator: 1, district: 2, category: 3 });
  for (let i = 0; i < 10; i++) evs.push({ time: local(2024, 2, 1) + i * 86400e3 }, { time: local(2024, 5, 1) + i * 86400e3, district: 3 });
  evs.push({ time: local(2024, 5, 1), perpetrator: 2, timePrecision: 2 });
  evs.push({ time: Number.NaN, perpetrator: 0 });
  const r = actorProfiles(columns(evs), { from: FROM, to: TO, previousFrom: PREV });

  it('profiles each actor: activity by month, districts, tactics, targets, shares', () => {
    expect(r.actors.map((a) => [a.actor, a.incidents])).toEqual([['BLA', 23], ['unclaimed', 10], ['TTP', 2]]);
    const bla = r.actors[0]!;
    expect(bla.months).toEqual(['2024-04', '2024-05', '2024-06']);
    expect(bla.monthly.reduce((a, b) => a + b, 0)).toBe(23);
    expect(bla.districts).toEqual([{ name: 'Kech', count: 15 }, { name: 'Quetta', count: 8 }]);
    expect(bla.tactics).toEqual([{ name: 'TI.BOMB', count: 20 }, { name: 'TI.ASSAULT', count: 3 }]);
    expect(bla.targets).toEqual([{ name: 'security forces', count: 18 }, { name: 'civilians', count: 5 }]);
    expect(bla.share).toBeCloseTo(23 / 35, 12);
    expect(r.caveats.find((c) => c.code === 'TIME_TOO_COARSE')!.count).toBe(1);
    expect(r.caveats.find((c) => c.code === 'NO_TIME')!.count).toBe(1);
  });

  it('lethality: killed per incident with the exact Poisson interval, flagged as overdispersed', () => {
    const bla = r.actors[0]!;
    expect(bla.killed).toBe(62);
    const ci = poissonExactInterval(62);
    expect(bla.lethality).toEqual({ perIncident: 62 / 23, lower: ci.lower / 23, upper: ci.upper / 23 });
    expect(bla.caveats.map((c) => c.code)).toContain('LETHALITY_OVERDISPERSED');
  });

  it('change against the previous period: the brief example 14 -> 23 (91 vs 91 days) matches R poisson.test', () => {
    const bla = r.actors[0]!;
    const days = (TO - FROM) / 86400e3, prevDays = (FROM - PREV) / 86400e3;
    expect([days, prevDays]).toEqual([91, 91]);
    const rr = ref.poisson.find((p) => p.x1 === 23 && p.x0 === 14)!;
    expect(bla.change.pValue).toBeCloseTo(rr.pValue, 9);
    expect(bla.change.summary.startsWith('up 64% (23 vs 14), not significant at the 5% level')).toBe(true);
    expect(bla.change.pAdjusted).toBeGreaterThanOrEqual(bla.change.pValue);
    const ttp = r.actors.find((a) => a.actor === 'TTP')!;
    expect(ttp.change.rateRatio).toBeNull();
    expect(ttp.change.pValue).toBeCloseTo(poissonRateTest(2, 91, 0, 91).pValue, 12);
  });
});
