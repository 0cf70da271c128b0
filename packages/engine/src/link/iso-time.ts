/**
 * ISO-8601 UTC times as the live path reads and writes them (`2024-03-01T10:00:00.000Z`), without
 * V8's date parser and `Date` objects: `Date.parse` of such a string goes through the runtime's
 * general date grammar (seen in perf on the live path, several calls per event), and
 * `new Date(ms).toISOString()` makes a Date per call. Both functions here answer exactly what the
 * built-ins answer — for the shapes they handle by arithmetic (the proleptic Gregorian calendar,
 * H. Hinnant's days-from-civil), for anything else by calling the built-in — so callers may use
 * them wherever they used the built-ins (test/link/iso-time.test.ts compares them on random and
 * near-miss values).
 */

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here on toISOString writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;

/** The two-digit number at `i` of `s`, or -1 (a non-digit, or past the end). */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days from 1970-01-01 to the given date of the proleptic Gregorian calendar (y >= 0, month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The epoch milliseconds of `yyyy-MM-ddTHH:mm:ss.sssZ` or `yyyy-MM-ddTHH:mm:ssZ` naming a real date
 * and time of a year 0100-9999 (fields in range: no 30 February, no 24:00); NaN for any other string.
 */
function strictIsoMs(iso: string): number {
  const n = iso.length;
  if ((n === 24 || n === 20) && iso.charCodeAt(n - 1) === 90 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45
    && iso.charCodeAt(10) === 84 && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58) {
    const y1 = twoDigits(iso, 0), y2 = twoDigits(iso, 2), mo = twoDigits(iso, 5), d = twoDigits(iso, 8);
    const h = twoDigits(iso, 11), mi = twoDigits(iso, 14), s = twoDigits(iso, 17);
    let ms = 0;
    if (n === 24) {
      const a = twoDigits(iso, 20), c = iso.charCodeAt(22) - 48;
      ms = iso.charCodeAt(19) === 46 && a >= 0 && c >= 0 && c <= 9 ? a * 10 + c : -1;
    }
    const y = y1 * 100 + y2;
    if (y1 >= 1 && y2 >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59 && ms >= 0
      && (d <= MONTH_DAYS[mo - 1]! || (mo === 2 && d === 29 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) {
      return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
    }
  }
  return NaN;
}

/**
 * `Date.parse(iso)`. `yyyy-MM-ddTHH:mm:ss.sssZ` and `yyyy-MM-ddTHH:mm:ssZ` naming a real date and
 * time of a year 0100-9999 are computed here; any other string goes to `Date.parse`.
 */
export function isoUtcMs(iso: string): number {
  const ms = strictIsoMs(iso);
  return Number.isNaN(ms) ? Date.parse(iso) : ms;
}

/**
 * The epoch milliseconds of `iso` when it is already canonical, `YYYY-MM-DDTHH:MM:SS.sssZ` with
 * fields in range, exactly what `toISOString` writes (years 0100-9999); NaN for any other string.
 * V8's parser accepts out-of-range fields (`2024-02-30` is 1 March, `24:00` the next day): those are
 * not canonical. A caller that keeps a canonical string as it is uses this.
 */
export function canonicalIsoMs(iso: string): number {
  return iso.length === 24 ? strictIsoMs(iso) : NaN;
}

/** Digits for two-digit fields, as character codes. */
const d0 = (n: number) => 48 + Math.floor(n / 10);
const d1 = (n: number) => 48 + (n % 10);

/**
 * `new Date(ms).toISOString()`: integer times of the years 0000-9999 are formatted here, anything
 * else by the built-in (which throws a RangeError for NaN, as before).
 */
export function isoUtcString(ms: number): string {
  if (!(Number.isInteger(ms) && ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  // civil from days (H. Hinnant)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const milli = rest % 1000; rest = (rest - milli) / 1000;
  const s = rest % 60; rest = (rest - s) / 60;
  const mi = rest % 60;
  const h = (rest - mi) / 60;
  const yh = Math.floor(y / 100), yl = y % 100;
  return String.fromCharCode(
    d0(yh), d1(yh), d0(yl), d1(yl), 45, d0(m), d1(m), 45, d0(d), d1(d), 84,
    d0(h), d1(h), 58, d0(mi), d1(mi), 58, d0(s), d1(s), 46,
    48 + Math.floor(milli / 100), 48 + (Math.floor(milli / 10) % 10), 48 + (milli % 10), 90,
  );
}
