/**
 * The incident detail side file (issue #7): a row-oriented, append-only file next to the DuckDB
 * file (`<db>.detail`) holding, per incident version, what `getIncident` reads (the incident row
 * and its sources, encoded as the store stores them: sensitive fields stay ciphertext), so that
 * the map's click is one positioned read instead of two DuckDB point queries (a columnar engine
 * decompresses whole vectors for one row: 4-9 ms of CPU at 1,000,000 incidents).
 *
 * Layout: a 24-byte file header (16 bytes of magic, then the store's token, f64: a random number
 * kept in the DuckDB file's `detail_state`, renewed by every migration), then frames. A frame is a
 * 28-byte header (u32 kind, u32 payload length, f64 a, f64 b, u32 CRC-32 of the payload; little
 * endian) and its payload:
 * - INCIDENT: a = the row's `seq`, b = the seq of the version it supersedes (-1: none); payload the
 *   JSON `[row, sources]` (detail-record.ts).
 * - COMMIT: a = the largest incident seq, b = the largest report seq once the batch is committed;
 *   no payload. Every write that changes an incident appends at least one incident row with a
 *   higher seq than any before (seqs are never reused), so this pair is the store's generation at
 *   no cost to the write: the store appends the batch's frames and then this marker after DuckDB's
 *   commit. Frames after the last COMMIT are a batch that never committed (dropped at open).
 *   Re-encryption, the one write that changes stored values without new seqs, deletes the file
 *   before its commit.
 *
 * At open the file is scanned in the background (every frame's CRC checked); it is used only when
 * its token is the store's, its last COMMIT equals DuckDB's largest seqs, and the version at the
 * largest incident seq equals DuckDB's row and sources (`verify`: a file from another history of
 * the same store, after a restored backup, differs there). Behind (a crash between DuckDB's
 * commit and the marker), ahead, another store's or history's, torn or missing: it is rebuilt from
 * DuckDB in the background. Until it is `ready`, and for any seq it does not hold, reads go to
 * DuckDB: the side file never answers what DuckDB would not.
 *
 * In memory: per seq, the frame's offset (Float64Array) and length (Uint32Array): 12 bytes a seq
 * (1,000,000 incidents: 12 MB; 5,000,000: 60 MB, plus up to a quarter of slack).
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, read, readSync, renameSync, rmSync, statSync, writev } from 'node:fs';
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('BASEERAT DETAIL2', 'latin1'); // 16 bytes, then the store's token (f64)
const FILE_HEADER_BYTES = 24;
const FRAME_HEADER = 28;
const KIND_INCIDENT = 0x49_4e_43_31; // 'INC1'
const KIND_COMMIT = 0x43_4d_54_31; // 'CMT1'
/** Frames are written in pieces of about this size while a batch runs. */
const FLUSH_BYTES = 4 << 20;
/** The scan at open reads the file in pieces of this size. */
const SCAN_BYTES = 16 << 20;
/** Parsed payloads kept by `readParsed` (the list's pages: about 1 KB each as parsed, sensitive values still ciphertext). */
const PARSED_MAX = 16_384;

export type DetailState = 'loading' | 'rebuilding' | 'ready' | 'invalid' | 'closed';

/** Frames of one write transaction, added while it runs; committed (or dropped) with it. */
export interface DetailBatch {
  /** Frames not yet written (or, while the file is not ready, all of them). */
  frames: Buffer[];
  bytes: number;
  /** Per frame of the batch: seq, its offset relative to the batch's start, length, superseded seq. */
  entries: number[];
  /** Bytes of the batch already written to the file (ready state only), from `start`. */
  written: number;
  start: number;
}

/** DuckDB's largest incident and report seqs: the store's generation (see COMMIT above). */
export interface Mark { incidents: number; reports: number }

interface Handle { fd: number }

/** A committed batch kept while the file is rebuilt, with its generation. */
interface Held { mark: Mark; frames: Buffer[]; entries: number[] }

