/**
 * The row encoder (issue #6): a worker thread that makes the rows of a batch's new incidents (the
 * canonical reports, the `incidents` and `reports` rows, the field encryption: row-encoder-worker.ts)
 * off the main thread, so that DuckDBStore.writeBatch there only numbers them and hands them to the
 * appender. Why not the whole write in a worker: a worker thread cannot open the store's DuckDB
 * database (`DuckDBInstance.fromCache` keeps one cache per thread; a worker that opens the same
 * file gets a second database on it, measured: its insert was invisible to the main thread's
 * connection), and DuckDB lets one database write a file.
 *
 * Use: `prepare(batch)` as soon as a batch is known (the live path's ack-behind applier calls it
 * when a NATS batch is handed to it, so the worker encodes while the main thread runs the live path
 * and the previous write); `writeBatch` takes the encoded rows of its new incidents (`take`), waits
 * for them if the worker has not finished, and makes on the main thread, as before, any incident the
 * worker did not encode or whose rows do not apply (a report dropped as a duplicate, an attachment
 * in the same batch added to it, an error). The rows are those the main thread makes (same
 * functions; test `packages/server/test/store/row-encoder.test.ts` compares the tables).
 */
import { Worker } from 'node:worker_threads';
import { sourceKey, type Link, type NewIncident, type Report } from '@baseerat/engine';
import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import type { KeyRing } from '../../security/field-cipher.js';
import type { IngestBatch } from '../port.js';

/** The data key the worker encrypts with (the store's codec's active key), or undefined: identity (no encryption). */
export interface RowEncoderData {
  codec: { keyId: string; key: Uint8Array; dataset: string } | undefined;
  /** Make each incident's side-file payload too (the store has a side file). */
  detail: boolean;
}

export interface RowEncoderRequest { id: number; incidents: NewIncident[] }
export type EncodedIncident = { ok: true; incident: DuckDBValue[]; reports: DuckDBValue[][]; payloadAt?: [number, number] } | { ok: false };
/** `payloads`: the side-file payloads of the request's incidents, each at its `payloadAt` (offset, length). */
export interface RowEncoderReply { id: number; incidents: EncodedIncident[]; payloads?: ArrayBuffer }

/** A new incident's rows made by the worker: the seq columns still to set; its side-file payload when the store has a side file. */
export interface EncodedRows { incident: DuckDBValue[]; reports: DuckDBValue[][]; payload: Buffer | undefined }

/** Links whose two ends are both among the incident's reports: a link to a skipped or detached record is not kept. */
export function keepLinks(links: readonly Link[], reports: readonly Report[]): Link[] {
  const keys = new Set(reports.map((r) => sourceKey(r.source)));
  return links.filter((l) => keys.has(l.a) && keys.has(l.b));
}

/** The worker's codec for a store encrypted with `keys`' active key of `dataset` (what FieldCipher(keys, dataset) writes with). */
export function rowEncoderCodec(keys: KeyRing, dataset: string): RowEncoderData['codec'] {
  const keyId = keys.activeKeyId(dataset);
  if (keyId === undefined) throw new Error(`row encoder: dataset ${dataset} has no active data key`);
  return { keyId, key: new Uint8Array(keys.key(keyId)), dataset };
}

export interface RowEncoderStats {
  /** Batches posted to the worker, incidents encoded there, incidents whose rows were used by writeBatch. */
  posted: number;
  encoded: number;
  used: number;
  /** Wall time writeBatch waited for the worker (ms). */
  waitMs: number;
}

export class RowEncoder {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly replies = new Map<number, (r: RowEncoderReply) => void>();
  private readonly byIncident = new WeakMap<NewIncident, { reply: Promise<RowEncoderReply | undefined>; index: number }>();
  private failure: Error | undefined;
  readonly stats: RowEncoderStats = { posted: 0, encoded: 0, used: 0, waitMs: 0 };

  constructor(readonly data: RowEncoderData) {
    this.worker = new Worker(new URL('./row-encoder-entry.mjs', import.meta.url), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: RowEncoderReply) => {
      this.stats.encoded += m.incidents.length;
      const r = this.replies.get(m.id);
      this.replies.delete(m.id);
      r?.(m);
    });
    const fail = (e: Error) => {
      // a worker that fails (not closed) is said once; the rows are made on the main thread from then on
      if (this.failure === undefined) console.error(`warning: the row encoder's worker thread stopped (${e.message}); new incidents' rows are made on the main thread`);
      this.failure ??= e;
      // whatever waits is made on the main thread
      for (const r of this.replies.values()) r({ id: 0, incidents: [] });
      this.replies.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`row encoder worker stopped (exit code ${code})`)));
  }

  /** The key the worker writes with (undefined: identity), for the store to check against its own codec. */
  get keyId(): string | undefined {
    return this.data.codec?.keyId;
  }

  /** Posts the batch's new incidents not posted before to the worker. */
  prepare(batch: IngestBatch): void {
    if (this.failure !== undefined) return;
    const unposted = batch.newIncidents.filter((n) => !this.byIncident.has(n));
    if (unposted.length === 0) return;
    const id = this.nextId++;
    const reply = new Promise<RowEncoderReply | undefined>((resolve) => this.replies.set(id, resolve));
    unposted.forEach((n, index) => this.byIncident.set(n, { reply, index }));
    this.stats.posted++;
    this.worker.postMessage({ id, incidents: unposted } satisfies RowEncoderRequest);
  }

  /**
   * The rows of each of these incidents that the worker encoded (after `prepare`): the incident's row
   * without its seq columns, and its reports' rows with seq 0, TIMESTAMP values restored; undefined
   * for one it did not.
   */
  async take(incidents: readonly NewIncident[]): Promise<Map<NewIncident, EncodedRows>> {
    const out = new Map<NewIncident, EncodedRows>();
    const t = performance.now();
    for (const n of incidents) {
      const p = this.byIncident.get(n);
      if (p === undefined) continue;
      this.byIncident.delete(n);
      const reply = await p.reply;
      const e = reply?.incidents[p.index];
      if (e === undefined || !e.ok) continue;
      ts(e.incident, 1); ts(e.incident, 3);
      for (const r of e.reports) ts(r, 4);
      const payload = e.payloadAt === undefined || reply?.payloads === undefined ? undefined : Buffer.from(reply.payloads, e.payloadAt[0], e.payloadAt[1]);
      out.set(n, { incident: e.incident, reports: e.reports, payload });
    }
    this.stats.waitMs += performance.now() - t;
    return out;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('row encoder closed');
    await this.worker.terminate();
  }
}

function ts(row: DuckDBValue[], i: number): void {
  const v = row[i];
  if (typeof v === 'bigint') row[i] = new DuckDBTimestampValue(v);
}
