/**
 * The small date-pattern language of mapping files, compiled once per mapping into a scanner (no
 * regular expression per row). Tokens: `yyyy` year, `MM`/`M` month, `dd`/`d` day, `HH`/`H` hour
 * (0-23), `mm` minute, `ss` second, `SSS` milliseconds, `XXX` offset (`Z`, `+05:00`, `+0500`);
 * text in single quotes is literal (`''` is a quote); any other non-letter is literal. The special
 * format `iso` accepts ISO 8601 (`2024-03-01`, `2024-03-01T10:15`, `...:00Z`, `...+05:00`, with
 * a space for the `T` too).
 *
 * A value without an offset is local time in the mapping's time zone. A pattern without hours
 * gives `timePrecision: 'day'` (stored at local midnight); with hours, `'exact'`.
 */
import { canonicalIsoMs } from '@baseerat/engine';
import { ZoneOffsets } from './time-zone.js';

type Tok =
  | { t: 'num'; field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S'; min: number; max: number }
  | { t: 'lit'; text: string }
  | { t: 'off' };

export interface ParsedTime {
  /** The local wall time read, as if it were UTC (`Date.UTC` of the fields). */
  local: number;
  /** Offset stated in the value (ms east of UTC), when it had one. */
  offset: number | undefined;
  hasTime: boolean;
}

/** UTC epoch ms of a parsed time: its own offset when it stated one, else the zone's. */
export function toUtcMs(p: ParsedTime, zone: ZoneOffsets): number {
  return p.offset !== undefined ? p.local - p.offset : zone.toUtc(p.local);
}

export interface DateParser {
  readonly pattern: string;
  /** Whether the pattern includes a time of day (for `iso`: known per value). */
  readonly hasTime: boolean;
  /** Parses a value; undefined when it does not match or names an impossible date. */
  parse(value: string): ParsedTime | undefined;
  /** Only the time-of-day part, as ms after midnight (for `timeColumn`). */
  parseTimeOfDay(value: string): number | undefined;
}

const TOKENS: ReadonlyArray<[string, Tok]> = [
  ['yyyy', { t: 'num', field: 'y', min: 4, max: 4 }],
  ['SSS', { t: 'num', field: 'S', min: 3, max: 3 }],
  ['XXX', { t: 'off' }],
  ['MM', { t: 'num', field: 'M', min: 2, max: 2 }],
  ['dd', { t: 'num', field: 'd', min: 2, max: 2 }],
  ['HH', { t: 'num', field: 'H', min: 2, max: 2 }],
  ['mm', { t: 'num', field: 'm', min: 2, max: 2 }],
  ['ss', { t: 'num', field: 's', min: 2, max: 2 }],
  ['M', { t: 'num', field: 'M', min: 1, max: 2 }],
  ['d', { t: 'num', field: 'd', min: 1, max: 2 }],
  ['H', { t: 'num', field: 'H', min: 1, max: 2 }],
];

/** Compiles a pattern; returns an error message naming the problem when it is not valid. */
export function compileDateFormat(pattern: string): DateParser | string {
  if (pattern === 'iso') return isoParser;
  const toks: Tok[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1, lit = '';
      for (;;) {
        if (j >= pattern.length) return `unclosed quote in date format '${pattern}'`;
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { lit += "'"; j += 2; continue; }
          break;
        }
        lit += pattern[j];
        j++;
      }
      toks.push({ t: 'lit', text: i + 1 === j ? "'" : lit });
      i = j + 1;
      continue;
    }
    const tok = TOKENS.find(([name]) => pattern.startsWith(name, i));
    if (tok !== undefined) { toks.push(tok[1]); i += tok[0].length; continue; }
    if (/[A-Za-z]/.test(c)) return `unknown letter '${c}' at position ${i + 1} of date format '${pattern}' (tokens: yyyy MM M dd d HH H mm ss SSS XXX, literal text in single quotes)`;
    toks.push({ t: 'lit', text: c });
    i++;
  }
  const fields = new Set(toks.flatMap((t) => (t.t === 'num' ? [t.field] : [])));
  for (const f of ['y', 'M', 'd'] as const) if (!fields.has(f)) return `date format '${pattern}' has no ${f === 'y' ? 'year (yyyy)' : f === 'M' ? 'month (MM)' : 'day (dd)'}`;
  if (fields.has('m') && !fields.has('H')) return `date format '${pattern}' has minutes without hours`;
  return patternParser(pattern, toks, fields.has('H'));
}

/** Compiles a time-of-day pattern (`HH:mm`, `HH:mm:ss`, `HHmm`). */
export function compileTimeFormat(pattern: string): DateParser | string {
  if (pattern === 'iso') return compileTimeFormat('HH:mm:ss') as DateParser;
  const full = compileDateFormat(`yyyy-MM-dd'T'${pattern}`);
  if (typeof full === 'string') return full.replace(`yyyy-MM-dd'T'`, '');
  if (!full.hasTime) return `time format '${pattern}' has no hours (HH)`;
  return full;
}