export function frame(kind: number, a: number, b: number, payload?: Buffer | string | readonly string[]): Buffer {
  if (typeof payload === 'string') return textFrame(kind, a, b, [payload]);
  if (payload !== undefined && !(payload instanceof Uint8Array)) return textFrame(kind, a, b, payload);
  const h = Buffer.allocUnsafe(FRAME_HEADER);
  h.writeUInt32LE(kind, 0);
  h.writeUInt32LE(payload?.length ?? 0, 4);
  h.writeDoubleLE(a, 8);
  h.writeDoubleLE(b, 16);
  h.writeUInt32LE(payload === undefined ? 0 : crc32(payload), 24);
  return payload === undefined ? h : Buffer.concat([h, payload]);
}

/**
 * The frame of a payload given as text, whole or in consecutive parts (its UTF-8 bytes are the
 * payload): the text is written once, into the frame, instead of into a payload buffer that is then
 * copied behind the header, and parts are not joined first. The same bytes as
 * `frame(kind, a, b, Buffer.from(parts.join(''), 'utf8'))` (a part must not end in half a surrogate pair).
 */
function textFrame(kind: number, a: number, b: number, parts: readonly string[]): Buffer {
  // a part of one ASCII character (the payload's brackets and comma: detailPayloadParts) is its
  // own byte: two native calls per such part saved (byteLength, write)
  let bytes = 0;
  for (const p of parts) bytes += p.length === 1 && p.charCodeAt(0) < 128 ? 1 : Buffer.byteLength(p, 'utf8');
  const f = Buffer.allocUnsafe(FRAME_HEADER + bytes);
  let n = 0;
  for (const p of parts) {
    const c = p.length === 1 ? p.charCodeAt(0) : 128;
    if (c < 128) f[FRAME_HEADER + n++] = c;
    else n += f.write(p, FRAME_HEADER + n, 'utf8');
  }
  f.writeUInt32LE(kind, 0);
  f.writeUInt32LE(n, 4);
  f.writeDoubleLE(a, 8);
  f.writeDoubleLE(b, 16);
  f.writeUInt32LE(crc32(f.subarray(FRAME_HEADER)), 24);
  return f;
}

const writevAt = (fd: number, bufs: Buffer[], pos: number) => new Promise<void>((ok, fail) => {
  const want = bufs.reduce((s, b) => s + b.length, 0);
  writev(fd, bufs, pos, (e, n) => (e !== null ? fail(e) : n !== want ? fail(new Error(`short write: ${n} of ${want}`)) : ok()));
});
const readAt = (fd: number, buf: Buffer, pos: number) => new Promise<number>((ok, fail) => {
  read(fd, buf, 0, buf.length, pos, (e, n) => (e !== null ? fail(e) : ok(n)));
});

/** Writes many buffers at `pos` in pieces (writev takes at most IOV_MAX of them). */
async function writeAll(fd: number, bufs: Buffer[], pos: number): Promise<number> {
  for (let i = 0; i < bufs.length; i += 512) {
    const part = bufs.slice(i, i + 512);
    await writevAt(fd, part, pos);
    for (const b of part) pos += b.length;
  }
  return pos;
}

/** Offsets and lengths by seq, growing by a quarter (at 5,000,000 incidents: at most 6,250,000 slots, 75 MB, where doubling could take 100 MB). */
class SeqMap {
  offsets = new Float64Array(1 << 12);
  lengths = new Uint32Array(1 << 12);
  live = 0;
  dead = 0;

  set(seq: number, offset: number, length: number, supersedes: number): void {
    if (seq >= this.offsets.length) {
      let n = this.offsets.length;
      while (n <= seq) n = Math.ceil(n * 1.25) + 4096;
      const o = new Float64Array(n), l = new Uint32Array(n);
      o.set(this.offsets);
      l.set(this.lengths);
      this.offsets = o;
      this.lengths = l;
    }
    if (this.offsets[seq] !== 0) { this.dead += this.lengths[seq]!; this.live -= this.lengths[seq]!; }
    this.offsets[seq] = offset;
    this.lengths[seq] = length;
    this.live += length;
    if (supersedes >= 0 && supersedes < this.offsets.length && this.offsets[supersedes] !== 0) {
      this.dead += this.lengths[supersedes]!;
      this.live -= this.lengths[supersedes]!;
      this.offsets[supersedes] = 0;
      this.lengths[supersedes] = 0;
    }
  }

  /** Applies a batch's entries (seq, relative offset, length, supersedes) written from `base`. */
  apply(entries: readonly number[], base: number): void {
    for (let i = 0; i < entries.length; i += 4) this.set(entries[i]!, base + entries[i + 1]!, entries[i + 2]!, entries[i + 3]!);
  }
}

