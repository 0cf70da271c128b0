import { describe, expect, it } from 'vitest';
import { provinceTotalInterval } from '../../src/report/build-report.js';
import { fact, fill, formatValue } from '../../src/report/format.js';
import { lastCompletePeriod, parseReportPeriod } from '../../src/report/period.js';
import { parseReportSchedules, startReportSchedules } from '../../src/report/schedule.js';
import { parseFormats } from '../../src/report/report-service.js';

describe('report periods (Pakistan time)', () => {
  it('a month is [1st 00:00 PKT, next 1st) with the month before and after', () => {
    const p = parseReportPeriod('2024-03', 'month');
    expect(new Date(p.from).toISOString()).toBe('2024-02-29T19:00:00.000Z');
    expect(new Date(p.to).toISOString()).toBe('2024-03-31T19:00:00.000Z');
    expect([p.previousLabel, p.nextLabel, p.lastYearLabel]).toEqual(['2024-02', '2024-04', '2023-03']);
    expect(parseReportPeriod('2024-01', 'month').previousLabel).toBe('2023-12');
  });

  it('an ISO week starts on Monday; 2020-W53 exists, 2021-W53 does not', () => {
    const w = parseReportPeriod('2024-W01', 'week');
    expect(new Date(w.from).toISOString()).toBe('2023-12-31T19:00:00.000Z'); // Monday 1 January 2024, PKT
    expect(w.to - w.from).toBe(7 * 86_400_000);
    expect([w.previousLabel, w.nextLabel]).toEqual(['2023-W52', '2024-W02']);
    expect(parseReportPeriod('2020-W53', 'week').label).toBe('2020-W53');
    expect(() => parseReportPeriod('2021-W53', 'week')).toThrow(/no ISO week 53/);
  });

  it('refuses the wrong shape for the template, naming the field', () => {
    for (const [text, kind] of [['2024-13', 'month'], ['2024-W05', 'month'], ['2024-05', 'week'], ['x', 'week']] as const) {
      expect(() => parseReportPeriod(text, kind)).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'period' }));
    }
  });

  it('the last complete period of a schedule firing', () => {
    expect(lastCompletePeriod(new Date('2024-04-01T02:00:00.000Z'), 'month').label).toBe('2024-03'); // 07:00 PKT on 1 April
    expect(lastCompletePeriod(new Date('2024-03-31T18:00:00.000Z'), 'month').label).toBe('2024-02'); // 23:00 PKT on 31 March
    expect(lastCompletePeriod(new Date('2024-01-08T03:00:00.000Z'), 'week').label).toBe('2024-W01');
  });
});

describe('formatting and templates', () => {
  it('one formatter for text and tables', () => {
    expect(formatValue(1234, 'int')).toBe('1,234');
    expect(formatValue(0.0004, 'p')).toBe('< 0.001');
    expect(formatValue(63.6, 'percent')).toBe('+64%');
    expect(formatValue(86.2, 'share')).toBe('86%');
    expect(formatValue(null, 'ratio')).toBe('–');
    expect(fill('p = {p}', [fact('p', 0.0001, 'p')])).toBe('p < 0.001');
    expect(() => fill('{missing}', [])).toThrow(/no fact/);
  });

  it('formats are checked', () => {
    expect(parseFormats('pdf, HTML,pdf')).toEqual(['pdf', 'html']);
    expect(() => parseFormats('docx')).toThrow(expect.objectContaining({ field: 'format' }));
  });
});

describe('province total of district forecasts', () => {
  const poisson = (lambda: number, k: number): number[] => { const out = [Math.exp(-lambda)]; for (let i = 1; i <= k; i++) out.push(out[i - 1]! * lambda / i); return out; };
  it('two Poisson districts convolve to Poisson(sum): quantiles as R qpois(c(0.05, 0.95), 7) = 3, 12', () => {
    const r = provinceTotalInterval([poisson(3, 60), poisson(4, 60)]);
    expect(r).toEqual({ lower: 3, upper: 12 });
  });
});

describe('report schedules', () => {
  it('parses, refuses unknown keys, bad cron and duplicate names', () => {
    const s = parseReportSchedules([{ name: 'weekly-brief', cron: '0 7 * * 1', template: 'weekly' }, { name: 'quetta', cron: '0 8 1 * *', template: 'monthly', district: 'Quetta', lang: 'ur', formats: ['pdf'] }]);
    expect(s.map((x) => x.name)).toEqual(['weekly-brief', 'quetta']);
    expect(() => parseReportSchedules([{ name: 'a', cron: '0 7 * * 1', template: 'weekly', colour: 'red' }])).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => parseReportSchedules([{ name: 'a', cron: '99 99 * * *', template: 'weekly' }])).toThrow(/not a cron pattern/);
    expect(() => parseReportSchedules([{ name: 'a', cron: '0 7 * * 1', template: 'weekly' }, { name: 'a', cron: '0 7 * * 2', template: 'weekly' }])).toThrow(/twice/);
  });

  it('starts one job per schedule with its next run, and stops', () => {
    const running = startReportSchedules(parseReportSchedules([{ name: 'weekly-brief', cron: '0 7 * * 1', template: 'weekly' }]), async () => {}, () => {});
    const next = running.next()['weekly-brief'];
    expect(next).toMatch(/T02:00:00\.000Z$/); // 07:00 Pakistan time
    expect(new Date(next!).getUTCDay()).toBe(1);
    running.stop();
  });
});
