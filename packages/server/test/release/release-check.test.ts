/**
 * The independent checker against adversarial files: each case is built so that a checker which
 * grouped raw strings, skipped blanks or trusted the writer would pass it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suppressSmallClasses } from '@baseerat/engine/privacy/index';
import { checkAggregateCsv, checkMicrodataCsv, h3ResolutionOf, readCsvText } from '../../src/release-check/index.js';
import { toCsv } from '../../src/release/release-files.js';

const QI = ['period', 'province', 'district', 'casualty_band'];
const opts = { quasiIdentifiers: QI, sensitive: 'category', k: 10, l: 2 };
const header = 'period,province,district,casualty_band,category';
const row = (district: string, category: string, period = '2020-03', band = '1-2') => `${period},Balochistan,${district},${band},${category}`;
const classOf = (district: string, n: number, categories = ['TI.BOMB', 'TI.ASSAULT']) => Array.from({ length: n }, (_, i) => row(district, categories[i % categories.length]!));
const file = (...rows: string[][]) => `${header}\n${rows.flat().join('\n')}\n`;

describe('checkMicrodataCsv: adversarial files', () => {
  it('passes a file whose classes all hold >= k rows and >= l categories', () => {
    const r = checkMicrodataCsv(file(classOf('Quetta', 10), classOf('Kech', 12)), opts);
    expect(r).toMatchObject({ ok: true, rows: 22, classes: 2, smallestClass: 10, fewestDistinct: 2 });
  });
  it('refuses one class of size k - 1 among large ones', () => {
    const r = checkMicrodataCsv(file(classOf('Quetta', 10), classOf('Kech', 9), classOf('Gwadar', 30)), opts);
    expect(r.ok).toBe(false);
    expect(r.smallestClass).toBe(9);
    expect(r.problems.join('\n')).toMatch(/Kech.*9 rows/);
  });
  it('refuses a class with l - 1 distinct sensitive values', () => {
    const r = checkMicrodataCsv(file(classOf('Quetta', 10), classOf('Kech', 15, ['TI.BOMB'])), opts);
    expect(r.ok).toBe(false);
    expect(r.fewestDistinct).toBe(1);
  });
  it('sees through case, spacing, no-break and zero-width variants of the sensitive value (a class that only looks diverse)', () => {
    const variants = ['TI.BOMB', 'ti.bomb', ' TI.BOMB ', 'TI.BOMB\u00A0', 'TI.\u200BBOMB', 'ＴＩ.ＢＯＭＢ'];
    const kech = Array.from({ length: 12 }, (_, i) => row('Kech', variants[i % variants.length]!));
    const r = checkMicrodataCsv(file(classOf('Quetta', 10), kech), opts);
    expect(r.ok).toBe(false);
    expect(r.fewestDistinct).toBe(1);
  });
  it('merges quasi-identifier variants into the class a reader sees: 5 "Kech" + 4 " KECH" is one class of 9, refused', () => {
    const kech = [...classOf('Kech', 5), ...classOf(' KECH', 4)];
    const r = checkMicrodataCsv(file(classOf('Quetta', 10), kech), opts);
    expect(r.ok).toBe(false);
    expect(r.classes).toBe(2);
    expect(r.smallestClass).toBe(9);
  });
  it('refuses rows with a missing quasi-identifier (blank, NA, null, "-") rather than grouping or skipping them', () => {
    for (const missing of ['', 'NA', 'null', '-', '   ']) {
      const r = checkMicrodataCsv(file(classOf('Quetta', 10), classOf(missing, 10)), opts);
      expect(r.ok, JSON.stringify(missing)).toBe(false);
      expect(r.problems.join('\n')).toMatch(/missing/);
    }
  });
  it('refuses forbidden columns, missing columns, times finer than a week and H3 cells finer than resolution 7', () => {
    const withNarrative = `${header},Narrative\n${classOf('Quetta', 10).map((x) => `${x},"text"`).join('\n')}\n`;
    expect(checkMicrodataCsv(withNarrative, opts).problems.join()).toMatch(/Narrative/);
    expect(checkMicrodataCsv(`period,province,casualty_band,category\n2020-01,B,0,x\n`, opts).problems.join()).toMatch(/district is not in the file/);
    const daily = file(Array.from({ length: 10 }, (_, i) => row('Quetta', i % 2 ? 'a' : 'b', '2020-03-05')));
    expect(checkMicrodataCsv(daily, opts).problems.join()).toMatch(/finer than an ISO week/);
    const h3 = (cell: string) => `period,province,h3,casualty_band,category\n${Array.from({ length: 10 }, (_, i) => `2020,B,${cell},0,${i % 2 ? 'a' : 'b'}`).join('\n')}\n`;
    const h3opts = { ...opts, quasiIdentifiers: ['period', 'province', 'h3', 'casualty_band'] };
    expect(checkMicrodataCsv(h3('872830828ffffff'), h3opts).ok).toBe(true);
    expect(checkMicrodataCsv(h3('89283082803ffff'), h3opts).problems.join()).toMatch(/resolution 7/);
  });
  it('refuses a file that ends inside a quote or has ragged rows', () => {
    expect(checkMicrodataCsv(`${header}\n"2020-03,B,Q,0,x\n`, opts).ok).toBe(false);
    expect(checkMicrodataCsv(`${header}\n2020-03,B,Q,0\n`, opts).ok).toBe(false);
  });
  it('reads H3 resolution from the index bits', () => {
    expect(h3ResolutionOf('872830828ffffff')).toBe(7);
    expect(h3ResolutionOf('85283473fffffff')).toBe(5);
    expect(h3ResolutionOf('hello')).toBeUndefined();
  });
  it('agrees with the generator: anything the engine keeps passes, and the checker finds the same classes (property)', () => {
    const rowArb = fc.record({
      period: fc.constantFrom('2020-01', '2020-02'), province: fc.constant('Balochistan'), district: fc.constantFrom('Quetta', 'Kech', 'Gwadar'),
      casualty_band: fc.constantFrom('0', '1-2', '3-9'), category: fc.constantFrom('TI.BOMB', 'TI.ASSAULT', 'TI.CLASH'),
    });
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 300 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 3 }), (rows, k, l) => {
      const s = suppressSmallClasses(rows, { quasiIdentifiers: QI, sensitive: 'category', k, l });
      const cols = ['period', 'province', 'district', 'casualty_band', 'category'];
      const kept = checkMicrodataCsv(toCsv(cols, s.kept), { ...opts, k, l });
      expect(kept.ok).toBe(true);
      expect(kept.classes).toBe(s.classesKept);
      const all = checkMicrodataCsv(toCsv(cols, rows), { ...opts, k, l });
      expect(all.ok).toBe(s.suppressed === 0);
    }), { seed: 1127, numRuns: 150 });
  });
});

describe('readCsvText', () => {
  it('quoted fields with commas, doubled quotes, CRLF and embedded newlines', () => {
    const t = readCsvText('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"multi\nline",2\r\n');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['x, y', 'say "hi"'], ['multi\nline', '2']]);
    expect(t.problems).toEqual([]);
  });
});

describe('checkAggregateCsv', () => {
  const h = 'level,province,district,period,category,count,noisy_count';
  const good = [h,
    'total,,,2020-01,terrorism,7,7', 'province,A,,2020-01,terrorism,7,7', 'district,A,a1,2020-01,terrorism,3,3', 'district,A,a2,2020-01,terrorism,4,4',
    'total,,,2020-02,terrorism,0,0', 'province,A,,2020-02,terrorism,0,0', 'district,A,a1,2020-02,terrorism,0,0', 'district,A,a2,2020-02,terrorism,0,0',
  ];
  it('passes a consistent full file', () => {
    expect(checkAggregateCsv(good.join('\n'))).toMatchObject({ ok: true, cells: { places: 4, periods: 2, categories: 1 } });
  });
  it('refuses a province that is not the sum of its districts', () => {
    const bad = good.map((x) => x.replace('district,A,a2,2020-01,terrorism,4,4', 'district,A,a2,2020-01,terrorism,5,4'));
    expect(checkAggregateCsv(bad.join('\n')).problems.join()).toMatch(/province A is 7 but its districts add up to 8/);
  });
  it('refuses a total that is not the sum of the provinces', () => {
    const bad = good.map((x) => x.replace('total,,,2020-01,terrorism,7,7', 'total,,,2020-01,terrorism,6,7'));
    expect(checkAggregateCsv(bad.join('\n')).ok).toBe(false);
  });
  it('refuses negative, fractional and blank counts', () => {
    for (const c of ['-1', '1.5', '', ' 2']) {
      const bad = good.map((x) => x.replace('district,A,a1,2020-02,terrorism,0,0', `district,A,a1,2020-02,terrorism,${c},0`));
      expect(checkAggregateCsv(bad.join('\n')).ok, c).toBe(false);
    }
  });
  it('refuses a noisy_count that is not an integer', () => {
    const bad = good.map((x) => x.replace('district,A,a1,2020-02,terrorism,0,0', 'district,A,a1,2020-02,terrorism,0,-0.5'));
    expect(checkAggregateCsv(bad.join('\n')).problems.join()).toMatch(/noisy_count/);
  });
  it('refuses a missing cell (only non-empty cells written)', () => {
    const bad = good.filter((x) => x !== 'district,A,a2,2020-02,terrorism,0,0');
    expect(checkAggregateCsv(bad.join('\n')).problems.join()).toMatch(/places differ/);
  });
});

describe('independence of the checker', () => {
  it('release-check imports only its own files and node built-ins (nothing from the engine\'s privacy module or the release writer)', () => {
    const dir = new URL('../../src/release-check/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      for (const s of specs) expect(s.startsWith('./') || s.startsWith('node:'), `${f} imports ${s}`).toBe(true);
    }
  });
});
