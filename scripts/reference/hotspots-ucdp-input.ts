/**
 * Builds the shared input of the hotspot reference checks from REAL data: UCDP GED events in
 * Balochistan (adm_1 "Balochistan province") with location precision 1-2 (exact or within 25 km),
 * binned to H3 resolution 6. The study area is every occupied cell plus its 1-ring (so that empty
 * cells next to events take part as zeros, as in packages/engine/src/analysis/hotspots.ts).
 * Neighbour lists (H3 1-ring, 0-based, with and without self) are written so that R uses exactly the
 * same cells and neighbours: the reference checks the statistics, not the neighbour finding.
 *
 * Run: npx tsx scripts/reference/hotspots-ucdp-input.ts
 * Then: Rscript scripts/reference/hotspots-spdep.R
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { gridDisk, latLngToCell } from 'h3-js';

const rows = parse(readFileSync('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), {
  columns: true,
  skip_empty_lines: true,
}) as Record<string, string>[];
const events = rows
  .filter((r) => r.adm_1 === 'Balochistan province' && (r.where_prec === '1' || r.where_prec === '2'))
  .map((r) => ({ id: Number(r.id), lat: Number(r.latitude), lon: Number(r.longitude), year: Number(r.year), best: Number(r.best), wherePrec: Number(r.where_prec) }))
  .sort((a, b) => a.id - b.id);

const resolution = 6;
const occupied = new Map<string, number>();
const harm = new Map<string, number>();
for (const e of events) {
  const c = latLngToCell(e.lat, e.lon, resolution);
  occupied.set(c, (occupied.get(c) ?? 0) + 1);
  harm.set(c, (harm.get(c) ?? 0) + e.best);
}
const study = new Set<string>();
for (const c of occupied.keys()) for (const d of gridDisk(c, 1)) study.add(d);
const cells = [...study].sort();
const index = new Map(cells.map((c, i) => [c, i]));
const nbSelf = cells.map((c) => gridDisk(c, 1).map((d) => index.get(d)).filter((j): j is number => j !== undefined).sort((a, b) => a - b));
const nbNoSelf = nbSelf.map((l, i) => l.filter((j) => j !== i));
const counts = cells.map((c) => occupied.get(c) ?? 0);
const deaths = cells.map((c) => harm.get(c) ?? 0);

writeFileSync(
  'packages/engine/test/fixtures/reference/hotspots-ucdp-input.json',
  JSON.stringify({
    description: 'UCDP GED Balochistan events (where_prec 1-2), H3 res 6, occupied cells + 1-ring; input to scripts/reference/hotspots-spdep.R',
    resolution,
    events,
    cells,
    counts,
    deaths,
    nbSelf,
    nbNoSelf,
  }),
);
console.log(`${events.length} events, ${occupied.size} occupied cells, ${cells.length} study cells`);
