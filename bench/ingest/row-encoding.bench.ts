/**
 * bench/ingest/row-encoding: CPU of turning 100,000 one-report incidents into their `incidents` and
 * `reports` rows with the real field cipher (AES-256-GCM), in the layout of schema version 3 (raw
 * record and narrative as one value, the incident's narrative kept in its report only: one
 * encryption per row) against the layout before (three encryptions per row). The two alternate in
 * rounds in one process, so that a loaded machine slows both alike; CPU is this process's
 * (process.cpuUsage), which here is the main thread's work.
 *
 *   npx tsx bench/ingest/row-encoding.bench.ts [--rows 100000] [--rounds 3]
 */
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import { FieldCipher, KeyRing } from '../../packages/server/src/security/field-cipher.js';
import type { WrappedDataKey } from '../../packages/server/src/security/security-repo.js';
import { RECORD_LAYOUT, lastTsValue, reportRow, singleReportIncidentRow } from '../../packages/server/src/store/duckdb/rows.js';
import { policeBenchReport } from './police-report.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const rows = Number(arg('rows', '100000'));
const rounds = Number(arg('rounds', '3'));

const keys: WrappedDataKey[] = [];
const ring = await KeyRing.open({
  listDataKeys: async () => keys,
  insertDataKey: async (k) => { keys.push(k); },
  rewrapDataKeys: async () => undefined,
}, randomBytes(32));
await ring.ensureDataset('incidents', new Date());
const cipher = new FieldCipher(ring, 'incidents');

// Reports shaped like the police bench file's (bench/ingest/ingest.bench.ts).
const reports: Report[] = Array.from({ length: rows }, (_, i) => policeBenchReport(i));
const ids = reports.map((r) => incidentIdFor(sourceKey(r.source)));

function run(layout: 'v3' | 'before'): { cpu: number; bytes: number } {
  const ts = lastTsValue();
  let bytes = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < rows; i++) {
    const r = reports[i]!;
    const inc = layout === 'v3' ? singleReportIncidentRow(ids[i]!, r, cipher, true) : singleReportIncidentRow(ids[i]!, r, cipher);
    const rep = layout === 'v3' ? reportRow(i, ids[i]!, r, cipher, ts, RECORD_LAYOUT) : reportRow(i, ids[i]!, r, cipher, ts);
    // the encoded text the rows carry, so that nothing is optimised away and the stored size is seen
    const n = inc[18], raw = rep[6], narr = rep[7];
    bytes += (typeof n === 'string' ? n.length : 0) + (typeof raw === 'string' ? raw.length : 0) + (typeof narr === 'string' ? narr.length : 0);
  }
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, bytes };
}

console.log(`rows: ${rows.toLocaleString('en-US')}, rounds: ${rounds}, load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
run('v3'); run('before'); // warm-up
const cpu = { v3: [] as number[], before: [] as number[] };
let bytes = { v3: 0, before: 0 };
for (let k = 0; k < rounds; k++) {
  for (const layout of k % 2 === 0 ? (['before', 'v3'] as const) : (['v3', 'before'] as const)) {
    const r = run(layout);
    cpu[layout].push(r.cpu);
    bytes = { ...bytes, [layout]: r.bytes };
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const layout of ['before', 'v3'] as const) {
  console.log(`${layout === 'v3' ? 'schema v3 (1 encryption per row)   ' : 'before (3 encryptions per row)     '}: CPU ${cpu[layout].map((x) => x.toFixed(2)).join(', ')} s; median ${median(cpu[layout]).toFixed(2)} s = ${Math.round(rows / median(cpu[layout])).toLocaleString('en-US')} rows per CPU-second; encoded text ${(bytes[layout] / 1e6).toFixed(1)} MB`);
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