export interface DetailFileOptions {
  /** Rebuild when superseded versions are more than this share of the file (default 0.5)... */
  compactShare?: number;
  /** ...and the file is at least this large (default 64 MB). */
  compactMinBytes?: number;
}

/**
 * Writes the snapshot's incidents into a rebuild (`add` per incident version, in any order) and
 * returns the snapshot's largest seqs, read in the same DuckDB transaction.
 */
export type DetailDump = (add: (seq: number, payload: Buffer) => Promise<void>) => Promise<Mark>;

/** Whether the payload at `seq` equals what DuckDB holds for that seq (its row and sources). */
export type DetailVerify = (seq: number, payload: Buffer) => Promise<boolean>;

export class DetailFile {
  state: DetailState = 'loading';
  /** Why the file was last found unusable or rebuilt (for logs and tests). */
  lastRebuildReason: string | undefined;
  /** Reads answered from the file (tests check that the file, not the fallback, answered). */
  hits = 0;
  /** Milliseconds from the open (or the start of the last rebuild) until the file was served. */
  readyAfterMs: number | undefined;
  private since = performance.now();
  /** The last COMMIT's seqs (valid when ready). */
  mark: Mark = { incidents: -1, reports: -1 };
  private handle: Handle | undefined;
  private size = 0;
  private map = new SeqMap();
  /**
   * Payloads parsed by `readParsed`, by seq, most recently used last (at most PARSED_MAX). A seq's
   * frame never changes while the map holds it (a new version is a new seq; a superseded seq leaves
   * the map), but a rebuild after re-encryption holds other ciphertexts under the same seqs: emptied
   * whenever the map is replaced.
   */
  private parsed = new Map<number, unknown>();
  private parsedWith: ((payload: Buffer) => unknown) | undefined;
  /** Batches committed while loading or rebuilding, kept in memory until the file is served. */
  private held: Held[] = [];
  private readonly compactShare: number;
  private readonly compactMinBytes: number;
  private rebuilding: Promise<void> | undefined;
  private again: string | undefined;
  private loaded: Promise<void>;

