import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseeratError } from '@baseerat/engine';
import { loadWorkerConfig } from '../../src/worker/config.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-worker-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (content: unknown) => {
  const p = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(content));
  return p;
};
const error = (f: () => unknown): BaseeratError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BaseeratError);
    return e as BaseeratError;
  }
  throw new Error('expected an error');
};

describe('worker configuration', () => {
  it('file, then environment, then flags; defaults for the rest', () => {
    const config = file({ database: 'postgres://file@h/db', agencies: ['fc'], maxBatch: 100, schema: 'baseerat', stream: 'S' });
    expect(loadWorkerConfig({ config }, {})).toEqual({
      database: 'postgres://file@h/db', nats: ['127.0.0.1:4222'], agencies: ['fc'], maxBatch: 100, opsHost: '127.0.0.1', opsPort: 9464,
      schema: 'baseerat', maxConnections: 4, stream: 'S', monitor: true, alertBus: true,
    });
    const env = { BASEERAT_DATABASE_URL: 'postgres://env@h/db', BASEERAT_NATS_URL: 'nats://a:4222, nats://b:4222', BASEERAT_OPS_PORT: '9000' };
    const fromEnv = loadWorkerConfig({ config }, env);
    expect([fromEnv.database, fromEnv.nats, fromEnv.opsPort]).toEqual(['postgres://env@h/db', ['nats://a:4222', 'nats://b:4222'], 9000]);
    const fromFlags = loadWorkerConfig({ config, db: 'postgres://flag@h/db', agencies: 'fc,levies', batch: '7', opsPort: '0' }, env);
    expect([fromFlags.database, fromFlags.agencies, fromFlags.maxBatch, fromFlags.opsPort]).toEqual(['postgres://flag@h/db', ['fc', 'levies'], 7, 0]);
    // the live rules: on by default; --no-monitor (commander: monitor false) overrides the file, its absence (true) does not
    const monitored = file({ database: 'postgres://file@h/db', agencies: ['fc'], monitor: false, rules: 'r.json', alertStream: 'A' });
    expect(loadWorkerConfig({ config: monitored, monitor: true, alertBus: true }, {})).toMatchObject({ monitor: false, alertBus: true, rules: 'r.json', alertStream: 'A' });
    expect(loadWorkerConfig({ config, monitor: false, alertBus: false, rules: 'x.json', zones: 'z.geojson', webhooks: 'h.json' }, {}))
      .toMatchObject({ monitor: false, alertBus: false, rules: 'x.json', zones: 'z.geojson', webhooks: 'h.json' });
    // the config file may also come from the environment
    expect(loadWorkerConfig({}, { BASEERAT_WORKER_CONFIG: config }).database).toBe('postgres://file@h/db');
  });

  it('refuses what it cannot run, naming the field', () => {
    expect(error(() => loadWorkerConfig({ agencies: 'fc' }, {})).field).toBe('database');
    expect(error(() => loadWorkerConfig({ db: 'data/baseerat.duckdb', agencies: 'fc' }, {})).message).toMatch(/postgres:\/\/ URL .*baseerat consume/);
    expect(error(() => loadWorkerConfig({ db: 'postgres://x@h/db' }, {})).field).toBe('agencies');
    expect(error(() => loadWorkerConfig({ db: 'postgres://x@h/db', agencies: 'Bad Agency' }, {})).field).toBe('agencies.0');
    expect(error(() => loadWorkerConfig({ db: 'postgres://x@h/db', agencies: 'fc', batch: 'many' }, {})).field).toBe('batch');
    expect(error(() => loadWorkerConfig({ config: file({ database: 'postgres://x@h/db', agencies: ['fc'], colour: 'blue' }) }, {})).message).toMatch(/colour/);
    expect(error(() => loadWorkerConfig({ config: join(dir, 'missing.json') }, {})).code).toBe('CONFIG');
  });
});
