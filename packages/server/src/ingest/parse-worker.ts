/**
 * The parse worker (a `worker_threads` worker, loaded through parse-worker-entry.mjs): reads one
 * file, runs each row through the reader and the adapter (date parsing, geocoding, H3, the report
 * check) and posts the results to the main thread in file order, in chunks (`ConvertedChunk`), so
 * that the main thread only links and writes. Flow control: at most `maxChunksInFlight` chunks are
 * posted and not yet taken by the main thread (it acks each as it takes it), so memory stays bounded
 * however fast the worker reads. Errors that stop the file (an unreadable file) are posted as an
 * `error` message with the BaseeratError's code, field and details.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BaseeratError } from '@baseerat/engine';
import type { Adapter, AdapterContext } from './adapter.js';
import { builtinAdapters } from './adapters/index.js';
import { ChunkEncoder, type ConvertedChunk } from './converted-chunk.js';
import { mappingAdapter, type Mapping } from './mapping.js';
import { readItems, runAdapter } from './read-items.js';
import { newReaderStats, type ReaderStats } from './readers/index.js';
import { loadGeography } from '../reference/geography.js';

/** How the worker rebuilds the main thread's adapter. */
export type AdapterSpec = { kind: 'mapping'; mapping: Mapping } | { kind: 'builtin'; format: string };

export interface ParseWorkerData {
  path: string;
  adapter: AdapterSpec;
  /** The session's adapter context without the geocoder (the worker loads the shipped geography at this resolution). */
  ctx: Omit<AdapterContext, 'geocoder'>;
  h3Resolution: number;
  rowsPerChunk: number;
  maxChunksInFlight: number;
}

export type ParseWorkerMessage =
  | { type: 'chunk'; chunk: ConvertedChunk; stats: ReaderStats }
  | { type: 'done'; stats: ReaderStats }
  | { type: 'error'; error: { code: string | undefined; message: string; field: string | undefined; details: unknown } };

export function adapterFromSpec(spec: AdapterSpec): Adapter {
  if (spec.kind === 'mapping') return mappingAdapter(spec.mapping);
  const a = builtinAdapters[spec.format];
  if (a === undefined) throw new BaseeratError('CONFIG', `parse worker: no built-in adapter '${spec.format}'`, { field: 'format' });
  return a;
}

async function run(port: NonNullable<typeof parentPort>, data: ParseWorkerData): Promise<void> {
  const adapter = adapterFromSpec(data.adapter);
  const ctx: AdapterContext = { ...data.ctx, geocoder: loadGeography({ h3Resolution: data.h3Resolution }) };
  const stats = newReaderStats();
  const enc = new ChunkEncoder();
  let inFlight = 0;
  let resume: (() => void) | undefined;
  port.on('message', (m: { type: string }) => {
    if (m.type !== 'ack') return;
    inFlight--;
    const r = resume;
    resume = undefined;
    r?.();
  });
  const send = async () => {
    while (inFlight >= data.maxChunksInFlight) await new Promise<void>((r) => { resume = r; });
    const chunk = enc.take();
    inFlight++;
    const msg: ParseWorkerMessage = { type: 'chunk', chunk, stats: { ...stats } };
    port.postMessage(msg, [chunk.lines.buffer, chunk.failedAt.buffer, chunk.numbers.buffer, chunk.symbolRefs.buffer] as ArrayBuffer[]);
  };
  for await (const items of readItems(adapter, createReadStream(data.path, { highWaterMark: 1 << 20 }), stats)) {
    for (const item of items) {
      if (!item.ok) enc.fail(item.line, item.raw, item.issues);
      else {
        const r = runAdapter(adapter, item.row, item.raw, item.line, ctx);
        if (r.ok) enc.report(item.line, r.value);
        else enc.fail(item.line, item.raw, r.error);
      }
      if (enc.size >= data.rowsPerChunk) await send();
    }
  }
  if (enc.size > 0) await send();
  const done: ParseWorkerMessage = { type: 'done', stats: { ...stats } };
  // the main thread terminates this worker once it has the last message
  port.postMessage(done);
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && (workerData as { path?: unknown }).path !== undefined) {
  const port = parentPort;
  run(port, workerData as ParseWorkerData).catch((e: unknown) => {
    const b = e instanceof BaseeratError ? e : undefined;
    const msg: ParseWorkerMessage = {
      type: 'error',
      error: { code: b?.code, message: e instanceof Error ? e.message : String(e), field: b?.field, details: b?.details },
    };
    port.postMessage(msg);
  });
}
