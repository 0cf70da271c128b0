/**
 * The live path's append-only journal: the durable write that a NATS batch and its alert changes
 * wait for, instead of the DuckDB commit (see write-behind.ts and docs/monitoring.md "Write-behind").
 *
 * A journal is a directory of segment files `<first seq>.journal`; each line is one entry: its
 * sequence number, a space, and the entry's JSON encoded by the store's FieldCodec (encrypted under
 * the incidents data key in the embedded mode, record id `live-journal:<seq>`), so the journal
 * holds nothing in clear that the store keeps encrypted. `append` resolves once the entry is on
 * disk (written and fdatasync'ed); entries appended while a write is in flight go to disk together
 * in the next one (group commit: one fdatasync for many entries). A segment is rotated past
 * `segmentBytes` and deleted once every entry in it has been applied (`applied(seq)`).
 *
 * The writes and fdatasyncs run on a thread of their own (a worker), not on libuv's thread pool:
 * DuckDB's calls hold that pool's four threads while a checkpoint or a long query runs, and a
 * journal write queued behind them waited seconds in bench/realtime; nor on the main thread, which
 * an fdatasync of megabytes would block.
 *
 * `open` reads what a previous process left (entries not yet applied when it stopped or died): the
 * caller applies them before taking new work. A last line cut short by a crash (no newline, or not
 * decodable) was never acknowledged to anyone and is dropped; any other unreadable line is an error.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BaseeratError } from '@baseerat/engine';
import type { FieldCodec } from '../store/port.js';

export interface JournalOptions {
  /** Encodes each entry at rest (the store's codec). */
  codec: FieldCodec;
  /** A new segment file after this many bytes (default 64 MB). */
  segmentBytes?: number;
}

interface Segment { path: string; firstSeq: number; lastSeq: number; bytes: number }

const SUFFIX = '.journal';

/** True when `dir` holds segment files: entries of a run that stopped before all were applied. */
export function journalHasSegments(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(SUFFIX));
}

export class LiveJournal {
  private nextSeq: number;
  private readonly segments: Segment[] = [];
  private readonly writer: JournalWriter = new JournalWriter();
  private path: string | undefined;
  private buffer: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private appliedSeq = 0;
  private readonly segmentBytes: number;
  /** Main-thread time spent encoding entries, bytes and disk writes (each one fdatasync). */
  readonly stats = { encodeMs: 0, bytes: 0, writes: 0, writeMs: 0 };

  private constructor(private readonly dir: string, private readonly codec: FieldCodec, firstSeq: number, segmentBytes: number) {
    this.nextSeq = firstSeq;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creates) the journal in `dir`; `backlog` holds the entries a previous process left, in order, to be applied before anything new. */
  static open<E>(dir: string, o: JournalOptions): { journal: LiveJournal; backlog: { seq: number; entry: E }[] } {
    mkdirSync(dir, { recursive: true });
    const files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    const backlog: { seq: number; entry: E }[] = [];
    files.forEach((f, fi) => {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      const lastFile = fi === files.length - 1;
      for (let li = 0; li < lines.length; li++) {
        const line = lines[li]!;
        if (line === '') continue;
        const space = line.indexOf(' ');
        const seq = Number(line.slice(0, space));
        try {
          // the last line has no newline after it: cut short by a crash
          if (li === lines.length - 1 || space < 0 || !Number.isInteger(seq)) throw new Error('incomplete line');
          backlog.push({ seq, entry: JSON.parse(o.codec.decode(line.slice(space + 1), 'reports.record', `live-journal:${seq}`)) as E });
        } catch (e) {
          // the end of the last file: a write that never completed (its entries were never acknowledged)
          if (lastFile) break;
          throw new BaseeratError('CONFIG', `live journal ${join(dir, f)} line ${li + 1} is unreadable: ${e instanceof Error ? e.message : String(e)}`, { field: 'journal', cause: e });
        }
      }
    });
    const last = backlog[backlog.length - 1]?.seq ?? 0;
    const journal = new LiveJournal(dir, o.codec, last + 1, o.segmentBytes ?? 64 * 1024 * 1024);
    // the old segments stay until the backlog has been applied (`applied`, then `dropBacklog`)
    for (const f of files) journal.segments.push({ path: join(dir, f), firstSeq: Number.parseInt(f, 10), lastSeq: last, bytes: Number.POSITIVE_INFINITY });
    return { journal, backlog };
  }

