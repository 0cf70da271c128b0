/**
 * The incident index alone (no HTTP, no store): the CPU cost of one stats query and one map-points
 * query per brush at 1,000,000 incidents, with the month counts ('auto') and with the plain scan of
 * the brush ('scan', what the index did before), on the same entries in the same process. Entries
 * as bench/api/seed.ts makes them (34 Balochistan districts, 2015-2024 at minute precision, one
 * report each from one of five agencies, four classification levels cycling); the brushes are the
 * API bench's 2,507 month brushes (1-23 whole months in Pakistan time) and the same brushes with
 * both ends moved into the middle of a month (days and hours off a month start: the edges scanned).
 * Each answer of the month counts is compared with the scan's before timing (a mismatch aborts).
 *
 * Run: TZ=UTC npx tsx bench/api/index-brush-cost.ts [--incidents N] [--queries Q]
 */
import { CATEGORY_CODES, CLASSIFICATION_LEVELS, SeededRng } from '@baseerat/engine';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { IncidentIndex } from '../../packages/server/src/store/incident-index/incident-index.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? def : def; };
const N = Number(arg('incidents', '1000000'));
const Q = Number(arg('queries', '2507'));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const AGENCIES = ['police', 'levies', 'fc', 'ctd', 'rescue1122'];

const rng = new SeededRng(20261127);
const districts = loadGeography().districtsIn('Balochistan').map((d) => d.name);
const ix = new IncidentIndex('Asia/Karachi', N + 1024);
const start = Date.UTC(2015, 0, 1), span = Date.UTC(2025, 0, 1) - start;
const times = Array.from({ length: N }, () => start + Math.floor(rng.next() * span / 60_000) * 60_000).sort((a, b) => a - b);
let t0 = performance.now();
for (let i = 0; i < N; i++) {
  ix.upsert({
    id: `inc_${(0x10000000 + i).toString(16).padStart(16, '0')}`, timeMs: times[i]!, lat: 28 + rng.next(), lon: 65 + rng.next(),
    district: districts[Math.floor(rng.next() * districts.length)], province: 'Balochistan',
    category: CATEGORY_CODES[Math.floor(rng.next() * CATEGORY_CODES.length)]!, rank: [0, 0, 1, 2][i % 4]!,
    agencies: new Map([[AGENCIES[i % AGENCIES.length]!, 1]]),
  });
}
const loadMs = performance.now() - t0;
t0 = performance.now();
ix.sortAll();
console.log(`${N.toLocaleString('en-US')} entries upserted in ${(loadMs / 1000).toFixed(2)} s; sortAll with the month counts ${(performance.now() - t0).toFixed(0)} ms; `
  + `bytes() ${(ix.bytes() / 1e6).toFixed(1)} MB, of which month counts ${(ix.monthCountBytes() / 1e6).toFixed(2)} MB (without them ${((ix.bytes() - ix.monthCountBytes()) / 1e6).toFixed(1)} MB); load average ${load()}`);

const pk = (y: number, m: number, dayOff = 0) => Date.UTC(y, m, 1) - 5 * 3_600_000 + dayOff;
/** The API bench's brush k (bench/api/api.bench.ts brushOf), optionally with its ends moved off the month start. */
const brush = (k: number, edge: boolean): { from: string; to: string } => {
  const from = k % 109, len = 1 + (Math.floor(k / 109) % 23);
  const off = edge ? (3 + (k % 20)) * 86_400_000 + (k % 24) * 3_600_000 : 0;
  return { from: new Date(pk(2015, from, off)).toISOString(), to: new Date(pk(2015, from + len, off)).toISOString() };
};
const rank = CLASSIFICATION_LEVELS.indexOf('CONFIDENTIAL');
const filters = (edge: boolean) => Array.from({ length: Q }, (_, k) => ({ province: ['Balochistan'], ...brush(k, edge), maxClassification: CLASSIFICATION_LEVELS[rank]! }))
  .map(({ province, ...f }) => ({ ...f, provinces: province }));

let sink = 0;
function cpuMs(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

for (const edge of [false, true]) {
  const fs = filters(edge).map((f) => ix.compile(f)!);
  // the same answers, checked once per brush before timing
  for (const c of fs) {
    if (!isDeepStrictEqual(ix.stats(c), ix.stats(c, "scan"))) { console.log(JSON.stringify(ix.stats(c)), JSON.stringify(ix.stats(c, "scan"))); throw new Error(`stats differ for ${JSON.stringify(c)}`); }
  }
  const before = ix.monthCountAnswers;
  for (const c of fs) ix.stats(c);
  console.log(`${edge ? 'mid-month' : 'whole-month'} brushes: ${ix.monthCountAnswers - before} of ${fs.length} stats answered with the month counts (the others scanned: cheaper)`);
  const label = edge ? 'brushes with both ends mid-month' : 'brushes of whole months';
  for (let rep = 0; rep < 2; rep++) {
    const scan = cpuMs(() => { for (const c of fs) ix.stats(c, 'scan'); });
    const auto = cpuMs(() => { for (const c of fs) ix.stats(c); });
    const pts = cpuMs(() => { for (const c of fs) sink += ix.points(c, 500).items.length; });
    // the points as the index made them before: every match of the brush, then the newest 500 with a position
    const ptsOld = cpuMs(() => {
      for (const c of fs) {
        const hits = ix.scan(c);
        const out: number[] = [];
        for (let j = hits.length - 1; j >= 0 && out.length < 500; j--) if (!Number.isNaN(ix.lat[hits[j]!]!) && !Number.isNaN(ix.lon[hits[j]!]!)) out.push(hits[j]!);
        sink += out.map((i) => ({ id: ix.idOf(i), lon: ix.lon[i]!, lat: ix.lat[i]!, category: CATEGORY_CODES[ix.category[i]!], occurredAt: new Date(ix.time[i]!).toISOString() })).length;
      }
    });
    console.log(`${label} (${Q} queries, pass ${rep + 1}): stats ${(scan / Q).toFixed(3)} ms CPU per query scanned, ${(auto / Q).toFixed(3)} ms with the month counts (x${(scan / auto).toFixed(1)}); `
      + `points(500) ${(ptsOld / Q).toFixed(3)} ms before (scan), ${(pts / Q).toFixed(3)} ms walking back (x${(ptsOld / pts).toFixed(1)}); load average ${load()}`);
  }
}
console.log(`(${sink} points made)`);
