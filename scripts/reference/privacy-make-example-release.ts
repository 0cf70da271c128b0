/**
 * Writes the sample research release shipped with the engine's example
 * (packages/engine/examples/data/): an aggregate release of the UCDP GED events in Balochistan,
 * monthly, province + districts, all categories together, 2008-2021, ε = 1, made by the real
 * release service with node:crypto randomness (no seed: rerunning gives another draw), and beside
 * it the exact monthly counts. Shipping the exact counts is possible only because the source is
 * public (UCDP, CC BY 4.0); it lets the example measure how close a release gets.
 *
 * Run: TZ=UTC npx tsx scripts/reference/privacy-make-example-release.ts
 */
import { rmSync, writeFileSync } from 'node:fs';
import { CATEGORY_CODES } from '@baseerat/engine';
import { approveRelease, placeDirectory, toCsv, UNKNOWN_DISTRICT, type PartnersFile } from '../../packages/server/src/release/index.js';
import { AuditLog, InMemoryAuditStore } from '../../packages/server/src/security/audit-log.js';
import { ucdpBalochistanStore } from '../../packages/server/test/release/helpers.js';

const dataDir = new URL('../../packages/engine/examples/data/', import.meta.url).pathname;
const out = `${dataDir}ucdp-balochistan-monthly-eps1`;
const period = { from: '2008-01-01', to: '2022-01-01' };
const partners: PartnersFile = {
  partners: [{
    id: 'public-example', name: 'Public example (UCDP data only)', contact: 'maintainers',
    agreement: { reference: 'EXAMPLE-UCDP-PUBLIC', signed: '2026-01-01', expires: '2030-12-31' },
    epsilonBudget: 1, kinds: ['aggregate'], maxClassification: 'UNCLASSIFIED', microdata: { k: 10, l: 2 },
    licence: 'Example release of public UCDP data (CC BY 4.0 upstream)',
  }],
};
rmSync(out, { recursive: true, force: true });
const store = await ucdpBalochistanStore();
const places = placeDirectory();
const s = await approveRelease(
  { store, audit: new AuditLog(new InMemoryAuditStore()), partners, places, now: new Date(), issuer: 'Baseerat maintainers (example built from UCDP GED, Sundberg and Melander 2013)' },
  { partner: 'public-example', kind: 'aggregate', epsilon: 1, period, provinces: ['Balochistan'], out, approvedBy: { id: 'example', from: 'script' },
    groupings: { levels: ['province', 'district'], time: 'month', category: 'all' }, purpose: 'engine example: reproduce monthly counts from a release' },
);
// Exact monthly counts by district, counted from the same store with the same rules.
const cols = await store.readColumns({ provinces: ['Balochistan'] });
const known = new Set(places.find((p) => p.name === 'Balochistan')!.districts);
const fromMs = Date.parse(`${period.from}T00:00:00+05:00`), toMs = Date.parse(`${period.to}T00:00:00+05:00`);
const exact = new Map<string, number>();
for (let i = 0; i < cols.length; i++) {
  const t = cols.time[i]!;
  if (cols.timePrecision[i]! > 2 || t < fromMs || t >= toMs || CATEGORY_CODES[cols.category[i]!] === undefined) continue;
  const d = cols.district[i]! >= 0 ? cols.districtNames[cols.district[i]!]! : '';
  const k = `${known.has(d) ? d : UNKNOWN_DISTRICT}|${new Date(t + 5 * 3600e3).toISOString().slice(0, 7)}`;
  exact.set(k, (exact.get(k) ?? 0) + 1);
}
const rows = [...exact.entries()].map(([k, count]) => { const [district, month] = k.split('|') as [string, string]; return { district, month, count }; })
  .sort((a, b) => a.district.localeCompare(b.district) || a.month.localeCompare(b.month));
writeFileSync(`${dataDir}ucdp-balochistan-exact-monthly.csv`, toCsv(['district', 'month', 'count'], rows));
await store.close();
console.log(`${s.releaseId}: ${s.rows} rows in ${out}; exact counts: ${rows.length} non-zero district-months, ${rows.reduce((a, r) => a + r.count, 0)} events`);
