import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoUtcString } from '@baseerat/engine';
import { canonicalUtcMs, compileDateFormat, toUtcMs, type DateParser, type ParsedTime } from '../../src/ingest/date-format.js';
import { ZoneOffsets } from '../../src/ingest/time-zone.js';

/**
 * The `iso` parser as it was before 2026-11-27 (regular expressions), kept here as the reference
 * the scanner must agree with on every string.
 */
const isoDate = compileDateFormat('yyyy-MM-dd') as DateParser;
function daysIn(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}
function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}
function scanOffset(v: string, i: number): { ms: number; end: number } | undefined {
  const c = v[i];
  if (c === 'Z' || c === 'z') return { ms: 0, end: i + 1 };
  if (c !== '+' && c !== '-') return undefined;
  const d = (k: number) => { const x = v.charCodeAt(k) - 48; return x >= 0 && x <= 9 ? x : -1; };
  const h1 = d(i + 1), h2 = d(i + 2);
  if (h1 < 0 || h2 < 0) return undefined;
  let j = i + 3;
  if (v[j] === ':') j++;
  const m1 = d(j), m2 = d(j + 1);
  let minutes = 0;
  if (m1 >= 0 && m2 >= 0) { minutes = m1 * 10 + m2; j += 2; } else if (v[j - 1] === ':') return undefined;
  const hours = h1 * 10 + h2;
  if (hours > 14 || minutes > 59) return undefined;
  return { ms: (c === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000, end: j };
}
function referenceIso(value: string): ParsedTime | undefined {
  const v = value.trim();
  if (v.length === 10) return isoDate.parse(v);
  const sep = v[10];
  if (sep !== 'T' && sep !== ' ' && sep !== 't') return undefined;
  const datePart = v.slice(0, 10);
  let rest = v.slice(11);
  let off: number | undefined;
  const z = rest.search(/[Zz+-]/);
  if (z >= 0) {
    const o = scanOffset(rest, z);
    if (o === undefined || o.end !== rest.length) return undefined;
    off = o.ms;
    rest = rest.slice(0, z);
  }
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(rest);
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(datePart);
  if (m === null || dm === null) return undefined;
  const y = Number(dm[1]), mo = Number(dm[2]), d = Number(dm[3]);
  const h = Number(m[1]), mi = Number(m[2]), s = Number(m[3] ?? 0);
  if (!validParts(y, mo, d, h, mi, s)) return undefined;
  const ms = Math.floor(Number(`0.${m[4] ?? '0'}`) * 1000);
  return { local: Date.UTC(y, mo - 1, d, h, mi, s, ms), offset: off, hasTime: true };
}

const iso = compileDateFormat('iso') as DateParser;
const digits = (n: number, max = 10 ** n - 1) => fc.integer({ min: 0, max }).map((x) => String(x).padStart(n, '0'));
/** Well-formed ISO times (some out of range: month 13, day 31 of a short month, hour 24, offset +15). */
const wellFormed = fc.tuple(
  digits(4), digits(2, 13), digits(2, 32), fc.constantFrom('T', ' ', 't', 'x'), digits(2, 24), digits(2, 60),
  fc.option(fc.tuple(digits(2, 60), fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 11 }), { nil: undefined })), { nil: undefined }),
  fc.option(fc.constantFrom('Z', 'z', '+05:00', '-0330', '+05', '+14:00', '+15:00', '-05:60', '+5', '+05:', 'Z1', '+05:000'), { nil: undefined }),
  fc.constantFrom('', ' ', '\t', '\n '),
).map(([y, mo, d, sep, h, mi, sec, off, pad]) => {
  let t = `${y}-${mo}-${d}${sep}${h}:${mi}`;
  if (sec !== undefined) t += `:${sec[0]}${sec[1] === undefined ? '' : `.${sec[1]}`}`;
  return `${pad}${t}${off ?? ''}${pad}`;
});
/** Near misses: a well-formed time with one character changed, dropped or doubled. */
const nearMiss = fc.tuple(wellFormed, fc.nat(), fc.constantFrom(...'0123456789-:.TtZz+ x'), fc.constantFrom('set', 'drop', 'double')).map(([s, i, c, how]) => {
  const k = s.length === 0 ? 0 : i % s.length;
  return how === 'set' ? s.slice(0, k) + c + s.slice(k + 1) : how === 'drop' ? s.slice(0, k) + s.slice(k + 1) : s.slice(0, k) + s[k]! + s.slice(k);
});
/** Anything made of the characters that matter. */
const noise = fc.string({ unit: fc.constantFrom(...'0123456789-:.TtZz+ '), maxLength: 32 });

