/**
 * Measurement (not a reference): error of Baseerat's aggregate releases and suppression of its
 * microdata releases on the real UCDP GED events in Balochistan, for docs/methods/differential-privacy.md.
 *
 * For ε 1, 0.5 and 0.1 and two designs (districts only; province + districts with ε split equally),
 * over DRAWS seeded draws: mean absolute error of the raw noisy counts (to compare with the theory
 * 2α/(1-α²), computed in scipy in packages/engine/test/fixtures/reference/privacy-geometric-mechanism.json)
 * and of the released counts after consistency and non-negative integer rounding, per level;
 * the same on the cells whose truth is not zero; the share of zero cells released as zero; the error
 * of Balochistan's yearly totals summed from released and from noisy counts.
 * Then the rows kept by microdata releases at k = 10, l = 2 under several generalisations.
 *
 * Run: TZ=UTC npx tsx scripts/reference/privacy-measure-release-error.ts > docs/methods/differential-privacy-measured.json
 */
import { CATEGORY_CODES, SeededRng, categoryGroup } from '@baseerat/engine';
import { geometricNoiseSummary, type PlaceLevel } from '@baseerat/engine/privacy/index';
import { buildAggregateRelease, buildMicrodataRelease, placeDirectory } from '../../packages/server/src/release/index.js';
import { ucdpBalochistanStore } from '../../packages/server/test/release/helpers.js';

const DRAWS = 20;
const period = { from: '2008-01-01', to: '2022-01-01' };
const store = await ucdpBalochistanStore();
const cols = await store.readColumns({ provinces: ['Balochistan'] });
const places = placeDirectory().filter((p) => p.name === 'Balochistan');
const known = new Set(places[0]!.districts);

// Truth, counted here from the columns.
const exact = new Map<string, number>();
const add = (k: string) => exact.set(k, (exact.get(k) ?? 0) + 1);
const fromMs = Date.parse(`${period.from}T00:00:00+05:00`), toMs = Date.parse(`${period.to}T00:00:00+05:00`);
let inPeriod = 0;
for (let i = 0; i < cols.length; i++) {
  const t = cols.time[i]!;
  if (cols.timePrecision[i]! > 2 || t < fromMs || t >= toMs) continue;
  inPeriod++;
  const d = cols.district[i]! >= 0 ? cols.districtNames[cols.district[i]!]! : '';
  const month = new Date(t + 5 * 3600e3).toISOString().slice(0, 7);
  const g = categoryGroup(CATEGORY_CODES[cols.category[i]!]!);
  add(`district|${known.has(d) ? d : '(district unknown)'}|${month}|${g}`);
  add(`province|Balochistan||${month}|${g}`);
}
const key = (level: string, p: string, d: string, m: string, c: string) => level === 'province' ? `province|${p}||${m}|${c}` : `district|${d}|${m}|${c}`;

const aggregate: unknown[] = [];
for (const epsilon of [1, 0.5, 0.1]) {
  for (const levels of [['district'], ['province', 'district']] as PlaceLevel[][]) {
    const acc = new Map<string, { raw: number; released: number; n: number; zeroCells: number; zeroKept: number; nzRaw: number; nzReleased: number; nz: number }>();
    let yearlyAbs = 0, yearlyNoisyAbs = 0, yearlyN = 0;
    for (let draw = 0; draw < DRAWS; draw++) {
      const b = buildAggregateRelease(cols, places, period, { levels }, epsilon, new SeededRng(`measure-${epsilon}-${levels.join('+')}-${draw}`));
      const yearly = new Map<string, { rel: number; noisy: number; tru: number }>();
      for (const r of b.release.rows) {
        const tru = exact.get(key(r.level, r.province, r.district, r.period, r.category)) ?? 0;
        let a = acc.get(r.level);
        if (a === undefined) { a = { raw: 0, released: 0, n: 0, zeroCells: 0, zeroKept: 0, nzRaw: 0, nzReleased: 0, nz: 0 }; acc.set(r.level, a); }
        a.raw += Math.abs(r.noisy - tru);
        a.released += Math.abs(r.count - tru);
        a.n++;
        if (tru === 0) { a.zeroCells++; if (r.count === 0) a.zeroKept++; } else { a.nz++; a.nzRaw += Math.abs(r.noisy - tru); a.nzReleased += Math.abs(r.count - tru); }
        if (r.level === levels[0]) {
          // yearly totals of the coarsest level (province or, when alone, the sum of districts)
          const y = yearly.get(r.period.slice(0, 4)) ?? { rel: 0, noisy: 0, tru: 0 };
          y.rel += r.count; y.noisy += r.noisy; y.tru += tru;
          yearly.set(r.period.slice(0, 4), y);
        }
      }
      for (const y of yearly.values()) { yearlyAbs += Math.abs(y.rel - y.tru); yearlyNoisyAbs += Math.abs(y.noisy - y.tru); yearlyN++; }
    }
    aggregate.push({
      epsilon, levels,
      perLevel: [...acc.entries()].map(([level, a]) => {
        const share = epsilon / levels.length;
        const t = geometricNoiseSummary(share);
        return {
          level, epsilonShare: share, theoryMeanAbsolute: round(t.expectedAbsoluteError), rawMeanAbsolute: round(a.raw / a.n),
          releasedMeanAbsolute: round(a.released / a.n), rawMeanAbsoluteNonZeroCells: round(a.nzRaw / Math.max(1, a.nz)),
          releasedMeanAbsoluteNonZeroCells: round(a.nzReleased / Math.max(1, a.nz)), nonZeroCellsPerDraw: a.nz / DRAWS, cellsPerDraw: a.n / DRAWS, zeroCellsReleasedAsZero: round(a.zeroKept / Math.max(1, a.zeroCells)),
        };
      }),
      // Balochistan yearly totals summed from the coarsest released level: released counts vs noisy counts.
      yearlyTotalFromCountMeanAbsolute: round(yearlyAbs / yearlyN),
      yearlyTotalFromNoisyCountMeanAbsolute: round(yearlyNoisyAbs / yearlyN),
    });
  }
}

const microdata: unknown[] = [];
for (const [time, place, res] of [['month', 'province', undefined], ['quarter', 'province', undefined], ['year', 'province', undefined], ['month', 'district', undefined], ['quarter', 'district', undefined], ['year', 'district', undefined], ['year', 'h3', 4], ['year', 'h3', 3]] as const) {
  const b = buildMicrodataRelease(cols, ['Balochistan'], { from: '1989-01-01', to: '2022-01-01' }, { time, place, ...(res === undefined ? {} : { h3Resolution: res }) }, 10, 2);
  microdata.push({ time, place, h3Resolution: res ?? null, k: 10, l: 2, eligible: b.rows.length + b.suppression.suppressed, kept: b.rows.length, suppressed: b.suppression.suppressed, excluded: b.excluded, classesKept: b.suppression.classesKept });
}
await store.close();
console.log(JSON.stringify({
  what: 'measurement (regression values of this code on real data, not a reference)',
  data: 'UCDP GED 1989-2021, events UCDP places in Balochistan, ingested through the real pipeline',
  period, incidentsInPeriodWithMonth: inPeriod, draws: DRAWS, aggregate, microdata,
}, null, 2));

function round(x: number): number { return Math.round(x * 1000) / 1000; }
