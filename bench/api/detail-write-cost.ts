/**
 * What the incident detail side file (store/duckdb/detail-file.ts, issue #7) costs the write path:
 * the same writes on a fresh DuckDB file store with the side file and without it (`detailFile:
 * false`), alternating, each on its own fresh file: one bulk batch of B new incidents, then L live
 * batches of 10 new incidents, then L attachments of one report to a stored incident. Prints the
 * process's CPU (DuckDB's threads included) and wall time per incident of each phase.
 * Run: TZ=UTC npx tsx bench/api/detail-write-cost.ts [--bulk B] [--live L] [--rounds R]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentIdFor, type Report } from '@baseerat/engine';
import { openStore } from '../../packages/server/src/store/index.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? def : def; };
const BULK = Number(arg('bulk', '50000'));
const LIVE = Number(arg('live', '200'));
const ROUNDS = Number(arg('rounds', '2'));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

let k = 0;
function report(): Report {
  const i = k++;
  return {
    occurredAt: new Date(Date.UTC(2024, 0, 1) + (i % 525_600) * 60_000).toISOString(), timePrecision: 'exact',
    location: { lat: 27 + (i % 997) / 200, lon: 64 + (i % 991) / 150, precision: 'exact', district: 'Quetta', province: 'Balochistan' },
    category: 'TI.BOMB', severity: { killed: i % 3, injured: i % 5, abducted: 0 }, classification: 'RESTRICTED', reportingMode: 'public',
    narrative: `An incident reported near the market, record ${i}, with a few lines of description as a feed would carry them.`,
    source: { agency: 'police', sourceId: `w${i}`, receivedAt: new Date(Date.UTC(2024, 5, 1) + i * 1000).toISOString(), format: 'csv', raw: `w${i},2024-01-01,Quetta,TI.BOMB,${i % 3},${i % 5},0,"An incident reported near the market"` },
  };
}
const fresh = (n: number) => Array.from({ length: n }, () => { const r = report(); return { id: incidentIdFor(`police:${r.source.sourceId}`), reports: [r], links: [] }; });

async function phase(name: string, n: number, fn: () => Promise<void>): Promise<string> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0), wall = performance.now() - t0;
  return `${name}: ${((c.user + c.system) / 1000 / n).toFixed(3)} ms CPU, ${(wall / n).toFixed(3)} ms wall per incident`;
}

console.log(`bulk ${BULK}, live ${LIVE} batches of 10 and ${LIVE} attachments, ${ROUNDS} rounds; load average before ${load()}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const side of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'baseerat-detail-write-'));
    const store = await openStore(join(dir, 'w.duckdb'), side ? {} : { detailFile: false });
    try {
      // optional: the script also runs on a checkout from before the side file (then "off" is that code)
      await (store as { detailFileSettled?: () => Promise<void> }).detailFileSettled?.();
      const out: string[] = [];
      const bulk = fresh(BULK);
      out.push(await phase(`bulk batch of ${BULK}`, BULK, async () => { await store.writeBatch({ newIncidents: bulk, attachments: [], quarantine: [] }); }));
      out.push(await phase(`live batches of 10`, LIVE * 10, async () => {
        for (let b = 0; b < LIVE; b++) await store.writeBatch({ newIncidents: fresh(10), attachments: [], quarantine: [] });
      }));
      out.push(await phase(`attachments of one report`, LIVE, async () => {
        for (let b = 0; b < LIVE; b++) await store.writeBatch({ newIncidents: [], attachments: [{ incidentId: bulk[(b * 7919) % bulk.length]!.id, reports: [report()], links: [] }], quarantine: [] });
      }));
      const d = store.detailFileStats;
      console.log(`round ${round + 1}, side file ${side ? `on (${d?.state}, ${((d?.bytes.file ?? 0) / 1e6).toFixed(1)} MB)` : 'off'}: ${out.join('; ')}`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`load average after ${load()}`);
