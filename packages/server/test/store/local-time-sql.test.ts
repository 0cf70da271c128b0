/**
 * localTimeSql against DuckDB's own ICU conversion (the reference): every 7 h 13 min from 1965 to
 * 2050 (so before, inside and after the scanned years) in three zones, one without daylight saving
 * today but with it in 2002 and 2008-09 (Asia/Karachi) and two with it every year.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTimeSql, offsetPeriods } from '../../src/store/duckdb/local-time-sql.js';

describe('localTimeSql', () => {
  it('finds the Asia/Karachi offset changes (UTC+6 in summer 2002, 2008 and 2009)', () => {
    const changes = offsetPeriods('Asia/Karachi').slice(1).map(([t, m]) => [new Date(t).toISOString(), m]);
    expect(changes).toEqual([
      ['2002-04-06T19:00:00.000Z', 360], ['2002-10-05T18:00:00.000Z', 300],
      ['2008-05-31T19:00:00.000Z', 360], ['2008-10-31T18:00:00.000Z', 300],
      ['2009-04-14T19:00:00.000Z', 360], ['2009-10-31T18:00:00.000Z', 300],
    ]);
  });

  it.each(['Asia/Karachi', 'Europe/London', 'America/New_York'])('equals ICU to the minute in %s', async (zone) => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    await c.run(`CREATE TABLE t AS SELECT TIMESTAMP '1965-01-01' + to_minutes(k * 433) AS ts FROM range(0, 104000) r(k)`);
    const rows = await c.runAndReadAll(`SELECT count(*)::INTEGER, min(ts)::VARCHAR, max(ts)::VARCHAR,
      count(*) FILTER (WHERE strftime(timezone('${zone}', ts::TIMESTAMPTZ), '%Y-%m-%d %H:%M') <> strftime(${localTimeSql('ts', zone)}, '%Y-%m-%d %H:%M'))::INTEGER FROM t`);
    const [n, lo, hi, differ] = rows.getRows()[0]! as [number, string, string, number];
    expect(n).toBe(104000);
    expect(lo < '1970').toBe(true);
    expect(hi > '2045').toBe(true);
    expect(differ).toBe(0);
    c.closeSync();
    db.closeSync();
  });

  it('refuses a zone name that is not an identifier', () => {
    expect(() => localTimeSql('ts', "UTC'; DROP TABLE x; --")).toThrow(/IANA/);
  });
});