  /** Entries appended, not yet known applied. */
  get pendingEntries(): number {
    return this.nextSeq - 1 - this.appliedSeq;
  }

  /** Appends one entry, given as its JSON (the caller may reuse JSON it made anyway); `durable` resolves once it is on disk. */
  append(json: string): { seq: number; durable: Promise<void> } {
    if (this.failure !== undefined) return { seq: -1, durable: Promise.reject(this.failure) };
    const seq = this.nextSeq++;
    const t = performance.now();
    this.buffer.push(`${seq} ${this.codec.encode(json, 'reports.record', `live-journal:${seq}`)}\n`);
    this.stats.encodeMs += performance.now() - t;
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.writeLoop();
    return { seq, durable };
  }

  /** Every entry up to `seq` is in the store: segments holding only such entries are deleted. */
  applied(seq: number): void {
    if (seq > this.appliedSeq) this.appliedSeq = seq;
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.appliedSeq) rmSync(this.segments.shift()!.path, { force: true });
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const lines = this.buffer, waiters = this.waiters;
        this.buffer = []; this.waiters = [];
        const firstSeq = Number.parseInt(lines[0]!, 10), lastSeq = Number.parseInt(lines[lines.length - 1]!, 10);
        try {
          const text = lines.join('');
          const t = performance.now();
          await this.writer.write(this.current(firstSeq), text);
          this.stats.writes++;
          this.stats.writeMs += performance.now() - t;
          this.stats.bytes += text.length;
          const seg = this.segments[this.segments.length - 1]!;
          seg.lastSeq = lastSeq;
          seg.bytes += Buffer.byteLength(text);
          for (const w of waiters) w.resolve();
        } catch (e) {
          this.failure = e;
          for (const w of [...waiters, ...this.waiters]) w.reject(e);
          this.waiters = []; this.buffer = [];
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** The segment to write into, a new one when there is none yet or the current one is full. */
  private current(firstSeq: number): string {
    const seg = this.segments[this.segments.length - 1];
    if (this.path !== undefined && seg !== undefined && seg.bytes < this.segmentBytes) return this.path;
    this.path = join(this.dir, `${String(firstSeq).padStart(12, '0')}${SUFFIX}`);
    this.segments.push({ path: this.path, firstSeq, lastSeq: firstSeq - 1, bytes: 0 });
    // the old segments' entries may now be deleted as soon as they are applied
    this.applied(this.appliedSeq);
    return this.path;
  }

  /** Waits for the entries appended so far to be on disk; stops the writer thread. */
  async close(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    await this.writer.close();
    // every entry is in the store: nothing for the next start to apply again
    if (this.failure === undefined && this.pendingEntries === 0) for (const s of this.segments.splice(0)) rmSync(s.path, { force: true });
  }
}

/** The writer thread: appends text to a file and fdatasyncs it, one request at a time (the file stays open until the next one is named). */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let path, fd;
parentPort.on('message', (m) => {
  try {
    if (m.path !== path) { if (fd !== undefined) fs.closeSync(fd); fd = fs.openSync(m.path, 'a'); path = m.path; }
    const b = Buffer.from(m.text, 'utf8');
    for (let off = 0; off < b.length;) off += fs.writeSync(fd, b, off, b.length - off);
    fs.fdatasyncSync(fd);
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

class JournalWriter {
  private readonly worker = new Worker(WRITER_SOURCE, { eval: true });
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();

  constructor() {
    this.worker.unref();
    this.worker.on('message', (m: { id: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error === undefined) w?.resolve(); else w?.reject(new Error(`live journal write failed: ${m.error}`));
    });
    this.worker.on('error', (e) => { for (const w of this.waiting.values()) w.reject(e); this.waiting.clear(); });
  }

  write(path: string, text: string): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, path, text });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
