/**
 * Alarm rates of each detector, through evaluateSeries with its defaults (minimum count 2), on the
 * real weekly UCDP Balochistan series (no injection): how often each would page per district-week.
 * Not all of these alarms are false (2012 and 2021 saw real surges), so this bounds the false-alarm
 * rate from above. Run: npx tsx bench/detection/alarm-rates.ts
 */
import { readFileSync } from 'node:fs';
import { evaluateSeries, type Detector } from '../../packages/engine/src/monitor/evaluate-series.js';

const input = JSON.parse(readFileSync(new URL('../../packages/engine/test/fixtures/reference/monitor-ucdp-series.json', import.meta.url), 'utf8')) as { weekly: Record<string, number[]> };
const detectors: [string, Detector][] = [
  ['EARS C1 (alpha 0.001, minSigma 0.5)', { kind: 'ears', options: { method: 'C1', minSigma: 0.5 } }],
  ['EARS C2 (alpha 0.001, minSigma 0.5)', { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } }],
  ['EARS C3 (alpha 0.025, minSigma 0.5)', { kind: 'ears', options: { method: 'C3', minSigma: 0.5 } }],
  ['EARS C1 (alpha 0.001, minSigma 0)', { kind: 'ears', options: { method: 'C1' } }],
  ['Farrington flexible (b 3, w 3, alpha 0.01, 5 in 4)', { kind: 'farrington', options: { b: 3, w: 3, alpha: 0.01 } }],
  ['Farrington flexible (b 3, w 3, alpha 0.01, no 5-in-4 rule)', { kind: 'farrington', options: { b: 3, w: 3, alpha: 0.01, limit54: [0, 4] } }],
  ['Poisson CUSUM (ratio 2, h 5)', { kind: 'cusum', options: { h: 5 } }],
  ['NB window scan (h 4.6, W 3, flat 26-week baseline)', { kind: 'window-scan', options: { baselineWeeks: 26, halfLifeWeeks: Infinity, priorWeeks: 4 } }],
  ['NB window scan (h 4.6, W 3, 52-week baseline, before #6)', { kind: 'window-scan', options: { baselineWeeks: 52, halfLifeWeeks: Infinity, priorWeeks: 4 } }],
  ['NB window scan (h 2.5, W 3, flat 26-week baseline)', { kind: 'window-scan', options: { h: 2.5, baselineWeeks: 26, halfLifeWeeks: Infinity, priorWeeks: 4 } }],
  ['NB window scan (h 4.6, W 3, 52-week baseline, half-life 6, prior worth 8: the default since the #6 robustness change)', { kind: 'window-scan' }],
  ['NB window scan (h 2.5, W 3, 52-week baseline, half-life 6, prior worth 8)', { kind: 'window-scan', options: { h: 2.5, baselineWeeks: 52, halfLifeWeeks: 6, priorWeeks: 8 } }],
];
const names = ['province:events', 'Quetta:events', 'Dera Bugti:events', 'Kech:events', 'Kohlu:events', 'Nasirabad:events', 'Mastung:events', 'Awaran:events', 'Panjgur:events'];
console.log('| detector | ' + names.map((n) => n.replace(':events', '')).join(' | ') + ' | districts pooled |');
console.log('|---|' + names.map(() => '---').join('|') + '|---|');
for (const [label, d] of detectors) {
  const cells: string[] = [];
  let pooledAlarms = 0, pooledWeeks = 0, suppressed = 0;
  for (const name of names) {
    const y = input.weekly[name]!;
    const r = evaluateSeries(y, d);
    // Same weeks for every detector: those Farrington can evaluate (from week 159).
    let a = 0, w = 0;
    for (let t = 159; t < y.length; t++) { w++; if (r.steps[t]!.alarm) a++; }
    cells.push((a / w).toFixed(4));
    if (name !== 'province:events') { pooledAlarms += a; pooledWeeks += w; suppressed += r.suppressed; }
  }
  console.log(`| ${label} | ${cells.join(' | ')} | ${(pooledAlarms / pooledWeeks).toFixed(4)} (${suppressed} suppressed by the minimum count) |`);
}
