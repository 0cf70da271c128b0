/**
 * The main thread's side of the parse worker (parse-worker.ts): when a file can be parsed there
 * (`parseWorkerPlan`), and the ingest of a file whose rows arrive converted (`ingestFileInWorker`).
 *
 * The worker reads and converts; this thread takes its chunks in order, acks each as it takes it
 * (the worker keeps at most `maxChunksInFlight` un-taken chunks, so memory is bounded), and feeds
 * them to the same `IngestSession` as the in-process path: duplicates, linking, writing, the run
 * record and the summary are the same code. The session's reader counts (bytes, blank lines,
 * skipped rows, header) are the worker's, copied from each message, so progress is as before.
 */
import { Worker } from 'node:worker_threads';
import { BaseeratError, Geography, type ErrorCode } from '@baseerat/engine';
import type { Adapter } from './adapter.js';
import { builtinAdapters } from './adapters/index.js';
import type { AdapterSpec, ParseWorkerData, ParseWorkerMessage } from './parse-worker.js';
import { IngestSession, type IngestOptions, type IngestSummary } from './pipeline.js';
import { checkHeader, hasCheckColumns } from './read-items.js';
import { loadGeography } from '../reference/geography.js';

/** Files below this size are parsed in-process under `parseInWorker: 'auto'` (a worker takes ~1 s to start). */
export const PARSE_WORKER_MIN_BYTES = 4 * 1024 * 1024;

export interface ParseWorkerPlan {
  adapter: AdapterSpec;
  h3Resolution: number;
}

/** How the worker can rebuild this adapter, if it can: a mapping file's adapter, or a built-in one. */
export function adapterSpecOf(adapter: Adapter): AdapterSpec | undefined {
  if (hasCheckColumns(adapter)) return { kind: 'mapping', mapping: adapter.mapping };
  for (const [format, a] of Object.entries(builtinAdapters)) if (a === adapter) return { kind: 'builtin', format };
  return undefined;
}

/** The H3 resolution of the shipped geography when `geocoder` is it (the worker loads its own), else undefined. */
function shippedResolution(geocoder: unknown): number | undefined {
  if (!(geocoder instanceof Geography)) return undefined;
  return loadGeography({ h3Resolution: geocoder.h3Resolution }) === geocoder ? geocoder.h3Resolution : undefined;
}

/** Whether (and how) `ingestFile` parses this file in a worker thread; see `IngestOptions.parseInWorker`. */
export function parseWorkerPlan(opts: IngestOptions, size: number): ParseWorkerPlan | undefined {
  const mode = opts.parseInWorker ?? 'auto';
  if (mode === false || (mode === 'auto' && size < PARSE_WORKER_MIN_BYTES)) return undefined;
  const adapter = adapterSpecOf(opts.adapter);
  const h3Resolution = shippedResolution(opts.geocoder);
  if (adapter !== undefined && h3Resolution !== undefined) return { adapter, h3Resolution };
  if (mode === 'auto') return undefined;
  throw new BaseeratError('CONFIG', `parseInWorker: ${adapter === undefined ? `adapter ${opts.adapter.name} is neither a mapping file's nor a built-in one` : 'the geocoder is not the shipped geography'}, so the worker cannot rebuild it`, {
    field: 'parseInWorker',
  });
}

/** Rows per message from the worker, and messages the worker may have posted ahead. */
const ROWS_PER_CHUNK = 2_000;
const MAX_CHUNKS_IN_FLIGHT = 4;

/** `ingestFile` with reading and conversion in a worker thread (`plan` from `parseWorkerPlan`). */
export async function ingestFileInWorker(path: string, opts: IngestOptions & { origin: string; totalBytes: number }, plan: ParseWorkerPlan): Promise<IngestSummary> {
  const session = new IngestSession(opts, opts.origin);
  session.totalBytes = opts.totalBytes;
  const { geocoder: _geocoder, ...ctx } = session.ctx;
  const data: ParseWorkerData = { path, adapter: plan.adapter, ctx, h3Resolution: plan.h3Resolution, rowsPerChunk: ROWS_PER_CHUNK, maxChunksInFlight: MAX_CHUNKS_IN_FLIGHT };
  const worker = new Worker(new URL('./parse-worker-entry.mjs', import.meta.url), { workerData: data });
  const inbox: ParseWorkerMessage[] = [];
  let failure: Error | undefined;
  let finished = false;
  let wake: (() => void) | undefined;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  worker.on('message', (m: ParseWorkerMessage) => { inbox.push(m); poke(); });
  worker.on('error', (e: Error) => { failure ??= e; poke(); });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new BaseeratError('CONFIG', `parse worker of ${opts.origin} stopped (exit code ${code}) before the end of the file`, { field: 'parseInWorker' });
    poke();
  });
  try {
    let checked = false;
    for (;;) {
      while (inbox.length === 0 && failure === undefined) await new Promise<void>((r) => { wake = r; });
      const m = inbox.shift();
      if (m === undefined) throw failure!;
      if (m.type === 'error') {
        const e = m.error;
        throw new BaseeratError((e.code ?? 'PARSE') as ErrorCode, e.message, {
          ...(e.field === undefined ? {} : { field: e.field }),
          ...(e.details === undefined ? {} : { details: e.details as Record<string, unknown> }),
        });
      }
      Object.assign(session.stats, m.stats);
      if (!checked) checked = checkHeader(opts.adapter, session.origin, session.stats);
      if (m.type === 'done') { finished = true; break; }
      worker.postMessage({ type: 'ack' });
      await session.pushChunk(m.chunk);
    }
    return await session.finish();
  } finally {
    finished = true;
    await worker.terminate();
  }
}