describe("date format 'iso': the scanner reads what the regular expressions read", () => {
  it('same result on well-formed, near-miss and random strings (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.oneof(wellFormed, nearMiss, noise), (s) => {
        expect(iso.parse(s)).toEqual(referenceIso(s));
      }),
      { seed: 20261127, numRuns: 20_000 },
    );
  });

  it('reads the live feed\'s form and its variants', () => {
    for (const s of ['2024-01-01T03:57:00.000Z', '2024-02-29T23:59:59.999999999+05:00', '2024-03-01 10:15', '2024-03-01t10:15:30-0330', '2023-02-29T10:00Z', '2024-03-01T10:15:00.Z', '2024-03-01T10:15+05:00Z']) {
      expect(iso.parse(s)).toEqual(referenceIso(s));
    }
    expect(iso.parse('2024-01-01T03:57:00.000Z')).toEqual({ local: Date.UTC(2024, 0, 1, 3, 57), offset: 0, hasTime: true });
    expect(iso.parse('2024-03-01 10:15')).toEqual({ local: Date.UTC(2024, 2, 1, 10, 15), offset: undefined, hasTime: true });
    expect(iso.parse('2023-02-29T10:00Z')).toBeUndefined();
  });
});

describe("date format 'iso': the canonical fast path (canonicalUtcMs) answers what the parser answers", () => {
  // a zone with an offset, so that a value read as local time would show
  const zone = new ZoneOffsets('Asia/Karachi');
  /** toISOString of any time of the years 0100-9999 (0100-0999: not the parser's, so never the fast path's). */
  const canonical = fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map((ms) => new Date(ms).toISOString());
  /** Near misses of those: one character changed, dropped or doubled (30 February, 24:00, a lower-case z, ...). */
  const nearCanonical = fc.tuple(canonical, fc.nat(), fc.constantFrom(...'0123456789-:.TtZz+ x'), fc.constantFrom('set', 'drop', 'double')).map(([s, i, c, how]) => {
    const k = i % s.length;
    return how === 'set' ? s.slice(0, k) + c + s.slice(k + 1) : how === 'drop' ? s.slice(0, k) + s.slice(k + 1) : s.slice(0, k) + s[k]! + s.slice(k);
  });

  it('where it answers: the same UTC ms, a time of day, and isoUtcString writes the value back unchanged; else NaN', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(canonical, nearCanonical, wellFormed, noise), (s) => {
        const ms = canonicalUtcMs(s);
        if (Number.isNaN(ms)) return;
        answered++;
        const p = iso.parse(s);
        expect(p).toBeDefined();
        expect(p!.hasTime).toBe(true);
        expect(ms).toBe(toUtcMs(p!, zone));
        expect(isoUtcString(ms)).toBe(s);
      }),
      { seed: 20261127, numRuns: 20_000 },
    );
    // not vacuous: most canonical strings take the fast path
    expect(answered).toBeGreaterThan(4_000);
  });

  it('answers for every toISOString of the years 1000-9999, and for none of 0100-0999 (the parser starts at 1000)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (t) => {
        expect(canonicalUtcMs(new Date(t).toISOString())).toBe(t);
      }),
      { seed: 20261127, numRuns: 5_000 },
    );
    expect(canonicalUtcMs('0999-12-31T23:59:59.999Z')).toBeNaN();
    expect(iso.parse('0999-12-31T23:59:59.999Z')).toBeUndefined();
    expect(canonicalUtcMs('2024-02-30T10:00:00.000Z')).toBeNaN();
    expect(canonicalUtcMs('2024-03-01T10:00:00.000z')).toBeNaN();
  });
});
