/**
 * Report benchmark: a monthly threat assessment (all sections, English) over a store of 10,000
 * incidents (the demo's synthetic multi-agency generator, seed 2024, over 2024; encrypted embedded
 * store as `baseerat demo` makes it), rendered to HTML, PDF (Chromium, two passes for the contents'
 * page numbers) and XLSX. The brief's target: under 15 s on the 2-core development machine.
 * Reference measured in the same run: one read of the year's columns (what every section builds on).
 * Run: npx tsx bench/report/monthly-report.bench.ts [incidents] [period]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LINK_RULES, linkBatch } from '../../packages/engine/src/index.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { writeSyntheticFeed } from '../../packages/server/src/generate/index.js';
import { ingestFile, resolveAdapter } from '../../packages/server/src/ingest/index.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { generateReport } from '../../packages/server/src/report/report-service.js';

const incidents = Number(process.argv[2] ?? 10000);
const period = process.argv[3] ?? '2024-12';
const geography = loadGeography();
const dir = mkdtempSync(join(tmpdir(), 'baseerat-report-bench-'));
const env = await openEmbedded(':memory:', randomBytes(32), new Date());
try {
  const feed = writeSyntheticFeed(join(dir, 'feed'), { seed: 2024, start: '2024-01-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z', incidents });
  for (const f of feed.feed.feeds) {
    const file = join(dir, 'feed', f.fileName);
    if (!existsSync(file)) continue;
    await ingestFile(file, {
      adapter: await resolveAdapter(f.mapping.reader, join(dir, 'feed', 'mappings', `${f.agency}.json`)), store: env.store, geocoder: geography,
      link: linkBatch, linkRules: DEFAULT_LINK_RULES, receivedAt: '2025-01-01T00:00:00.000Z',
    });
  }
  const stored = await env.store.countIncidents({});
  const refT = performance.now();
  const cols = await env.store.readColumns({ provinces: ['Balochistan'] });
  const refMs = performance.now() - refT;

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await generateReport({ store: env.store, geography }, {
    template: 'monthly', period, formats: ['html', 'pdf', 'xlsx'], outDir: join(dir, 'out'), generatedBy: 'bench', now: new Date('2025-01-02T00:00:00.000Z'),
  });
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const t = r.timings;
  console.log(`store: ${stored.toLocaleString('en-US')} incidents from ${incidents.toLocaleString('en-US')} generated (${cols.length.toLocaleString('en-US')} in Balochistan); report ${period} [${r.model.classification}]`);
  console.log(`model ${(t.model ?? 0).toFixed(0)} ms, html ${(t.html ?? 0).toFixed(0)} ms, pdf ${(t.pdf ?? 0).toFixed(0)} ms, xlsx ${(t.xlsx ?? 0).toFixed(0)} ms`);
  console.log(`total ${(totalMs / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU of this process (Chromium's own CPU not included); target 15 s: ratio ${(totalMs / 15000).toFixed(2)}`);
  console.log(`reference: one read of the year's columns ${refMs.toFixed(0)} ms; the report costs ${(totalMs / refMs).toFixed(0)} such reads`);
} finally {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
}
