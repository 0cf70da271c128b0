/**
 * Full comparison with R surveillance over every period of every reference case (the unit tests in
 * packages/engine/test/monitor compare a prefix to stay fast). Prints, per case, the number of
 * mismatching periods (upper bound beyond 1e-9 absolute for EARS, 1e-6 relative for Farrington, or
 * a different alarm) and the largest difference.
 * Run: npx tsx bench/detection/full-reference-check.ts   (about a minute)
 */
import { readFileSync } from 'node:fs';
import { earsC, farringtonFlexible } from '../../packages/engine/src/monitor/index.js';
const fx = new URL('../../packages/engine/test/fixtures/reference/', import.meta.url).pathname;
const series = JSON.parse(readFileSync(fx + 'monitor-ucdp-series.json', 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON, checked field by field below
const ref: any = JSON.parse(readFileSync(fx + 'monitor-surveillance.json', 'utf8'));
const get = (id: string) => { const [f, ...rest] = id.split(':'); return series[f!][rest.join(':')] as number[]; };
let bad = 0, maxd = 0;
for (const c of ref.ears) {
  const y = get(c.series);
  const r = earsC(y, { method: c.method, minSigma: c.minSigma });
  c.upperbound.forEach((u: number | null, i: number) => {
    const t = c.firstIndex + i;
    const mine = r.upperbound[t]!;
    if (u === null) { if (!Number.isNaN(mine)) bad++; }
    else { const d = Math.abs(mine - u); maxd = Math.max(maxd, d); if (!(d <= 1e-9)) bad++; }
    const a = c.alarm[i];
    if ((a === null ? 0 : a ? 1 : 0) !== r.alarm[t]) bad++;
  });
}
console.log('ears bad', bad, 'maxdiff', maxd);
for (const c of ref.farrington) {
  const y = get(c.series);
  const t0 = Date.now();
  const r = farringtonFlexible(y, { b: c.b, w: c.w, noPeriods: c.noPeriods, weightsThreshold: c.weightsThreshold, pastWeeksNotIncluded: c.pastWeeksNotIncluded,
    thresholdMethod: c.thresholdMethod, alpha: c.alpha, limit54: c.limit54, populationOffset: c.populationOffset, ...(c.population ? { population: c.population } : {}) });
  let nb = 0, maxr = 0, na = 0, alarmsR = 0, alarmBad = 0, first = -1;
  c.upperbound.forEach((u: number | null, i: number) => {
    const t = c.firstIndex + i;
    const mine = r.upperbound[t]!;
    if (u === null) { if (!Number.isNaN(mine)) { nb++; if (first < 0) first = t; } }
    else { na++; const d = Math.abs(mine - u) / Math.max(Math.abs(u), 1e-300); if (!(d <= 1e-6)) { nb++; if (first < 0) first = t; } if (d > maxr) maxr = d; }
    const a = c.alarm[i] ? 1 : 0; alarmsR += a; if (a !== r.alarm[t]) alarmBad++;
  });
  console.log(c.series, c.config, 'n', c.upperbound.length, 'defined', na, 'bad', nb, 'maxrel', maxr.toExponential(2), 'alarmsR', alarmsR, 'alarmBad', alarmBad, 'first bad', first, Date.now() - t0, 'ms');
}
