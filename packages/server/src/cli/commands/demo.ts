/**
 * `baseerat demo`, the main job (`npm start`): load the shipped UCDP events and a generated
 * multi-agency Balochistan feed into the embedded store, score the cross-agency linking against the
 * generator's truth, and print a summary. Idempotent: running it again adds nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { scoreLinking, sourceKey, type FeedTruth } from '@baseerat/engine';
import { writeSyntheticFeed } from '../../generate/index.js';
import type { IngestSummary } from '../../ingest/index.js';
import type { Store } from '../../store/index.js';
import { referencePath } from '../config.js';
import { formatTable, printJson } from '../output.js';
import { ingestOne, withStore } from '../services.js';
import { printStats } from './stats.js';
import { runServe } from './serve.js';
import type { Embedded } from '../../api/embedded.js';
import { dirname } from 'node:path';
import { loadGeography } from '../../reference/geography.js';
import { ReportArchive, type ArchivedReport } from '../../report/archive.js';
import { generateReport } from '../../report/report-service.js';
import { dbPath } from '../config.js';

/** The demo's monthly report: December 2024, the last month of the generated feed. */
export const DEMO_REPORT = { template: 'monthly', period: '2024-12' } as const;

/**
 * Writes the demo's monthly threat assessment into the report archive beside the store (the one
 * `serve` lists at /api/reports), once: a second run finds it and adds nothing.
 */
export async function demoMonthlyReport(store: Store, db: string | undefined): Promise<{ report: ArchivedReport; pdf: string }> {
  const archive = await ReportArchive.open(join(dirname(resolve(dbPath(db))), 'reports'));
  try {
    const existing = (await archive.list()).find((r) => r.generatedBy === 'demo' && r.period === DEMO_REPORT.period && r.district === null);
    const report = existing ?? (await generateReport({ store, geography: loadGeography() }, {
      ...DEMO_REPORT, formats: ['pdf', 'html', 'xlsx'], archive, generatedBy: 'demo', now: new Date(DEMO_FEED.end),
    })).archived!;
    return { report, pdf: archive.filePath(report.id, 'pdf') };
  } finally {
    await archive.close();
  }
}

/**
 * The generated feed covers the year 2024 in Pakistan time (UTC+5), the time every page, analysis
 * and report is read in: 1 January 2024 00:00 PKT to 1 January 2025 00:00 PKT. (A UTC year put its
 * last five hours into January 2025, a two-incident month that read as a 100% fall.)
 */
export const DEMO_FEED = { seed: 2024, start: '2023-12-31T19:00:00.000Z', end: '2024-12-31T19:00:00.000Z' } as const;

/** Source key -> stored incident id for the given agencies, paging through the store. */
export async function storedClusters(store: Store, agencies: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const limit = 5000;
  for (let offset = 0; ; offset += limit) {
    const page = await store.listIncidents({ agencies }, { offset, limit });
    for (const inc of page.items) for (const s of inc.sources) if (agencies.includes(s.agency)) out.set(sourceKey(s), inc.id);
    if (offset + limit >= page.total) break;
  }
  return out;
}

