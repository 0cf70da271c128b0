/**
 * Local wall-clock time of a UTC TIMESTAMP column as plain SQL arithmetic: `col + CASE ... END`
 * with one branch per period of a constant UTC offset of the zone, found once from the platform's
 * time-zone data (Intl, the same IANA data ICU uses). DuckDB's `timezone(zone, col::TIMESTAMPTZ)`
 * asks ICU for every row: over 1,000,000 incidents the monthly breakdown of `stats()` spent 2.5 s
 * there and 0.26 s with this expression (bench/api, docs/benchmarks.md). Outside the scanned years
 * the expression falls back to ICU, so it is exact everywhere; the test checks it against ICU.
 *
 * Complexity: O(days in the scanned range) Intl calls once per zone (cached), then one CASE per row.
 */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2045;
const DAY_MS = 86_400_000;
const cache = new Map<string, string>();

function offsetMinutesAt(format: Intl.DateTimeFormat, t: number): number {
  const name = format.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?/.exec(name);
  if (m === null || m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** [start ms, offset minutes] of every constant-offset period from FIRST_YEAR to LAST_YEAR. */
export function offsetPeriods(zone: string): [number, number][] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const start = Date.UTC(FIRST_YEAR, 0, 1);
  const end = Date.UTC(LAST_YEAR, 0, 1);
  const periods: [number, number][] = [[start, offsetMinutesAt(format, start)]];
  let prev = periods[0]![1];
  for (let day = start + DAY_MS; day <= end; day += DAY_MS) {
    const o = offsetMinutesAt(format, day);
    if (o === prev) continue;
    // The change lies in (day - 1 day, day]: find its minute by bisection.
    let lo = day - DAY_MS;
    let hi = day;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutesAt(format, mid) === prev) lo = mid; else hi = mid;
    }
    periods.push([hi, o]);
    prev = o;
  }
  return periods;
}

const ts = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;

/**
 * SQL for the local time in `zone` of the UTC TIMESTAMP expression `col` (a column name, never user
 * input; `zone` must be an IANA name, checked by Intl before it reaches the SQL).
 */
export function localTimeSql(col: string, zone: string): string {
  const key = `${zone}\u0000${col}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw new Error(`not an IANA time zone name: ${JSON.stringify(zone)}`);
  const periods = offsetPeriods(zone);
  const end = Date.UTC(LAST_YEAR, 0, 1);
  const branches = periods.map(([from, minutes], i) => {
    const to = periods[i + 1]?.[0] ?? end;
    return `WHEN ${col} >= ${ts(from)} AND ${col} < ${ts(to)} THEN ${col} + to_minutes(${minutes})`;
  });
  const sql = `(CASE ${branches.join(' ')} ELSE timezone('${zone}', ${col}::TIMESTAMPTZ)::TIMESTAMP END)`;
  cache.set(key, sql);
  return sql;
}