  /**
   * Opens `path` and scans it in the background against the store's `token` and DuckDB's largest
   * seqs `mark` (read before any write); `verify` checks the last version against DuckDB, `dump`
   * rebuilds the file from DuckDB when it is unusable; `exclusive` runs work between the store's
   * writes (the store's write queue).
   */
  constructor(
    readonly path: string,
    private readonly token: number,
    mark: Mark,
    private readonly dump: DetailDump,
    private readonly verify: DetailVerify,
    private readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>,
    options: DetailFileOptions = {},
  ) {
    this.compactShare = options.compactShare ?? 0.5;
    this.compactMinBytes = options.compactMinBytes ?? 64 << 20;
    this.loaded = this.load(mark).catch((e: unknown) => this.scheduleRebuild(`scan failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  private header(): Buffer {
    const h = Buffer.alloc(FILE_HEADER_BYTES);
    MAGIC.copy(h, 0);
    h.writeDoubleLE(this.token, MAGIC.length);
    return h;
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Resolves when the file is ready, or its load/rebuild ended otherwise (tests and the bench). */
  async settled(): Promise<void> {
    await this.loaded;
    while (this.rebuilding !== undefined) await this.rebuilding;
  }

  /** Superseded and live bytes (for the compaction rule and the docs). */
  get bytes(): { live: number; dead: number; file: number } {
    return { live: this.map.live, dead: this.map.dead, file: this.size };
  }

  private async load(want: Mark): Promise<void> {
    let fd: number;
    try {
      fd = openSync(this.path, 'r+');
    } catch {
      this.scheduleRebuild('no side file');
      return;
    }
    this.handle = { fd };
    // Batches committed while this scan runs are held in memory (commit) and written after it.
    const end = statSync(this.path).size;
    const map = new SeqMap();
    const head = Buffer.alloc(FILE_HEADER_BYTES);
    if (end < FILE_HEADER_BYTES || (await readAt(fd, head, 0)) !== head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
      this.scheduleRebuild('not a side file');
      return;
    }
    if (head.readDoubleLE(MAGIC.length) !== this.token) {
      this.scheduleRebuild('the side file of another store file, or from before a migration (token)');
      return;
    }
    let pos = FILE_HEADER_BYTES, committedEnd = pos, lastA = -1, lastB = -1;
    let pending: number[] = [];
    let buf = Buffer.allocUnsafe(SCAN_BYTES);
    scan: while (pos < end) {
      const n = await readAt(fd, buf, pos);
      if (this.state !== 'loading') return;
      let at = 0;
      for (;;) {
        if (at + FRAME_HEADER > n) break;
        const kind = buf.readUInt32LE(at), len = buf.readUInt32LE(at + 4);
        if (kind !== KIND_INCIDENT && kind !== KIND_COMMIT) break scan; // torn or foreign bytes: nothing after the last good COMMIT counts
        if (at + FRAME_HEADER + len > n) {
          if (FRAME_HEADER + len > buf.length) buf = Buffer.allocUnsafe(FRAME_HEADER + len);
          break;
        }
        if (crc32(buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + len)) !== buf.readUInt32LE(at + 24)) break scan;
        const a = buf.readDoubleLE(at + 8), b = buf.readDoubleLE(at + 16);
        if (kind === KIND_INCIDENT) pending.push(a, pos + at, FRAME_HEADER + len, b);
        else {
          map.apply(pending, 0);
          pending = [];
          lastA = a;
          lastB = b;
          committedEnd = pos + at + FRAME_HEADER;
        }
        at += FRAME_HEADER + len;
      }
      if (at === 0) break; // a last frame cut short
      pos += at;
    }
    if (lastA !== want.incidents || lastB !== want.reports) {
      this.scheduleRebuild(`largest seqs ${lastA}/${lastB} (incidents/reports) in the side file, ${want.incidents}/${want.reports} in DuckDB`);
      return;
    }
    // Same seqs: the same history unless a restored backup forked it; the last version tells.
    const at = want.incidents < map.offsets.length ? map.offsets[want.incidents]! : 0;
    if (want.incidents > 0) {
      const f = Buffer.allocUnsafe(at === 0 ? 0 : map.lengths[want.incidents]!);
      const ok = at !== 0 && (await readAt(fd, f, at)) === f.length && await this.verify(want.incidents, f.subarray(FRAME_HEADER));
      if (this.state !== 'loading') return;
      if (!ok) {
        this.scheduleRebuild(`another history: the version at seq ${want.incidents} differs from DuckDB's`);
        return;
      }
    }
    await this.exclusive(async () => {
      if (this.state !== 'loading') return;
      // Frames after the last COMMIT belong to a batch that never committed: cut them off, then
      // append what committed during the scan.
      ftruncateSync(fd, committedEnd);
      let at = committedEnd;
      this.mark = want;
      for (const h of this.held) {
        const base = at;
        at = await writeAll(fd, h.frames, at);
        map.apply(h.entries, base);
        this.mark = h.mark;
      }
      this.held = [];
      this.size = at;
      this.map = map;
      this.parsed.clear();
      this.state = 'ready';
      this.readyAfterMs = performance.now() - this.since;
    });
  }

  /** A new batch for the write transaction starting now. */
  begin(): DetailBatch {
    return { frames: [], bytes: 0, entries: [], written: 0, start: this.size };
  }

  /**
   * Adds the version of an incident at `seq` (superseding the version at `supersedes`, -1 for none);
   * `payload` as bytes, or as text, whole or in parts (its UTF-8 bytes, written straight into the frame). A promise
   * only when the batch is written out (await it then); undefined otherwise, so that the usual add
   * costs no promise.
   */
  add(batch: DetailBatch, seq: number, supersedes: number, payload: Buffer | string | readonly string[]): Promise<void> | undefined {
    const f = frame(KIND_INCIDENT, seq, supersedes, payload);
    batch.entries.push(seq, batch.written + batch.bytes, f.length, supersedes);
    batch.frames.push(f);
    batch.bytes += f.length;
    // Large batches go to the file as they are made (ready only: beyond the last COMMIT they count
    // for nothing until the batch's own COMMIT follows them); otherwise kept until the commit.
    if (batch.bytes >= FLUSH_BYTES && this.state === 'ready' && batch.start === this.size) return this.flush(batch);
    return undefined;
  }

