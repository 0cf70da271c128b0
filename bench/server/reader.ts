/**
 * Read-load process for bench/server/scale.bench.ts: opens the PostgreSQL store with a one-district
 * scope (as a district officer's request would) and runs, back to back, the reads the dashboard
 * makes (a page of incidents, a count, the stats), timing each. On SIGTERM prints one JSON line:
 * the number of reads and their latency percentiles in milliseconds.
 * Run by the benchmark: npx tsx bench/server/reader.ts <postgres-url> <district>
 */
import { openStore } from '../../packages/server/src/store/index.js';

const [url, district] = [process.argv[2]!, process.argv[3] ?? 'Quetta'];
const store = await openStore(url as `postgres://${string}`, { maxConnections: 2 });
const officer = store.scoped({ districts: [district], maxClassification: 'SECRET' });
const latencies: number[] = [];
let running = true;
process.once('SIGTERM', () => { running = false; });
process.stdout.write('ready\n');
let i = 0;
while (running) {
  const t0 = performance.now();
  const k = i++ % 3;
  if (k === 0) await officer.listIncidents({ from: '2022-01-01T00:00:00.000Z' }, { offset: 0, limit: 50 });
  else if (k === 1) await officer.countIncidents({ categories: ['PO.PROTEST'] });
  else await officer.stats({ from: '2023-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' });
  latencies.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 50));
}
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies.length === 0 ? null : +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
process.stdout.write(JSON.stringify({ reads: latencies.length, p50: q(0.5), p95: q(0.95), max: q(1) }) + '\n');
await store.close();