export function truthClusters(truth: FeedTruth): Map<string, string> {
  return new Map(truth.reports.map((r) => [sourceKey(r), r.incidentId]));
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('The main job: load the shipped UCDP sample and a generated multi-agency feed into the embedded store and print a summary')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--feed-dir <dir>', 'where the generated feed is written', 'data/demo-feed')
    .option('--json', 'print the summary as JSON')
    .option('-q, --quiet', 'no progress display')
    .option('--no-serve', 'run the job and exit (implied by --json) instead of serving the dashboard on the demo data')
    .option('--port <n>', 'port of the dashboard served after the job', '8080')
    .option('--host <addr>', 'address the dashboard listens on', '127.0.0.1')
    .action(async (o: { db?: string; feedDir: string; json?: boolean; quiet?: boolean; serve?: boolean; port: string; host: string }) => {
      const quiet = o.quiet === true || o.json === true;
      const log = (s: string) => { if (!quiet) console.error(s); };
      const result = await withStore(o.db, async (store) => {
        const runs: IngestSummary[] = [];
        log('1/3  UCDP GED Pakistan 1989-2021 (shipped, real data)');
        runs.push(await ingestOne(store, referencePath('ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), {
          format: 'ucdp', quiet, receivedAt: '2022-06-01T00:00:00.000Z',
        }));

        const dir = resolve(o.feedDir);
        log(`2/3  generating a synthetic multi-agency Balochistan feed for 2024 (seed ${DEMO_FEED.seed}) in ${dir}`);
        const feed = writeSyntheticFeed(dir, { ...DEMO_FEED });
        for (const f of feed.feed.feeds) {
          const file = join(dir, f.fileName);
          const mapping = join(dir, 'mappings', `${f.agency}.json`);
          if (!existsSync(file)) continue;
          runs.push(await ingestOne(store, file, { format: f.mapping.reader, mapping, quiet, receivedAt: DEMO_FEED.end }));
        }

        log('3/3  scoring cross-agency linking against the generator\'s truth');
        const agencies = feed.feed.feeds.map((f) => f.agency);
        const score = scoreLinking(await storedClusters(store, agencies), truthClusters(feed.feed.truth));
        const stats = await store.stats();
        const balochistan = stats.byProvince['Balochistan'] ?? 0;
        log(`then: the monthly threat assessment of the demo data, ${DEMO_REPORT.period} (PDF, HTML, XLSX)`);
        const monthly = await demoMonthlyReport(store, o.db);
        return { runs, linking: score, stats, balochistan, generated: { incidents: feed.incidents, reports: feed.reports, malformed: feed.malformed }, monthlyReport: monthly };
      });

      if (o.json === true) return printJson(result);
      console.log('\nIngest runs');
      console.log(formatTable(['feed', 'format', 'rows', 'new incidents', 'linked', 'duplicates', 'quarantined', 'seconds'], result.runs.map((r) => [
        r.origin.split('/').pop() ?? r.origin, r.format, r.rowsRead, r.inserted, r.attached, r.duplicates, r.quarantined, Number(r.seconds.toFixed(2)),
      ])));
      const l = result.linking;
      console.log(`\nCross-agency linking on the generated feed, scored against its truth: precision ${l.precision.toFixed(3)}, recall ${l.recall.toFixed(3)} (${l.correctPairs.toLocaleString('en-US')} of ${l.truePairs.toLocaleString('en-US')} true pairs joined, ${(l.predictedPairs - l.correctPairs).toLocaleString('en-US')} wrong)`);
      console.log(`Generated: ${result.generated.incidents.toLocaleString('en-US')} true incidents, ${result.generated.reports.toLocaleString('en-US')} agency reports, ${result.generated.malformed.toLocaleString('en-US')} malformed rows\n`);
      printStats(result.stats);
      console.log(`\nMonthly threat assessment ${DEMO_REPORT.period} [${result.monthlyReport.report.classification}]: ${result.monthlyReport.pdf} (also .html and .xlsx; listed at /api/reports)`);
      console.log(`\nStore: ${o.db ?? process.env.BASEERAT_DB ?? 'data/baseerat.duckdb'}. Next: \`npm run baseerat -- stats --province Balochistan\`, \`npm run baseerat -- quarantine\`.`);
      if (o.serve === false) return;
      console.log('\nServing the dashboard on the demo data (`npm start -- --no-serve` runs the job and exits).');
      await runServe({ ...(o.db === undefined ? {} : { db: o.db }), port: o.port, host: o.host, web: true }, { afterOpen: (e) => createDemoAnalyst(e) });
    });
}

/**
 * The demo's first login: the administrator that `serve` creates reads no incident data (separation
 * of duties), so the demo also creates a province-wide analyst, once, and prints how to sign in.
 */
export async function createDemoAnalyst(e: Embedded): Promise<void> {
  if ((await e.security.accounts.listUsers()).some((u) => u.username === 'analyst')) {
    console.log('Sign in as `analyst` with the password and authenticator entry printed on the first run (lost them? stop the server and run `npm run baseerat -- user reset-2fa analyst`).');
    return;
  }
  const password = randomBytes(12).toString('base64url');
  const en = await e.security.accounts.createUser({ username: 'analyst', password, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'demo' }, new Date());
  console.log('\nFirst login (shown once): open the dashboard address below and sign in with');
  console.log('  username: analyst');
  console.log(`  password: ${password}`);
  console.log(`  second factor: add ${en.otpauthUri} to an authenticator app`);
  console.log(`                 (or type the 6-digit code from \`oathtool --totp -b ${en.totpSecret}\`)`);
}