  private async flush(batch: DetailBatch): Promise<void> {
    const h = this.handle!;
    await writeAll(h.fd, batch.frames, batch.start + batch.written);
    batch.written += batch.bytes;
    batch.frames = [];
    batch.bytes = 0;
  }

  /**
   * After DuckDB committed the batch's transaction, leaving `mark` as its largest seqs: appends
   * what is left of the batch and its COMMIT, then publishes its frames to readers (ready), or
   * keeps it for the end of the load or rebuild. A failure of the file makes it unusable (reads go
   * to DuckDB) and schedules a rebuild; it never fails the write, which DuckDB has committed.
   */
  async commit(batch: DetailBatch, mark: Mark): Promise<void> {
    if (this.state === 'invalid' || this.state === 'closed') return;
    const marker = frame(KIND_COMMIT, mark.incidents, mark.reports);
    if (this.state === 'loading' || this.state === 'rebuilding') {
      if (batch.written > 0) { this.restart('a batch was half written when the file stopped being served'); return; }
      this.held.push({ mark, frames: [...batch.frames, marker], entries: batch.entries });
      return;
    }
    try {
      if (batch.start !== this.size) throw new Error('the side file moved under a running batch');
      await writeAll(this.handle!.fd, [...batch.frames, marker], batch.start + batch.written);
    } catch (e) {
      this.restart(`write failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.size = batch.start + batch.written + batch.bytes + marker.length;
    this.map.apply(batch.entries, batch.start);
    this.mark = mark;
    const { live, dead } = this.map;
    if (dead > this.compactShare * (live + dead) && live + dead >= this.compactMinBytes) this.scheduleRebuild(`compaction: ${dead} of ${live + dead} bytes superseded`);
  }

  /** After DuckDB rolled the batch's transaction back: frames of it already written count for nothing (no COMMIT follows them); cut them off. */
  rollback(batch: DetailBatch): void {
    if (batch.written === 0 || this.handle === undefined || this.state !== 'ready') return;
    try {
      ftruncateSync(this.handle.fd, batch.start);
    } catch {
      // frames after the last COMMIT are ignored at the next open, and the next batch writes over them
    }
  }

  private restart(reason: string): void {
    this.invalidate(reason);
    this.scheduleRebuild(reason);
  }

  /** Stops serving the file (reads go to DuckDB) and deletes it: its ciphertext is under a key being retired, or it failed. */
  invalidate(reason: string): void {
    if (this.state === 'closed') return;
    this.lastRebuildReason = reason;
    this.state = 'invalid';
    this.map = new SeqMap();
    this.parsed.clear();
    this.held = [];
    this.release();
    rmSync(this.path, { force: true });
  }

  /**
   * Rebuilds the file from DuckDB in the background: a snapshot dumped into `<path>.tmp`, then
   * (between two writes of the store) the batches committed after the snapshot appended, the file
   * renamed over the old one and served. Reads go to DuckDB meanwhile.
   */
  scheduleRebuild(reason: string): void {
    if (this.state === 'closed') return;
    if (this.rebuilding !== undefined) {
      // the running one may be abandoned (invalidated meanwhile): run again after it
      this.again = reason;
      return;
    }
    this.lastRebuildReason = reason;
    this.state = 'rebuilding';
    this.since = performance.now();
    this.map = new SeqMap();
    this.parsed.clear();
    this.held = [];
    this.release();
    const run = this.rebuild().catch((e: unknown) => {
      if (this.state !== 'closed') {
        this.state = 'invalid';
        this.lastRebuildReason = `rebuild failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }).finally(() => {
      this.rebuilding = undefined;
      const again = this.again;
      this.again = undefined;
      if (again !== undefined && this.state !== 'ready') this.scheduleRebuild(again);
    });
    this.rebuilding = run;
  }

