/**
 * Islamic (Hijri) calendar dates of local days: Umm al-Qura where the JavaScript engine has it
 * (`Intl.DateTimeFormat` with `-u-ca-islamic-umalqura`, present in browsers and in Node built with
 * full ICU, as Node 20 is by default), else the tabular (arithmetic, civil epoch) calendar.
 *
 * Why: violence and crime in Pakistan follow the Hijri year (Muharram processions and Ashura,
 * Ramadan, the Eids), which drifts about 11 days a year through the Gregorian one, so a Gregorian
 * month profile smears them out.
 *
 * Caveat on what the dates mean: Umm al-Qura is Saudi Arabia's computed calendar. Pakistan fixes
 * its months by moon sighting (Central Ruet-e-Hilal Committee), which often starts a month a day
 * later (Ramadan 1445 began on 12 March 2024 in Pakistan, 11 March by Umm al-Qura). `dayShift`
 * moves the calendar by whole days (1 = Pakistan a day later) when an analysis needs local
 * observance; the tabular calendar can differ from both by one or two days.
 *
 * Complexity: O(1) per day (Intl call, cached per day). References: ICU4C `IslamicCalendar`
 * (UMALQURA tables 1300-1600 AH); tabular algorithm as in Reingold and Dershowitz, Calendrical
 * Calculations, and python `convertdate.islamic` (checked against it in test/analysis).
 */
import { BaseeratError } from '../domain/errors.js';

export interface HijriDate {
  year: number;
  /** 1 = Muharram ... 9 = Ramadan ... 12 = Dhu al-Hijjah. */
  month: number;
  day: number;
}

export type HijriMethod = 'umalqura' | 'tabular';

export const HIJRI_MONTHS = [
  'Muharram', 'Safar', "Rabi' al-awwal", "Rabi' al-thani", 'Jumada al-ula', 'Jumada al-akhirah',
  'Rajab', "Sha'ban", 'Ramadan', 'Shawwal', "Dhu al-Qa'dah", 'Dhu al-Hijjah',
] as const;

const DAY_MS = 86400000;
/** Julian day number at 00:00 UTC on 1970-01-01. */
const UNIX_EPOCH_JD = 2440587.5;
/** Julian day of 1 Muharram 1 AH in the civil (Friday) epoch. */
const ISLAMIC_EPOCH_JD = 1948439.5;

function tabularToJd(year: number, month: number, day: number): number {
  return day + Math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + Math.floor((3 + 11 * year) / 30) + ISLAMIC_EPOCH_JD - 1;
}

/** Tabular Islamic date of a day number (days since 1970-01-01 of the calendar day in question). */
export function tabularHijri(day: number): HijriDate {
  if (!Number.isInteger(day)) throw new BaseeratError('VALIDATION', `day must be an integer day number, got ${day}`, { field: 'day' });
  const jd = day + UNIX_EPOCH_JD;
  const year = Math.floor((30 * (jd - ISLAMIC_EPOCH_JD) + 10646) / 10631);
  const month = Math.min(12, Math.ceil((jd - (29 + tabularToJd(year, 1, 1))) / 29.5) + 1);
  const d = Math.floor(jd - tabularToJd(year, month, 1)) + 1;
  return { year, month, day: d };
}

let umalqura: Intl.DateTimeFormat | null | undefined;

/** The Umm al-Qura formatter, or null when this engine lacks the calendar (checked on a known date). */
function umalquraFormatter(): Intl.DateTimeFormat | null {
  if (umalqura !== undefined) return umalqura;
  try {
    const f = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    const probe = parseParts(f, Date.UTC(2024, 2, 11, 12)); // 1 Ramadan 1445 by Umm al-Qura
    umalqura = f.resolvedOptions().calendar === 'islamic-umalqura' && probe?.year === 1445 && probe.month === 9 && probe.day === 1 ? f : null;
  } catch {
    umalqura = null;
  }
  return umalqura;
}

function parseParts(f: Intl.DateTimeFormat, ms: number): HijriDate | undefined {
  let year = NaN, month = NaN, day = NaN;
  for (const p of f.formatToParts(new Date(ms))) {
    if (p.type === 'year') year = Number(p.value);
    else if (p.type === 'month') month = Number(p.value);
    else if (p.type === 'day') day = Number(p.value);
  }
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) ? { year, month, day } : undefined;
}

/** The method `hijriCalendar` will use on this engine by default. */
export function availableHijriMethod(): HijriMethod {
  return umalquraFormatter() === null ? 'tabular' : 'umalqura';
}

export interface HijriCalendar {
  method: HijriMethod;
  dayShift: number;
  /** Hijri date of a day number (local calendar day, days since 1970-01-01). */
  fromDay(day: number): HijriDate;
}

/**
 * A Hijri calendar with a per-day cache. `method` defaults to Umm al-Qura when available;
 * asking for 'umalqura' on an engine without it throws (CONFIG) rather than silently differing.
 */
export function hijriCalendar(options: { method?: HijriMethod; dayShift?: number } = {}): HijriCalendar {
  const shift = options.dayShift ?? 0;
  if (!Number.isInteger(shift) || Math.abs(shift) > 3) throw new BaseeratError('VALIDATION', `dayShift must be an integer in -3..3, got ${shift}`, { field: 'dayShift' });
  const method = options.method ?? availableHijriMethod();
  const f = method === 'umalqura' ? umalquraFormatter() : null;
  if (method === 'umalqura' && f === null) throw new BaseeratError('CONFIG', 'the Umm al-Qura calendar is not available in this JavaScript engine (no full ICU): use method "tabular"', { field: 'method' });
  const cache = new Map<number, HijriDate>();
  return {
    method,
    dayShift: shift,
    fromDay(day: number): HijriDate {
      const hit = cache.get(day);
      if (hit !== undefined) return hit;
      const d = day - shift;
      const h = f === null ? tabularHijri(d) : parseParts(f, d * DAY_MS + DAY_MS / 2);
      if (h === undefined) throw new BaseeratError('VALIDATION', `no Hijri date for day ${day}`, { field: 'day' });
      cache.set(day, h);
      return h;
    },
  };
}
