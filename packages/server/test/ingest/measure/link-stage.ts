/**
 * The linking stage of the pipeline alone, on the main thread's share of an ingest: `linkBatch` of
 * batches of 10,000 reports against the candidates kept from earlier batches, then the candidates
 * the session remembers for the new incidents (`linkCandidateOf`). Reports are made as bench/ingest
 * makes its rows (gazetteer places of Balochistan jittered ~2 km, the police mapping, the shipped
 * geography), converted before timing.
 *   npx tsx packages/server/test/ingest/measure/link-stage.ts [rows=100000] [rounds=5]
 * Prints CPU microseconds per report of each round (process.cpuUsage, this thread only runs).
 */
import { DEFAULT_LINK_RULES, SeededRng, linkBatch, linkCandidateOf, syntheticMappingFiles, type LinkCandidate, type Report } from '@baseerat/engine';
import { mappingAdapter, parseMapping } from '../../../src/ingest/mapping.js';
import { loadGeography, placeRows } from '../../../src/reference/geography.js';

const rows = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const m = parseMapping(syntheticMappingFiles().police);
if (!m.ok) throw new Error(JSON.stringify(m.error));
const adapter = mappingAdapter(m.value);
const labels = Object.keys((m.value.fields.category.map ?? {}) as Record<string, unknown>);
const places = placeRows().filter((p) => (p.province ?? '').startsWith('Balochistan'));
const gen = new SeededRng(7);
const ctx = { geocoder: loadGeography(), agency: 'police', receivedAt: '2025-01-01T00:00:00.000Z', classification: 'RESTRICTED' as const, reportingMode: 'unknown' as const };
const t0 = Date.parse('2015-01-01T00:00:00Z'), span = 10 * 365 * 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const reports: Report[] = [];
for (let i = 0; i < rows; i++) {
  const p = places[Math.floor(gen.next() * places.length)]!;
  const t = new Date(t0 + (span * i) / rows + 5 * 3_600_000);
  const row = {
    fir_no: `FIR-B-${pad(i, 8)}`, occurred_at: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:00`,
    lat: (p.lat + (gen.next() - 0.5) * 0.03).toFixed(5), lon: (p.lon + (gen.next() - 0.5) * 0.03).toFixed(5), district: p.district ?? '',
    category: labels[Math.floor(gen.next() * labels.length)]!, killed: '0', injured: '0', abducted: '0', target: 'police', narrative: 'x', class: 'RESTRICTED', reported_at: '',
  };
  const r = adapter.toReport(row, '', i + 2, ctx);
  if (r.ok) reports.push(r.value);
}
const windowMs = (DEFAULT_LINK_RULES.maxHours + 24) * 3_600_000;
for (let round = 0; round < rounds; round++) {
  const c0 = process.cpuUsage();
  let kept: LinkCandidate[] = [];
  let made = 0;
  for (let b = 0; b < reports.length; b += 10_000) {
    const batch = reports.slice(b, b + 10_000);
    const lo = Date.parse(batch[0]!.occurredAt) - windowMs;
    const plan = linkBatch(batch, kept.filter((c) => c.time >= lo), DEFAULT_LINK_RULES);
    kept = plan.newIncidents.map((n) => linkCandidateOf(n.id, n.reports));
    made += plan.newIncidents.length;
  }
  const c = process.cpuUsage(c0);
  console.log(`round ${round + 1}: ${(((c.user + c.system) / reports.length)).toFixed(2)} us CPU per report (${reports.length} reports, ${made} incidents)`);
}
