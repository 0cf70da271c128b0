import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seasonality } from '../../src/analysis/seasonality.js';
import { SeededRng } from '../../src/random/seeded-rng.js';
import { arbEvent, columns, type Ev } from './aggregate-test-columns.js';

// Independent oracle: the IANA zone and ICU's calendars applied to each instant directly.
const pk = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Karachi', hour: 'numeric', hourCycle: 'h23', weekday: 'long', month: 'long' });
const hj = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { timeZone: 'Asia/Karachi', month: 'numeric' });
const part = (f: Intl.DateTimeFormat, t: number, type: string) => f.formatToParts(new Date(t)).find((p) => p.type === type)!.value;

const FROM = Date.UTC(2022, 0, 1) - 5 * 3600e3, TO = Date.UTC(2025, 0, 1) - 5 * 3600e3; // local 2022-01-01 .. 2024-12-31

describe('seasonality', () => {
  it('observed counts equal an oracle built on Intl time zones and calendars (property, seed 13)', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 60 }), (evs) => {
        const r = seasonality(columns(evs), { from: FROM, to: TO });
        const inW = evs.filter((e) => e.time >= FROM && e.time < TO);
        const hour = new Array<number>(24).fill(0), wd = new Map<string, number>(), mo = new Map<string, number>(), hm = new Array<number>(12).fill(0);
        for (const e of inW) {
          if (e.timePrecision === 0) hour[Number(part(pk, e.time, 'hour'))]! += 1;
          if (e.timePrecision! <= 1) { wd.set(part(pk, e.time, 'weekday'), (wd.get(part(pk, e.time, 'weekday')) ?? 0) + 1); hm[Number(part(hj, e.time, 'month')) - 1]! += 1; }
          if (e.timePrecision! <= 2) mo.set(part(pk, e.time, 'month'), (mo.get(part(pk, e.time, 'month')) ?? 0) + 1);
        }
        expect(r.hour.observed).toEqual(hour);
        expect(r.weekday.observed).toEqual(r.weekday.labels.map((l) => wd.get(l) ?? 0));
        expect(r.month.observed).toEqual(r.month.labels.map((l) => mo.get(l) ?? 0));
        expect(r.hijriMonth.observed).toEqual(hm);
      }),
      { seed: 13, numRuns: 60 },
    );
  });

  it('exposures: 2022-2024 has 1,096 days, 157 or 156 of each weekday, 85 days of February', () => {
    const r = seasonality(columns([]), { from: FROM, to: TO });
    expect(r.weekday.exposureDays.reduce((a, b) => a + b, 0)).toBe(1096);
    expect(r.weekday.exposureDays).toEqual([157, 157, 156, 156, 156, 157, 157]); // 2022-01-01 was a Saturday, 2024-12-31 a Tuesday (checked with python datetime)
    expect(r.month.exposureDays[1]).toBe(28 + 28 + 29);
    expect(r.hijriMonth.exposureDays.reduce((a, b) => a + b, 0)).toBe(1096);
    expect(r.hour.test).toBeNull();
    expect(r.hour.caveats.map((c) => c.code)).toContain('NO_TEST');
  });

  it('a flat process is not flagged; a planted Muharram excess is flagged in the Hijri profile', () => {
    const rng = new SeededRng('seasonality');
    const evs: Ev[] = [];
    for (let t = FROM; t < TO; t += 86400e3) {
      const k = rng.next() < 0.5 ? 1 : 2; // one or two events a day
      for (let j = 0; j < k; j++) evs.push({ time: t + Math.floor(rng.next() * 86400e3) });
    }
    const flat = seasonality(columns(evs), { from: FROM, to: TO });
    expect(flat.weekday.test!.pValue).toBeGreaterThan(0.01);
    expect(flat.hijriMonth.test!.pValue).toBeGreaterThan(0.01);
    // Muharram 1444-1446 by Umm al-Qura: 2022-07-30, 2023-07-19, 2024-07-07: add 4 events on each of its first 10 days.
    for (const start of [Date.UTC(2022, 6, 30), Date.UTC(2023, 6, 19), Date.UTC(2024, 6, 7)]) {
      for (let d = 0; d < 10; d++) for (let h = 0; h < 4; h++) evs.push({ time: start + d * 86400e3 + (6 + h) * 3600e3 });
    }
    const r = seasonality(columns(evs), { from: FROM, to: TO });
    expect(r.hijriMonth.test!.pAdjusted).toBeLessThan(0.001);
    expect(r.hijriMonth.ratio[0]!).toBeGreaterThan(1.3);
    expect(r.hijriMonth.residuals.indexOf(Math.max(...r.hijriMonth.residuals))).toBe(0);
  });

  it('counts events without an exact time out of the hour profile', () => {
    const r = seasonality(columns([{ time: Date.UTC(2023, 4, 1), timePrecision: 1 }, { time: Date.UTC(2023, 4, 1, 3), timePrecision: 0 }, { time: Number.NaN }]), { from: FROM, to: TO });
    expect(r.caveats.find((c) => c.code === 'NO_TIME')!.count).toBe(1);
    expect(r.hour.events).toBe(1);
    expect(r.hour.caveats.find((c) => c.code === 'SEASONALITY_EXCLUDED')!.count).toBe(1);
    expect(r.hour.observed[8]).toBe(1); // 03:00 UTC is 08:00 in Pakistan
  });
});
