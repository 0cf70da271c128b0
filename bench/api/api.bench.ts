/**
 * API benchmark (issue #7): with N incidents stored (default 1,000,000), the p95 latency of the
 * dashboard's queries at C concurrent clients (default 20) on loopback, with autocannon, and the
 * dashboard's first render in Chromium. Targets: p95 < 100 ms, first render < 3 s.
 *
 * The store is seeded once (bench/api/seed.ts) and kept, so later runs measure at once. The server
 * runs in its own process (bench/api/server.ts) with rate limits lifted. Each latency is the time
 * to the whole response, measured per request (exact percentiles, not a histogram bucket).
 * Reference in the same run: GET /healthz (the cheapest route: routing, headers, one tiny COUNT).
 *
 * Run: TZ=UTC npx tsx bench/api/api.bench.ts [--incidents N] [--db FILE] [--seconds S] [--connections C] [--renders R] [--only REGEX]
 * (`--only` keeps the queries whose path matches REGEX, e.g. `--only 'incidents\\?|auth'` for the full list and the session).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { chromium } from 'playwright-core';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';
import { CATEGORY_CODES } from '@baseerat/engine';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { seedIncidents } from './seed.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? def : def; };
const N = Number(arg('incidents', '1000000'));
const DB = arg('db', '/tmp/baseerat-bench-api/api.duckdb');
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '20'));
const RENDERS = Number(arg('renders', '3'));
/** Only the queries whose path matches this regular expression (default: all). */
const ONLY = new RegExp(arg('only', '.'));
/** Pages the uncached list query cycles through: more than the ReadCache holds (256 entries), so every request is a miss. */
const DISTINCT_PAGES = 400;
const PORT = 18000 + Math.floor((process.pid % 1000));
const origin = `http://localhost:${PORT}`;
const log = (s: string) => console.error(s);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** CPU time (user + system, ms) a process has used so far, from /proc (clock ticks of 10 ms). */
const cpuMsOf = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

mkdirSync(dirname(DB), { recursive: true });
const stored = await seedIncidents(DB, N, log);
log(`store ${DB}: ${stored.toLocaleString('en-US')} incidents`);
execFileSync(process.execPath, [join(root, 'packages/web/build-if-stale.mjs')], { stdio: 'inherit' });

