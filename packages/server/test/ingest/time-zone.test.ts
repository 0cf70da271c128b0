import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ZoneOffsets } from '../../src/ingest/time-zone.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl's offset at the start of the UTC hour of `ms`, without any cache: what the former per-hour cache returned. */
function intlOffset(zone: string, ms: number): number {
  const key = Math.floor(ms / HOUR) * HOUR;
  let f = formats.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(key)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - key;
}

/** The former toUtc, over uncached offsets. */
function intlToUtc(zone: string, local: number): number {
  const o1 = intlOffset(zone, local - intlOffset(zone, local));
  const t = local - o1;
  const o2 = intlOffset(zone, t);
  return o2 === o1 ? t : local - Math.max(o1, o2);
}

const zones = ['Asia/Karachi', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Tehran'];

/** Hours (epoch ms) at which the zone's offset changes in 2019-2024, found day by day then hour by hour. */
function transitions(zone: string): number[] {
  const out: number[] = [];
  for (let d = Date.UTC(2019, 0, 1); d < Date.UTC(2025, 0, 1); d += DAY) {
    if (intlOffset(zone, d) === intlOffset(zone, d + DAY)) continue;
    for (let h = d; h < d + DAY; h += HOUR) if (intlOffset(zone, h) !== intlOffset(zone, h + HOUR)) out.push(h + HOUR);
  }
  return out;
}

describe('ZoneOffsets (day cache)', () => {
  it('gives the offset Intl gives within 15 hours of every transition of 2019-2024, first touched mid-day', () => {
    for (const zone of zones) {
      const z = new ZoneOffsets(zone);
      const at = transitions(zone);
      if (zone !== 'Asia/Karachi') expect(at.length, zone).toBeGreaterThan(0);
      for (const h of at) {
        for (const k of [7, -7, 0, -1, 1, -15, 15, 3, -3]) {
          const t = h + k * HOUR / 2 + 17;
          expect(z.offsetAt(t), `${zone} ${new Date(t).toISOString()}`).toBe(intlOffset(zone, t));
        }
      }
    }
  });

  it('offsetAt and toUtc agree with the uncached computation on arbitrary instants (fast-check, fixed seed)', () => {
    const z = zones.map((zone) => new ZoneOffsets(zone));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: zones.length - 1 }), fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), (i, t) => {
        expect(z[i]!.offsetAt(t)).toBe(intlOffset(zones[i]!, t));
        expect(z[i]!.toUtc(t)).toBe(intlToUtc(zones[i]!, t));
      }),
      { seed: 20261127, numRuns: 500 },
    );
  });

  it('converts Europe/London wall times', () => {
    const z = new ZoneOffsets('Europe/London');
    expect(z.toUtc(Date.UTC(2024, 6, 1, 12))).toBe(Date.UTC(2024, 6, 1, 11));
    expect(z.toUtc(Date.UTC(2024, 0, 1, 12))).toBe(Date.UTC(2024, 0, 1, 12));
  });
});
