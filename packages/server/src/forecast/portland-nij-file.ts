/**
 * Reads a shipped NIJ Portland calls-for-service file straight into columns (no store): x, y in
 * Oregon North international feet, t in days since 1970-01-01 UTC. The file gives only the date,
 * so each call is placed at the middle of its day (t = day + 0.5): strictly inside the day, so a
 * window starting at midnight never splits a day's calls.
 * Rows that fail to parse are counted, never thrown.
 */
import { readFileSync } from 'node:fs';
import type { SpaceTimeEvents } from '@baseerat/engine/forecast/index';

export interface NijFile extends SpaceTimeEvents {
  readonly rows: number;
  readonly rejected: number;
  readonly firstDate: string;
  readonly lastDate: string;
}

export function dayNumber(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (m === null) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

export function isoDate(day: number): string {
  return new Date(Math.floor(day) * 86_400_000).toISOString().slice(0, 10);
}

export function readNijFile(path: string): NijFile {
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((s) => s.trim());
  const iDate = header.indexOf('occ_date'), iX = header.indexOf('x_coordina'), iY = header.indexOf('y_coordina');
  const xs: number[] = [], ys: number[] = [], ts: number[] = [];
  let rows = 0, rejected = 0, first = Infinity, last = -Infinity;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    rows++;
    const f = line.split(',');
    const d = dayNumber((f[iDate] ?? '').trim());
    const x = Number(f[iX]), y = Number(f[iY]);
    if (iDate < 0 || iX < 0 || iY < 0 || !Number.isFinite(d) || !Number.isFinite(x) || !Number.isFinite(y) || (f[iX] ?? '').trim() === '') { rejected++; continue; }
    xs.push(x); ys.push(y); ts.push(d + 0.5);
    first = Math.min(first, d); last = Math.max(last, d);
  }
  return {
    x: Float64Array.from(xs), y: Float64Array.from(ys), t: Float64Array.from(ts), rows, rejected,
    firstDate: Number.isFinite(first) ? isoDate(first) : '', lastDate: Number.isFinite(last) ? isoDate(last) : '',
  };
}
