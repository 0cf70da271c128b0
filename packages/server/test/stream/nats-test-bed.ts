/**
 * What every NATS test file sets up the same way: a connection to the machine's JetStream
 * (127.0.0.1:4222, the real server), its manager, a temporary folder, and the streams the file makes,
 * deleted after its tests. Call once at the top of a test file: the hooks are the file's first, so
 * its own beforeAll runs after this one and its own afterAll (kills, closes) before this one
 * (vitest runs after-hooks in reverse order).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';

export interface NatsTestBed {
  /** Set before the file's own beforeAll runs. */
  nc: NatsConnection;
  jsm: JetStreamManager;
  dir: string;
  /** Streams deleted after the file's tests (push the ones the file makes). */
  readonly streams: string[];
}

export function natsTestBed(tmpPrefix: string, ...streams: string[]): NatsTestBed {
  const bed = { streams } as Partial<NatsTestBed> & { streams: string[] };
  beforeAll(async () => {
    bed.dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    bed.nc = await connect({ servers: '127.0.0.1:4222' });
    bed.jsm = await jetstreamManager(bed.nc);
  });
  afterAll(async () => {
    for (const s of bed.streams) await bed.jsm?.streams.delete(s).catch(() => undefined);
    await bed.nc?.close();
    if (bed.dir !== undefined) rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed as NatsTestBed;
}
