/**
 * The wiring the CLI commands share: open the store, load the shipped geography, ingest a file with
 * the real linker and a progress display. Kept here so that every command ingests the same way.
 */
import { DEFAULT_LINK_RULES, linkBatch, type LinkRules } from '@baseerat/engine';
import { resolveAdapter, ingestFile, type IngestSummary } from '../ingest/index.js';
import { loadGeography } from '../reference/geography.js';
import type { Store } from '../store/index.js';
import { withEmbedded } from './commands/serve.js';
import { createProgress } from './progress.js';

/**
 * Opens the store for a command with its sensitive columns encrypted (master key from
 * BASEERAT_MASTER_KEY, else `master.key` beside the database, created on first use as `serve`
 * does), runs `fn` and closes it.
 */
export async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  return withEmbedded(db, true, (e) => fn(e.store));
}

export interface IngestCommandOptions {
  format: string;
  mapping?: string;
  agency?: string;
  receivedAt?: string;
  quiet?: boolean;
  linkRules?: LinkRules;
}

export async function ingestOne(store: Store, file: string, o: IngestCommandOptions): Promise<IngestSummary> {
  const adapter = await resolveAdapter(o.format, o.mapping);
  const geocoder = loadGeography();
  const progress = createProgress({ quiet: o.quiet === true });
  let started = false;
  const summary = await ingestFile(file, {
    adapter,
    ...(o.agency === undefined ? {} : { agency: o.agency }),
    store,
    geocoder,
    link: linkBatch,
    linkRules: o.linkRules ?? DEFAULT_LINK_RULES,
    receivedAt: o.receivedAt ?? new Date().toISOString(),
    onProgress: (p) => {
      if (!started) { progress.start(p.totalBytes, `ingest ${file}`); started = true; }
      progress.update(p.bytesRead, `${p.rowsRead.toLocaleString('en-US')} rows, ${p.quarantined} quarantined`);
    },
  });
  if (started) progress.stop(`${summary.rowsRead.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(1)} s`);
  return summary;
}
