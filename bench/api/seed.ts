/**
 * Fills a DuckDB store with N synthetic Balochistan incidents for the API benchmark: every district
 * (weighted by 2023 census population), 2015-2024, all categories, five agencies, points inside their
 * district. Deterministic (SeededRng); written through the Store port (`writeBatch`, 100,000 a batch)
 * on the encrypted embedded store, as `serve` opens it.
 */
import { CATEGORY_CODES, incidentIdFor, SeededRng, type Classification, type NewIncident } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const AGENCIES = ['police', 'levies', 'fc', 'ctd', 'rescue1122'];
const CLASSIFICATIONS: Classification[] = ['UNCLASSIFIED', 'UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL'];

export async function seedIncidents(file: string, n: number, log: (s: string) => void): Promise<number> {
  const geography = loadGeography();
  const rng = new SeededRng(20261127);
  const districts = geography.districtsIn('Balochistan');
  const weights = districts.map((d) => d.population ?? 100_000);
  const totalW = weights.reduce((a, b) => a + b, 0);
  const cumulative = weights.map((_w, i) => weights.slice(0, i + 1).reduce((a, b) => a + b, 0) / totalW);
  const pools = districts.map((d) => {
    const pts: [number, number][] = [];
    for (let k = 0; k < 4000 && pts.length < 64; k++) {
      const lat = d.bbox[1] + rng.next() * (d.bbox[3] - d.bbox[1]);
      const lon = d.bbox[0] + rng.next() * (d.bbox[2] - d.bbox[0]);
      if (geography.locate(lat, lon)?.district === d.name) pts.push([lat, lon]);
    }
    return pts.length > 0 ? pts : [[d.centroid.lat, d.centroid.lon] as [number, number]];
  });
  const key = await resolveMasterKey(file, { create: true, warn: log });
  const e = await openEmbedded(file, key, new Date());
  try {
    const have = await e.store.countIncidents({});
    const start = Date.UTC(2015, 0, 1);
    const span = Date.UTC(2025, 0, 1) - start;
    for (let from = have; from < n; from += 100_000) {
      const batch: NewIncident[] = [];
      const t0 = Date.now();
      for (let i = from; i < Math.min(n, from + 100_000); i++) {
        const u = rng.next();
        let di = cumulative.findIndex((c) => u <= c);
        if (di < 0) di = districts.length - 1;
        const d = districts[di]!;
        const pool = pools[di]!;
        const [lat, lon] = pool[Math.floor(rng.next() * pool.length)]!;
        const t = start + Math.floor(rng.next() * span / 60_000) * 60_000;
        const agency = AGENCIES[i % AGENCIES.length]!;
        batch.push({
          id: incidentIdFor(`${agency}:B${i}`),
          reports: [{
            occurredAt: new Date(t).toISOString(), timePrecision: 'exact',
            location: { lat, lon, precision: 'exact', district: d.name, province: 'Balochistan' },
            category: CATEGORY_CODES[Math.floor(rng.next() * CATEGORY_CODES.length)]!, severity: { killed: i % 3, injured: i % 5, abducted: 0 },
            classification: CLASSIFICATIONS[i % CLASSIFICATIONS.length]!, reportingMode: 'public',
            source: { agency, sourceId: `B${i}`, receivedAt: new Date(t + 3_600_000).toISOString(), format: 'bench', raw: `B${i}` },
          }],
          links: [],
        });
      }
      await e.store.writeBatch({ newIncidents: batch, attachments: [], quarantine: [] });
      log(`seeded ${Math.min(n, from + 100_000).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} (${((Date.now() - t0) / 1000).toFixed(1)} s for this batch)`);
    }
    return await e.store.countIncidents({});
  } finally {
    await e.close();
  }
}
