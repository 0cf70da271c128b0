/**
 * bench/realtime, the outside world: subscribes to the alert stream (SSE) as an analyst, then
 * publishes records to NATS at a steady rate, and measures, for each alert delivered, the time from
 * its record's publish to the alert's arrival over SSE (both clocks are this process's Date.now()).
 * Run by realtime.bench.ts as a child process; writes its result as JSON to --out.
 */
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentIdFor } from '@baseerat/engine';
import { connect } from '@nats-io/transport-node';
import { writeSyntheticFeed } from '../../packages/server/src/generate/write-feed.js';
import { publishRecords, type FeedRecord } from '../../packages/server/src/stream/publisher.js';

const arg = (name: string, dflt?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : dflt;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
};
const port = Number(arg('port')), token = arg('token'), rate = Number(arg('rate')), seconds = Number(arg('seconds'));
const stream = arg('stream'), prefix = arg('prefix'), out = arg('out');
const publishMode = arg('publish', 'jetstream') as 'jetstream' | 'core';
const total = Math.round(rate * seconds);

// Records: the synthetic FC feed (real district polygons), replicated with fresh report ids and
// each copy shifted in time (below) so that copies do not link to each other.
const dir = mkdtempSync(join(tmpdir(), 'baseerat-rt-feed-'));
writeSyntheticFeed(dir, { seed: 2026, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents: 12_000, malformedShare: 0, agencies: ['fc'] });
const base = readFileSync(join(dir, 'fc.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
rmSync(dir, { recursive: true, force: true });
const DAY = 86_400_000;
// Copies follow one another in time (the feed spans 91 days; each copy starts 92 days after the
// one before), so the stream runs forward in time as a live feed does. (Until 2026-11-27 copies
// were shifted by 3 days: the stream jumped back 90 days every 3,406 records, 30 copies overlapped
// in time, and the linker's candidate window was reloaded from the store at every jump.)
const COPY_SHIFT_MS = 92 * DAY;
const records: FeedRecord[] = [];
const encoder = new TextEncoder();
const indexOfIncident = new Map<string, number>();
for (let i = 0; i < total; i++) {
  const b = base[i % base.length]!;
  const copy = Math.floor(i / base.length);
  const id = `B-${copy}-${String(b['report_id'])}`;
  const shift = (t: unknown) => new Date(Date.parse(String(t)) + copy * COPY_SHIFT_MS).toISOString();
  // serialised here, before the clock starts: the publisher stands for the agencies' systems
  const record = { ...b, report_id: id, time_utc: shift(b['time_utc']), reported_utc: shift(b['reported_utc']) };
  records.push({ agency: 'bench', record, msgId: id, payload: encoder.encode(JSON.stringify(record)) });
  indexOfIncident.set(incidentIdFor(`bench:${id}`), i);
}
const sentAt = new Float64Array(total);
const arrivedAt = new Float64Array(total).fill(Number.NaN);
let alertEvents = 0, lastEventAt = Date.now();
const perSecond: number[] = [];

// SSE subscription first, so that nothing is missed.
await new Promise<void>((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path: '/api/alerts/stream', headers: { authorization: `Bearer ${token}` } }, (res) => {
    if (res.statusCode !== 200) { reject(new Error(`stream: HTTP ${res.statusCode}`)); return; }
    let carry = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = Date.now();
      carry += chunk;
      let k: number;
      while ((k = carry.indexOf('\n\n')) >= 0) {
        const block = carry.slice(0, k);
        carry = carry.slice(k + 2);
        if (!block.includes('event: alert')) continue;
        alertEvents++;
        lastEventAt = now;
        const m = /"incidentId":"([^"]+)"/.exec(block);
        const i = m === null ? undefined : indexOfIncident.get(m[1]!);
        if (i !== undefined && Number.isNaN(arrivedAt[i]!)) arrivedAt[i] = now;
      }
    });
    resolve();
  });
  req.on('error', reject);
  req.end();
});

const nc = await connect({ servers: '127.0.0.1:4222', name: 'bench-realtime-publisher' });
const t0 = Date.now();
const cpuStart = process.cpuUsage();
const tick = setInterval(() => { perSecond.push(alertEvents); }, 1000);
const pub = await publishRecords({ nats: nc, records, rate, stream, prefix, mode: publishMode, onSend: (_r, i, at) => { sentAt[i] = at; } });
const publishedAt = Date.now();
// Drain: wait until the stream has been quiet for 20 s (or 20 minutes at most).
while (Date.now() - Math.max(lastEventAt, publishedAt) < 20_000 && Date.now() - publishedAt < 1_200_000) await new Promise((r) => setTimeout(r, 200));
clearInterval(tick);
await nc.close();

const lat: number[] = [];
for (let i = 0; i < total; i++) if (!Number.isNaN(arrivedAt[i]!)) lat.push(arrivedAt[i]! - sentAt[i]!);
lat.sort((a, b) => a - b);
/** The p-quantile of sorted values (NaN when there are none). */
const quantile = (sorted: readonly number[], p: number) => sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const q = (p: number) => quantile(lat, p);
let lastArrival = 0;
for (let i = 0; i < total; i++) if (!Number.isNaN(arrivedAt[i]!) && arrivedAt[i]! > lastArrival) lastArrival = arrivedAt[i]!;
// latency by second of publishing: max and p99 of the records published in that second (where the slow ones are: a steady queue or a few stalls)
const bySecond: number[][] = [];
for (let i = 0; i < total; i++) {
  if (Number.isNaN(arrivedAt[i]!)) continue;
  const sec = Math.floor((sentAt[i]! - t0) / 1000);
  (bySecond[sec] ??= []).push(arrivedAt[i]! - sentAt[i]!);
}
// the same percentiles without the records published in the first 5 s (the server's first batches: JIT, DuckDB's first writes)
const steady: number[] = [];
for (let sec = 5; sec < bySecond.length; sec++) for (const v of bySecond[sec] ?? []) steady.push(v);
steady.sort((a, b) => a - b);
const qs = (p: number) => quantile(steady, p);
const secondP99 = bySecond.map((xs) => quantile(xs.sort((a, b) => a - b), 0.99));
const secondMax = bySecond.map((xs) => xs[xs.length - 1]!);
const cpu = process.cpuUsage(cpuStart);
writeFileSync(out, JSON.stringify({
  // from the first publish to the end of the drain (publishing, SSE parsing)
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  published: pub.published, publishSeconds: pub.seconds, publishRate: pub.ratePerSecond,
  alertEvents, alertsMatched: lat.length, deliverySeconds: (lastArrival - t0) / 1000,
  latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat.at(-1) ?? Number.NaN },
  latencyMsAfterFirst5s: { n: steady.length, p50: qs(0.5), p90: qs(0.9), p99: qs(0.99), max: steady.at(-1) ?? Number.NaN },
  alertEventsPerSecond: perSecond.map((n, i) => n - (perSecond[i - 1] ?? 0)),
  latencyP99MsBySecond: secondP99.map((v) => Math.round(v ?? 0)), latencyMaxMsBySecond: secondMax.map((v) => Math.round(v ?? 0)),
}));
process.exit(0);