// BASEERAT_BENCH_SERVER_NODE_ARGS: extra node flags for the server only (e.g. '--cpu-prof --cpu-prof-dir=/tmp/p' to profile it)
const serverNodeArgs = (process.env['BASEERAT_BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
const server = spawn(process.execPath, [...serverNodeArgs, '--import', 'tsx', join(root, 'bench/api/server.ts'), DB, String(PORT), join(root, 'packages/web/dist')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
await new Promise<void>((ok, fail) => {
  server.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('READY')) ok(); });
  server.once('exit', (c) => fail(new Error(`server exited ${c}`)));
});
try {
  const user = JSON.parse(readFileSync(`${DB}.bench-user.json`, 'utf8')) as { username: string; password: string; totpSecret: string };
  const login = await fetch(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password: user.password, totp: totp(base32Decode(user.totpSecret), Date.now()) }) });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };

  const pk = (d: string) => new Date(Date.parse(`${d}T00:00:00.000+05:00`)).toISOString();
  const brushed = `from=${pk('2022-01-01')}&to=${pk('2022-07-01')}`;
  const QUERIES: [string, string][] = [
    ['reference: GET /healthz', '/healthz'],
    ['session: GET /api/auth/me', '/api/auth/me'],
    ['boundaries: GET /geo/districts.geojson', '/geo/districts.geojson?province=Balochistan'],
    ['timeline + map, whole range: GET /api/stats?province', '/api/stats?province=Balochistan'],
    ['map after a 6-month brush: GET /api/stats?province&from&to', `/api/stats?province=Balochistan&${brushed}`],
    ['category filter: GET /api/stats?province&categories', '/api/stats?province=Balochistan&categories=TI.BOMB'],
    ['map points, whole range: GET /api/incidents/points?province&limit=500', '/api/incidents/points?province=Balochistan&limit=500'],
    ['map points after the brush: GET /api/incidents/points?...&from&to&limit=500', `/api/incidents/points?province=Balochistan&${brushed}&limit=500`],
    ['map points, district filter: GET /api/incidents/points?districts=Quetta&limit=500', '/api/incidents/points?districts=Quetta&limit=500'],
    ['full list, 50 incidents: GET /api/incidents?province&limit=50', '/api/incidents?province=Balochistan&limit=50'],
    ['full list, district filter: GET /api/incidents?districts=Quetta&limit=50', '/api/incidents?districts=Quetta&limit=50'],
    ['full list, district filter, largest page: GET /api/incidents?districts=Quetta&limit=500', '/api/incidents?districts=Quetta&limit=500'],
    // every request a different page (offset), so none is served from the store's cache: the uncached cost
    [`full list, ${DISTINCT_PAGES} different pages in turn (uncached): GET /api/incidents?districts=Quetta&limit=50&offset=50k`, '/api/incidents?districts=Quetta&limit=50&offset=*'],
    // Every request different (the k-th request of a measure fills {brush}, {district}, {category},
    // {page} from k; see `vary`): no two requests of a measure share a filter within 2,507 requests,
    // so neither the store's read cache nor anything else keyed on the request can answer them.
    ['stats, a different brush each request', '/api/stats?province=Balochistan&{brush}'],
    ['stats, a different district and brush each request', '/api/stats?districts={district}&{brush}'],
    ['stats, a different category and brush each request', '/api/stats?province=Balochistan&categories={category}&{brush}'],
    ['map points, a different brush each request', '/api/incidents/points?province=Balochistan&{brush}&limit=500'],
    ['map points, a different district and brush each request', '/api/incidents/points?districts={district}&{brush}&limit=500'],
    // the map's click: one incident's details (GET /api/incidents/:id), a different incident each request
    ['incident detail (the map click), a different incident each request', '/api/incidents/{id}'],
    ['full list of 50, a different district and brush each request', '/api/incidents?districts={district}&{brush}&limit=50'],
    ['full list of 50, a different district, brush and page each request', '/api/incidents?districts={district}&{brush}&limit=50&offset={page}'],
    // the same, while a live feed writes a batch of 10 incidents every second (bench/api/server.ts)
    ['WITH WRITES: the landing view, stats whole range (the same request; every write makes results stale)', '/api/stats?province=Balochistan&live'],
    ['WITH WRITES: the landing view, map points whole range (the same request)', '/api/incidents/points?province=Balochistan&limit=500&live'],
    ['WITH WRITES: stats, a different district and brush each request', '/api/stats?districts={district}&{brush}&live'],
    ['WITH WRITES: map points, a different district and brush each request', '/api/incidents/points?districts={district}&{brush}&limit=500&live'],
    ['WITH WRITES: full list of 50, a different district, brush and page each request', '/api/incidents?districts={district}&{brush}&limit=50&offset={page}&live'],
  ];
  const BALOCHISTAN = loadGeography().districtsIn('Balochistan').map((d) => d.name);
  /** Ids for the incident-detail row (the map's click): the points of 40 one-month brushes, up to 20,000 ids. */
  const IDS: string[] = [];
  if (QUERIES.some(([, path]) => path.includes('{id}') && ONLY.test(path))) {
    for (let m = 0; m < 40; m++) {
      const from = pk(`${2015 + Math.floor((m * 3) / 12)}-${String(((m * 3) % 12) + 1).padStart(2, '0')}-01`);
      const res = await fetch(`${origin}/api/incidents/points?province=Balochistan&from=${encodeURIComponent(from)}&limit=500`, { headers: auth });
      if (!res.ok) throw new Error(`points for ids: ${res.status}`);
      for (const p of ((await res.json()) as { items: { id: string }[] }).items) IDS.push(p.id);
    }
  }
  /** A brush of 1-23 months starting in one of the 109 months from 2015-01: 2,507 distinct brushes for k = 0..2506. */
  const brushOf = (k: number) => {
    const from = k % 109, len = 1 + (Math.floor(k / 109) % 23);
    const month = (m: number) => `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    return `from=${encodeURIComponent(pk(month(from)))}&to=${encodeURIComponent(pk(month(from + len)))}`;
  };
  /** The k-th request's path: `offset=*` is page k of DISTINCT_PAGES; {brush}, {district}, {category}, {page} vary with k; `&live` marks a measure with the live feed on and is not sent. */
  const vary = (path: string, k: number) => path
    .replace('offset=*', `offset=${(k % DISTINCT_PAGES) * 50}`)
    .replace('{brush}', brushOf(path.includes('{district}') || path.includes('{category}') ? Math.floor(k / 7) : k))
    .replace('{district}', encodeURIComponent(BALOCHISTAN[k % BALOCHISTAN.length]!))
    .replace('{category}', CATEGORY_CODES[k % CATEGORY_CODES.length]!)
    .replace('{page}', String((k % 10) * 50))
    .replace('{id}', encodeURIComponent(IDS[k % Math.max(1, IDS.length)] ?? 'none'))
    .replace('&live', '');
  const varies = (path: string) => path.endsWith('offset=*') || path.includes('{');
  const TIMEOUT_S = 60;
  /** autocannon at `connections` for `seconds`; every answered request's latency, and the requests that timed out. */
  async function measure(path: string, connections: number, seconds: number): Promise<{ lat: number[]; statuses: Map<number, number>; timeouts: number }> {
    const lat: number[] = [];
    const statuses = new Map<number, number>();
    const r = await new Promise<{ timeouts: number }>((ok, fail) => {
      // a varying path (`vary`) is filled in afresh for every request
      let k = 0;
      const varying = varies(path) ? { requests: [{ setupRequest: (r: { path: string }) => ({ ...r, path: vary(path, k++) }) }] } : {};
      const inst = autocannon({ url: `${origin}${vary(path, 0)}`, connections, duration: seconds, timeout: TIMEOUT_S, headers: path.startsWith('/api/') ? auth : {}, ...varying }, (err, res) => (err ? fail(err) : ok(res)));
      inst.on('response', (_c, status, _b, ms) => { lat.push(ms); statuses.set(status, (statuses.get(status) ?? 0) + 1); });
    });
    lat.sort((a, b) => a - b);
    return { lat, statuses, timeouts: r.timeouts };
  }
  const pct = (lat: number[], p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)];
  const ms = (v: number | undefined) => (v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
  const rows: string[] = [];
  // autocannon stops sending at the end of its duration, but the server still works through what is
  // queued: wait for that before the next measure starts.
  const drain = async (path: string) => { await fetch(`${origin}${vary(path, 100_003)}`, { headers: path.startsWith('/api/') ? auth : {}, signal: AbortSignal.timeout(600_000) }).then((r) => r.arrayBuffer()); };
  // First render: a fresh browser context (cold cache) with the session cookie, from navigation
  // to MapLibre's first idle frame with the shaded districts and the points (performance mark).
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  const renders: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addCookies([{ name: 'baseerat_session', value: token, url: origin, httpOnly: true, secure: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    // The analysis layers (hot spots, risk) load after the first render and do not count in it; they
    // are refused here so that one render's model fits over 1M incidents do not queue in front of the
    // next render's queries in the store.
    await page.route(/\/api\/(analyses|risk)/, (r) => r.abort());
    await page.goto(`${origin}/`);
    await page.waitForSelector('#map[data-first-render="1"]', { timeout: 180_000 });
    // A string, not a function: tsx's transform would put a helper (__name) into a function's source.
    const split = (await page.evaluate(`(() => {
      const res = performance.getEntriesByType('resource');
      const end = (re) => Math.max(0, ...res.filter((r) => re.test(r.name)).map((r) => r.responseEnd));
      return { bundle: end(/\\/assets\\/index/), boundaries: end(/\\/geo\\//), data: end(/\\/api\\/(stats|incidents)/) };
    })()`)) as { bundle: number; boundaries: number; data: number };
    log(`first render ${i + 1}: bundle loaded at ${(split.bundle / 1000).toFixed(2)} s, boundaries at ${(split.boundaries / 1000).toFixed(2)} s, stats and points at ${(split.data / 1000).toFixed(2)} s; load average ${load()}`);
    renders.push(await page.evaluate(() => performance.getEntriesByName('baseerat:first-render')[0]?.startTime ?? NaN));
    if (i === 0) await page.screenshot({ path: join(root, 'test-artifacts', 'bench-api-first-render.png') });
    await context.close();
  }
  await browser.close();
  log(`first renders: ${renders.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ')}`);

  // The store caches aggregate results (stats, counts, map points) until the next write, so the
  // first request of a path is its cold cost and the rest are served from the cache. The first
  // render's two requests (whole-range stats and points) were its cold requests: see render 1.
  const firstRenderPaths = ['/api/stats?province=Balochistan', '/api/incidents/points?province=Balochistan&limit=500'];
  for (const [name, path] of QUERIES) {
    if (!ONLY.test(path)) continue;
    const withWrites = path.endsWith('&live');
    if (withWrites) server.send({ writes: true });
    const t0 = performance.now();
    await drain(path);
    const cold = firstRenderPaths.includes(path) ? 'render 1' : ms(performance.now() - t0);
    // One client first: the cost of one request with nothing queued in front of it.
    const one = await measure(path, 1, Math.max(3, Math.round(SECONDS / 3)));
    await drain(path);
    const cpu0 = cpuMsOf(server.pid!);
    const many = await measure(path, CONNECTIONS, SECONDS);
    const cpuPerRequest = many.lat.length > 0 ? (cpuMsOf(server.pid!) - cpu0) / many.lat.length : NaN;
    const bad = [...many.statuses].filter(([st]) => st >= 300).map(([st, c]) => `${c}×${st}`).join(' ') || '0';
    const p95 = pct(many.lat, 0.95);
    const row = `| ${name} | ${cold} | ${ms(pct(one.lat, 0.5))} | ${many.lat.length.toLocaleString('en-US')} | ${(many.lat.length / SECONDS).toFixed(1)} | ${ms(pct(many.lat, 0.5))} | ${ms(p95)} | ${ms(pct(many.lat, 0.99))} | ${bad} | ${many.timeouts} | ${ms(cpuPerRequest)} | ${p95 !== undefined && p95 < 100 && many.timeouts === 0 ? 'yes' : 'no'} |`;
    rows.push(row);
    log(row);
    if (withWrites) server.send({ writes: false });
  }

  const sorted = [...renders].sort((a, b) => a - b);
  console.log(`\n${stored.toLocaleString('en-US')} incidents, ${CONNECTIONS} connections, ${SECONDS} s per query; load average at the end ${load()} (${os.cpus().length} cores)\n`);
  console.log(`| query | first request (cold) | 1 client: p50 | ${CONNECTIONS} clients: answered | req/s | p50 | p95 | p99 | non-2xx | timed out (> ${TIMEOUT_S} s) | server CPU per request | p95 < 100 ms |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nfirst render in Chromium (navigation to the first idle map frame with data), ${RENDERS} cold runs: ${renders.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ')}; median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(2)} s`);
} finally {
  // SIGTERM lets the server finish what is in flight; queries still queued are not worth waiting for.
  server.kill('SIGTERM');
  setTimeout(() => server.kill('SIGKILL'), 5000).unref();
}