  private async rebuild(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w+');
    let ok = false;
    try {
      const map = new SeqMap();
      let pos = 0;
      let pieces: Buffer[] = [this.header()];
      let pieceBytes = FILE_HEADER_BYTES;
      const put = async (b: Buffer) => {
        pieces.push(b);
        pieceBytes += b.length;
        if (pieceBytes >= FLUSH_BYTES) { pos = await writeAll(fd, pieces, pos); pieces = []; pieceBytes = 0; }
      };
      const snapshot = await this.dump(async (seq, payload) => {
        if (this.state === 'closed') throw new Error('closed');
        const f = frame(KIND_INCIDENT, seq, -1, payload);
        map.set(seq, pos + pieceBytes, f.length, -1);
        await put(f);
      });
      await put(frame(KIND_COMMIT, snapshot.incidents, snapshot.reports));
      pos = await writeAll(fd, pieces, pos);
      await this.exclusive(async () => {
        if (this.state !== 'rebuilding') throw new Error(`rebuild abandoned (${this.state})`);
        let mark = snapshot;
        for (const h of this.held) {
          // the largest incident seq grows with every batch: a batch at or below the snapshot's is in it
          if (h.mark.incidents <= snapshot.incidents) continue;
          const base = pos;
          pos = await writeAll(fd, h.frames, pos);
          map.apply(h.entries, base);
          mark = h.mark;
        }
        fsyncSync(fd);
        renameSync(tmp, this.path);
        this.held = [];
        this.handle = { fd };
        this.size = pos;
        this.map = map;
        this.parsed.clear();
        this.mark = mark;
        this.state = 'ready';
        this.readyAfterMs = performance.now() - this.since;
        ok = true;
      });
    } finally {
      if (!ok) {
        closeSync(fd);
        rmSync(tmp, { force: true });
      }
    }
  }

  /**
   * The payload of the incident version at `seq`, or undefined when the file is not ready or does
   * not hold that seq (the caller then reads DuckDB). The frame's seq and CRC are checked.
   *
   * A synchronous positioned read: one frame (360 bytes on average at 1,000,000 incidents) from
   * the page cache costs about 3 us of CPU, where the asynchronous read through libuv's thread
   * pool cost 10-26 us and showed as 13 % of the server's main thread in the profile (issue #7;
   * docs/benchmarks.md). A page not in the cache blocks the event loop for one disk read.
   */
  read(seq: number): Buffer | undefined {
    if (this.state !== 'ready' || seq >= this.map.offsets.length) return undefined;
    const offset = this.map.offsets[seq]!;
    if (offset === 0) return undefined;
    const h = this.handle!;
    const buf = Buffer.allocUnsafe(this.map.lengths[seq]!);
    try {
      if (readSync(h.fd, buf, 0, buf.length, offset) !== buf.length) return undefined;
    } catch {
      return undefined;
    }
    if (buf.readUInt32LE(0) !== KIND_INCIDENT || buf.readDoubleLE(8) !== seq) return undefined;
    const payload = buf.subarray(FRAME_HEADER, FRAME_HEADER + buf.readUInt32LE(4));
    if (payload.length !== buf.readUInt32LE(4) || crc32(payload) !== buf.readUInt32LE(24)) return undefined;
    this.hits++;
    return payload;
  }

  /**
   * `parse` of the payload at `seq` (as `read`), kept for the next read of the same seq while the
   * file serves it: the incident list reads the same pages again (a district's first page, for every
   * user), and reading and parsing each frame again cost about as much as the rest of the page.
   * `parse` must be one function for the file's life (another one empties what the first parsed) and
   * its result must not be modified by callers; it keeps what the file holds (ciphertexts), no plaintext.
   */
  readParsed<T>(seq: number, parse: (payload: Buffer) => T): T | undefined {
    if (this.state !== 'ready' || seq >= this.map.offsets.length || this.map.offsets[seq] === 0) return undefined;
    if (this.parsedWith !== parse) { this.parsed.clear(); this.parsedWith = parse; }
    const hit = this.parsed.get(seq);
    if (hit !== undefined) {
      this.parsed.delete(seq);
      this.parsed.set(seq, hit);
      this.hits++;
      return hit as T;
    }
    const payload = this.read(seq);
    if (payload === undefined) return undefined;
    const value = parse(payload);
    this.parsed.set(seq, value);
    if (this.parsed.size > PARSED_MAX) this.parsed.delete(this.parsed.keys().next().value!);
    return value;
  }

  /** Closes the file (reads are synchronous: none is running). */
  private release(): void {
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) closeSync(h.fd);
  }

  /** Stops serving and closes the file (a running load or rebuild gives up at its next step); call before the store's read pool closes. */
  close(): void {
    this.state = 'closed';
    this.held = [];
    this.parsed.clear();
    this.release();
  }
}
