/**
 * Report periods: a calendar month (`2024-06`) or an ISO week (`2024-W23`) in Pakistan time, as the
 * window [from, to) in epoch milliseconds, with the period before it and the next one (the
 * forecast's target). Weekly briefs take weeks, monthly assessments take months.
 */
import { BaseeratError, DAY_MS, localDate, localDay, localDayStart, oneYearEarlier, periodKeyOfDay } from '@baseerat/engine';

export type ReportPeriodKind = 'month' | 'week';

export interface ReportPeriod {
  kind: ReportPeriodKind;
  /** `YYYY-MM` or `YYYY-Www`. */
  label: string;
  from: number;
  to: number;
  previousFrom: number;
  previousLabel: string;
  /** The same period a year earlier as the trend test takes it: the month, or the week's dates. */
  lastYearLabel: string;
  /** The period after this one (what the outlook forecasts). */
  nextLabel: string;
  nextFrom: number;
  nextTo: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;

function monthStart(year: number, month0: number): number {
  return localDayStart(Math.floor(Date.UTC(year, month0, 1) / DAY_MS));
}

/** Monday (local day number) of ISO week `week` of ISO year `year`. */
function isoWeekMonday(year: number, week: number): number {
  const jan4 = Math.floor(Date.UTC(year, 0, 4) / DAY_MS);
  const weekday = (new Date(jan4 * DAY_MS).getUTCDay() + 6) % 7;
  return jan4 - weekday + (week - 1) * 7;
}

export function parseReportPeriod(text: string, kind: ReportPeriodKind): ReportPeriod {
  const s = text.trim().toUpperCase();
  if (kind === 'month') {
    const m = MONTH.exec(s);
    if (m === null) throw new BaseeratError('VALIDATION', `period ${JSON.stringify(text)} is not a month YYYY-MM (a monthly report)`, { field: 'period' });
    const year = Number(m[1]), month0 = Number(m[2]) - 1;
    if (month0 < 0 || month0 > 11 || year < 1970) throw new BaseeratError('VALIDATION', `period ${JSON.stringify(text)} is not a calendar month`, { field: 'period' });
    const label = (y: number, m0: number) => { const d = new Date(Date.UTC(y, m0, 1)); return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`; };
    return {
      kind, label: label(year, month0), from: monthStart(year, month0), to: monthStart(year, month0 + 1),
      previousFrom: monthStart(year, month0 - 1), previousLabel: label(year, month0 - 1), lastYearLabel: label(year - 1, month0),
      nextLabel: label(year, month0 + 1), nextFrom: monthStart(year, month0 + 1), nextTo: monthStart(year, month0 + 2),
    };
  }
  const w = WEEK.exec(s);
  if (w === null) throw new BaseeratError('VALIDATION', `period ${JSON.stringify(text)} is not an ISO week YYYY-Www (a weekly report)`, { field: 'period' });
  const year = Number(w[1]), week = Number(w[2]);
  const monday = isoWeekMonday(year, week);
  if (week < 1 || week > 53 || periodKeyOfDay(monday, 'week') !== `${year}-W${String(week).padStart(2, '0')}`) {
    throw new BaseeratError('VALIDATION', `period ${JSON.stringify(text)}: ${year} has no ISO week ${week}`, { field: 'period' });
  }
  return {
    kind, label: periodKeyOfDay(monday, 'week'), from: localDayStart(monday), to: localDayStart(monday + 7),
    previousFrom: localDayStart(monday - 7), previousLabel: periodKeyOfDay(monday - 7, 'week'),
    lastYearLabel: `${localIsoDate(oneYearEarlier(localDayStart(monday)))} – ${localIsoDate(oneYearEarlier(localDayStart(monday + 7)) - 1)}`,
    nextLabel: periodKeyOfDay(monday + 7, 'week'), nextFrom: localDayStart(monday + 7), nextTo: localDayStart(monday + 14),
  };
}

/** The last complete period before `now` (what a schedule firing at `now` reports on). */
export function lastCompletePeriod(now: Date, kind: ReportPeriodKind): ReportPeriod {
  const day = localDay(now.getTime());
  if (kind === 'month') {
    const d = localDate(day);
    const prev = new Date(Date.UTC(d.year, d.month - 2, 1));
    return parseReportPeriod(`${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, '0')}`, 'month');
  }
  const monday = day - localDate(day).weekday;
  return parseReportPeriod(periodKeyOfDay(monday - 7, 'week'), 'week');
}

/** Local (Pakistan) date `YYYY-MM-DD` of an instant. */
export function localIsoDate(ms: number): string {
  const d = localDate(localDay(ms));
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}
