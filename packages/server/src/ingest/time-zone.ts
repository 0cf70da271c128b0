/**
 * Local wall-clock time in an IANA zone -> UTC epoch ms, with `Intl.DateTimeFormat` (so any zone
 * works, DST included). Offsets are cached per zone and hour, because `formatToParts` costs
 * microseconds and feeds arrive in time order: a file of a million rows asks Intl a few thousand
 * times (twice per UTC day it touches, per hour only on days with a transition).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

const HOUR = 3_600_000;

const DAY = 24 * HOUR;

export class ZoneOffsets {
  private readonly cache = new Map<number, number>();
  /** Offset per UTC day, or NaN for a day whose offset changes (a transition): then per hour. */
  private readonly days = new Map<number, number>();
  constructor(readonly zone: string) {
    formatter(zone); // fail early on an unknown zone
  }

  /** Offset of the zone from UTC at instant `utcMs`, in ms (Asia/Karachi: +5 h). */
  offsetAt(utcMs: number): number {
    // A file spread over years touches a new hour almost every row; its days are far fewer. A day
    // whose first and last hour share the offset has it all day (zones change offset at most once a
    // day), so one day costs two Intl calls instead of up to 24.
    const day = Math.floor(utcMs / DAY);
    let off = this.days.get(day);
    if (off === undefined) {
      const first = this.hourOffset(day * 24), last = this.hourOffset(day * 24 + 23);
      off = first === last ? first : Number.NaN;
      if (this.days.size > 200_000) this.days.clear();
      this.days.set(day, off);
    }
    return Number.isNaN(off) ? this.hourOffset(Math.floor(utcMs / HOUR)) : off;
  }

  /** Offset at the start of UTC hour `key` (hours since the epoch). */
  private hourOffset(key: number): number {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of formatter(this.zone).formatToParts(new Date(key * HOUR))) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        default: break;
      }
    }
    const off = Date.UTC(y, mo - 1, d, h, mi, s) - key * HOUR;
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(key, off);
    return off;
  }

  /**
   * UTC instant of a local wall time given as if it were UTC (`Date.UTC(...)` of the local
   * fields). In a DST gap the earlier offset is used; in an overlap, the first occurrence.
   */
  toUtc(localAsUtcMs: number): number {
    const o1 = this.offsetAt(localAsUtcMs - this.offsetAt(localAsUtcMs));
    const t = localAsUtcMs - o1;
    const o2 = this.offsetAt(t);
    return o2 === o1 ? t : localAsUtcMs - Math.max(o1, o2);
  }
}