function daysIn(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

function patternParser(pattern: string, toks: Tok[], hasTime: boolean): DateParser {
  const scan = (v: string): { y: number; M: number; d: number; H: number; m: number; s: number; S: number; off: number | undefined } | undefined => {
    const r = { y: 0, M: 0, d: 0, H: 0, m: 0, s: 0, S: 0, off: undefined as number | undefined };
    let i = 0;
    for (const tok of toks) {
      if (tok.t === 'lit') {
        if (!v.startsWith(tok.text, i)) return undefined;
        i += tok.text.length;
      } else if (tok.t === 'num') {
        let n = 0, k = 0;
        while (k < tok.max && i < v.length) {
          const c = v.charCodeAt(i) - 48;
          if (c < 0 || c > 9) break;
          n = n * 10 + c; i++; k++;
        }
        if (k < tok.min) return undefined;
        r[tok.field] = n;
      } else {
        const o = scanOffset(v, i);
        if (o === undefined) return undefined;
        r.off = o.ms; i = o.end;
      }
    }
    return i === v.length ? r : undefined;
  };
  return {
    pattern,
    hasTime,
    parse(value) {
      const r = scan(value.trim());
      if (r === undefined || !validParts(r.y, r.M, r.d, r.H, r.m, r.s)) return undefined;
      return { local: Date.UTC(r.y, r.M - 1, r.d, r.H, r.m, r.s, r.S), offset: r.off, hasTime };
    },
    parseTimeOfDay(value) {
      const r = scan(`2000-01-01T${value.trim()}`);
      if (r === undefined || r.H > 23 || r.m > 59 || r.s > 59) return undefined;
      return ((r.H * 60 + r.m) * 60 + r.s) * 1000 + r.S;
    },
  };
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

const isoDate = compileDateFormat('yyyy-MM-dd') as DateParser;

/**
 * For the `iso` format: the UTC epoch ms of a value already in the canonical form `toISOString`
 * writes (`2024-03-01T10:15:00.000Z`, years 1000-9999), which `isoUtcString` of those ms writes
 * back unchanged; NaN for any other value. Where it answers, `toUtcMs(parse(value))` is the same
 * (test/ingest/date-format-iso.test.ts); the parser's year starts at 1000, the engine's at 0100.
 */
export function canonicalUtcMs(value: string): number {
  return value.charCodeAt(0) === 48 ? Number.NaN : canonicalIsoMs(value);
}

/** The digit at `i` of `v` (0-9), or -1 (any other character, or past the end). */
function digitAt(v: string, i: number): number {
  const c = v.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The two-digit number at `i` of `v`, or -1. */
function twoDigitsAt(v: string, i: number): number {
  const a = digitAt(v, i), b = digitAt(v, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

const isoParser: DateParser = {
  pattern: 'iso',
  hasTime: true,
  // A scanner, not regular expressions: the live path parses two times per record. It accepts what
  // `yyyy-MM-dd[T ]HH:mm[:ss[.f{1,9}]]` followed by an optional offset (Z, +05, +0500, +05:00)
  // matched with the regular expressions it replaced, and reads the same values
  // (test/ingest/date-format-iso.test.ts compares both on random and near-miss strings).
  parse(value) {
    const v = value.trim();
    if (v.length === 10) return isoDate.parse(v);
    const sep = v[10];
    if (sep !== 'T' && sep !== ' ' && sep !== 't') return undefined;
    // the offset starts at the first Z, z, + or - after the separator and runs to the end
    let end = v.length;
    let off: number | undefined;
    for (let i = 11; i < v.length; i++) {
      const c = v.charCodeAt(i);
      // a final Z (as the live feed writes it): what scanOffset would say, without its object
      if ((c === 90 || c === 122) && i === v.length - 1) { off = 0; end = i; break; }
      if (c === 90 || c === 122 || c === 43 || c === 45) {
        const o = scanOffset(v, i);
        if (o === undefined || o.end !== v.length) return undefined;
        off = o.ms;
        end = i;
        break;
      }
    }
    // date: four digits, '-', two, '-', two
    const y = twoDigitsAt(v, 0), y2 = twoDigitsAt(v, 2), mo = twoDigitsAt(v, 5), d = twoDigitsAt(v, 8);
    if (y < 0 || y2 < 0 || mo < 0 || d < 0 || v[4] !== '-' || v[7] !== '-') return undefined;
    // time: HH:mm, then optionally :ss, then optionally . and 1 to 9 digits, up to the offset
    const len = end - 11;
    const h = twoDigitsAt(v, 11), mi = twoDigitsAt(v, 14);
    if (len < 5 || h < 0 || mi < 0 || v[13] !== ':') return undefined;
    let s = 0, ms = 0;
    if (len > 5) {
      s = twoDigitsAt(v, 17);
      if (len < 8 || v[16] !== ':' || s < 0) return undefined;
      if (len > 8) {
        if (len < 10 || len > 18 || v[19] !== '.') return undefined;
        for (let i = 20; i < end; i++) if (digitAt(v, i) < 0) return undefined;
        // 1 to 3 digits: the same as the expression below (checked for all 1,110 of them), without its strings
        const k = end - 20;
        ms = k === 3 ? digitAt(v, 20) * 100 + digitAt(v, 21) * 10 + digitAt(v, 22)
          : k === 2 ? digitAt(v, 20) * 100 + digitAt(v, 21) * 10
            : k === 1 ? digitAt(v, 20) * 100
              : Math.floor(Number(`0.${v.slice(20, end)}`) * 1000);
      }
    }
    const year = y * 100 + y2;
    if (!validParts(year, mo, d, h, mi, s)) return undefined;
    return { local: Date.UTC(year, mo - 1, d, h, mi, s, ms), offset: off, hasTime: true };
  },
  parseTimeOfDay(value) {
    const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
    if (m === null) return undefined;
    const h = Number(m[1]), mi = Number(m[2]), s = Number(m[3] ?? 0);
    return h > 23 || mi > 59 || s > 59 ? undefined : ((h * 60 + mi) * 60 + s) * 1000;
  },
};
