import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, NewIncident, Report } from '@baseerat/engine';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { alertJson, alertJsonKept } from '../../src/monitor/alert-hub.js';
import type { StoredAlert } from '../../src/monitor/alert-repository.js';
import { DuckDBAlertRepository, duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { ackBehindCheckpointThreads, liveJournalOption, liveWriteBehindOption, openEmbeddedMonitor } from '../../src/monitor/embedded-monitor.js';
import { LiveJournal } from '../../src/monitor/live-journal.js';
import { LiveWriteBehind, splitBatch, type JournalEntry } from '../../src/monitor/write-behind.js';
import { STORE_DATASET } from '../../src/security/store-keys.js';
import type { FieldCodec, IngestBatch } from '../../src/store/port.js';

const report = (sourceId: string, minute = 0): Report => ({
  occurredAt: `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`, timePrecision: 'exact',
  location: { lat: 30.19 + minute / 100, lon: 67.0, precision: 'exact', district: 'Quetta', province: 'Balochistan' },
  category: 'TI.BOMB', severity: { killed: 0, injured: 0, abducted: 0 }, classification: 'RESTRICTED', reportingMode: 'public', narrative: `narrative ${sourceId}`,
  source: { agency: 'police', sourceId, receivedAt: '2025-01-01T11:00:00.000Z', format: 'test', raw: `{"id":"${sourceId}"}` },
});
const incident = (id: string, ...reports: Report[]): NewIncident => ({ id, reports, links: [] });
const batchOf = (...ids: string[]): IngestBatch => ({ newIncidents: ids.map((id, i) => incident(`inc_${id}`, report(id, i))), attachments: [], quarantine: [] });

const alertOf = (id: string, incidentId: string): StoredAlert => {
  const alert: Alert = {
    id: `blast|Quetta|${incidentId}@2025-01-01T11:00:00.000Z`, dedupKey: `blast|Quetta|${incidentId}`, ruleId: 'blast', ruleKind: 'category', severity: 'high', district: 'Quetta', zoneIds: [],
    incidentId, suppressedIncidentIds: [], explanation: { rule: 'blast', text: `alert ${id}`, count: 1 } as Alert['explanation'], state: 'open',
    openedAt: '2025-01-01T11:00:00.000Z', lastTriggeredAt: '2025-01-01T11:00:00.000Z', triggers: 1, history: [],
  };
  return { alert, classification: 'RESTRICTED', updatedAt: '2025-01-01T11:00:00.000Z' };
};

let dir: string;
let e: Embedded;
let codec: FieldCodec;
let repository: DuckDBAlertRepository;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baseerat-wb-'));
  e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date('2026-01-01T00:00:00Z'));
  codec = await e.security.cipherFor(STORE_DATASET, new Date('2026-01-01T00:00:00Z'));
  repository = await DuckDBAlertRepository.open(duckdbInstanceOf(e.store));
});
afterEach(async () => {
  repository.close();
  await e.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ store: e.store, checkpoints: e.store, repository, journalDir: join(dir, 'journal'), codec, walPath: join(dir, 'store.duckdb.wal') });
const reportCount = async () => (await e.store.stats()).reports;
const journalText = () => readdirSync(join(dir, 'journal')).map((f) => readFileSync(join(dir, 'journal', f), 'utf8')).join('');

describe('LiveWriteBehind', () => {
  it('a batch and its alerts are durable in the journal (encrypted) before DuckDB has them, and reach DuckDB behind, in order', async () => {
    const wb = await LiveWriteBehind.open(options());
    // hold the store's writes: the live path must not wait for them
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => { await gate; return write(b); };
    const w = await wb.store.writeBatch(batchOf('a', 'b'));
    expect(w).toEqual({ inserted: 2, attached: 0, duplicates: 0, quarantined: 0 });
    await wb.repository.upsert([alertOf('1', 'inc_a')], { newIds: new Set([alertOf('1', 'inc_a').alert.id]) });
    expect(await reportCount()).toBe(0);
    // the pipeline's de-duplication and linking see the batch not yet applied
    expect([...await wb.store.existingSourceKeys(['police:a', 'police:zz'])]).toEqual(['police:a']);
    expect((await wb.store.linkCandidates(Date.parse('2025-01-01T09:00:00Z'), Date.parse('2025-01-01T12:00:00Z'))).map((c) => c.incidentId).sort()).toEqual(['inc_a', 'inc_b']);
    expect((await wb.repository.get(alertOf('1', 'inc_a').alert.id))?.alert.incidentId).toBe('inc_a');
    expect(await repository.get(alertOf('1', 'inc_a').alert.id)).toBeUndefined();
    // on disk, two entries, nothing in clear
    const text = journalText();
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(2);
    expect(text).not.toContain('narrative a');
    open();
    await wb.idle();
    expect(await reportCount()).toBe(2);
    expect((await e.store.getIncident('inc_a'))?.narrative).toBe('narrative a');
    expect((await repository.get(alertOf('1', 'inc_a').alert.id))?.alert.incidentId).toBe('inc_a');
    expect(wb.counters).toMatchObject({ entries: 2, applied: 2, countMismatches: 0 });
    await wb.close();
  });

  it('recovery: what a dead process left in the journal is applied at open; applying it again stores nothing twice', async () => {
    const { journal } = LiveJournal.open<JournalEntry>(join(dir, 'journal'), { codec });
    await journal.append(JSON.stringify({ k: 'batch', b: batchOf('c', 'd') })).durable;
    await journal.append(JSON.stringify({ k: 'alerts', a: [alertOf('2', 'inc_c')] })).durable;
    await journal.close();
    // a crash in the middle of a write: a line cut short, never acknowledged
    appendFileSync(join(dir, 'journal', readdirSync(join(dir, 'journal'))[0]!), '3 v1:incidents.v1:abc');
    const wb = await LiveWriteBehind.open(options());
    expect(wb.counters.recovered).toBe(2);
    expect(await reportCount()).toBe(2);
    expect((await repository.get(alertOf('2', 'inc_c').alert.id))?.alert.state).toBe('open');
    // a crash right after the recovery: the journal as it was (a clean close deletes it, all applied)
    const left = join(dir, 'journal-left');
    cpSync(join(dir, 'journal'), left, { recursive: true });
    await wb.close();
    expect(readdirSync(join(dir, 'journal'))).toEqual([]);
    rmSync(join(dir, 'journal'), { recursive: true });
    renameSync(left, join(dir, 'journal'));
    // the same journal applied a second time: duplicates, no second row
    const again = await LiveWriteBehind.open(options());
    expect(again.counters.recovered).toBe(2);
    expect(await reportCount()).toBe(2);
    expect((await repository.list({}, { offset: 0, limit: 10 })).total).toBe(1);
    // new entries follow the recovered ones and are applied
    await again.store.writeBatch(batchOf('e'));
    await again.idle();
    expect(await reportCount()).toBe(3);
    await again.close();
  });

  it('checkpoints between its own writes; meanwhile link candidates come from what is not applied yet, and the skipped range is read after', async () => {
    writeFileSync(join(dir, 'fake.wal'), 'x'.repeat(100));
    let release!: () => void, started!: () => void;
    const inCheckpoint = new Promise<void>((r) => { started = r; });
    let calls = 0;
    // the first checkpoint is held until released; later ones return at once
    const checkpoints = { checkpoint: async () => { if (calls++ === 0) { started(); await new Promise<void>((r) => { release = r; }); } return true; }, setAutoCheckpointThreshold: async () => undefined };
    const wb = await LiveWriteBehind.open({ ...options(), checkpoints, walPath: join(dir, 'fake.wal'), checkpointBytes: 50 });
    const reads: [number, number][] = [];
    const read = e.store.linkCandidates.bind(e.store);
    e.store.linkCandidates = async (from, to) => { reads.push([from, to]); return read(from, to); };
    await wb.store.writeBatch(batchOf('h'));
    await inCheckpoint;
    // the batch is applied (the checkpoint follows its write); a new one waits behind the checkpoint
    await wb.store.writeBatch(batchOf('i'));
    const day = (h: number) => Date.parse(`2025-01-01T${String(h).padStart(2, '0')}:00:00Z`);
    const during = await wb.store.linkCandidates(day(9), day(12));
    expect(reads).toEqual([]);
    expect(during.map((c) => c.incidentId)).toEqual(['inc_i']);
    release();
    await wb.idle();
    const after = await wb.store.linkCandidates(day(13), day(14));
    // the range skipped during the checkpoint is read once, with the next call: inc_h, stored before it, is offered
    expect(reads).toEqual([[day(9), day(14)]]);
    expect(after.map((c) => c.incidentId).sort()).toEqual(['inc_h', 'inc_i']);
    expect(wb.counters).toMatchObject({ checkpoints: 2, linkReadsSkipped: 1 });
    // and every answer for a while after: not read again
    expect((await wb.store.linkCandidates(day(15), day(16))).map((c) => c.incidentId).sort()).toEqual(['inc_h', 'inc_i']);
    expect(reads).toEqual([[day(9), day(14)], [day(15), day(16)]]);
    await wb.close();
  });

  it('an applier failure stops the live path: the next write is refused, the entry stays in the journal', async () => {
    const errors: unknown[] = [];
    const wb = await LiveWriteBehind.open({ ...options(), onError: (x) => errors.push(x) });
    e.store.writeBatch = async () => { throw new Error('disk full'); };
    await wb.store.writeBatch(batchOf('f'));
    await expect(wb.idle()).rejects.toThrow(/disk full/);
    await expect(wb.store.writeBatch(batchOf('g'))).rejects.toThrow(/disk full/);
    expect(errors).toHaveLength(1);
    expect(journalText().split('\n').filter((l) => l !== '')).toHaveLength(1);
    await wb.close();
  });
});

describe('LiveWriteBehind, ack-behind (no journal: JetStream keeps each batch until it is applied)', () => {
  const ackOptions = () => ({ store: e.store, checkpoints: e.store, repository, walPath: join(dir, 'store.duckdb.wal') });

  it('a group is visible at once and committed only once in DuckDB, its alerts applied before its batch; what waits is applied in one step', async () => {
    const wb = await LiveWriteBehind.open(ackOptions());
    expect(wb.mode).toBe('ack');
    const order: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const write = e.store.writeBatch.bind(e.store), upsert = repository.upsert.bind(repository);
    e.store.writeBatch = async (b) => { order.push(`batch ${b.newIncidents.map((n) => n.id).join(',')}`); await gate; return write(b); };
    repository.upsert = async (a, o) => { order.push(`alerts ${a.map((x) => x.alert.incidentId).join(',')}`); return upsert(a, o); };
    const a = alertOf('1', 'inc_a');
    const g1 = await wb.group(async () => {
      const w = await wb.store.writeBatch(batchOf('a'));
      await wb.repository.upsert([a], { newIds: new Set([a.alert.id]) });
      // as the hub's publish makes it
      alertJson(a.alert);
      return w;
    });
    expect(alertJsonKept(a.alert)).toBe(true);
    expect(g1.value).toEqual({ inserted: 1, attached: 0, duplicates: 0, quarantined: 0 });
    let committed1 = false;
    void g1.committed.then(() => { committed1 = true; });
    // the pipeline's de-duplication, linking and the alert's get see the group before DuckDB has it
    expect([...await wb.store.existingSourceKeys(['police:a', 'police:zz'])]).toEqual(['police:a']);
    expect((await wb.repository.get(a.alert.id))?.alert.incidentId).toBe('inc_a');
    // while the store write is held: two more groups wait
    const g2 = await wb.group(async () => wb.store.writeBatch(batchOf('b')));
    const g3 = await wb.group(async () => { await wb.store.writeBatch(batchOf('c')); await wb.repository.upsert([alertOf('3', 'inc_c')]); });
    // the alerts reach DuckDB before the batch: a crash now redelivers the batch, whose incidents meet their stored alert
    for (let i = 0; i < 200 && (await repository.get(a.alert.id)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await repository.get(a.alert.id))?.alert.incidentId).toBe('inc_a');
    expect(committed1).toBe(false);
    expect(await reportCount()).toBe(0);
    open();
    await Promise.all([g1.committed, g2.committed, g3.committed]);
    expect(committed1).toBe(true);
    expect(await reportCount()).toBe(3);
    // applied: the alert's JSON is no longer kept with it (asked again, the same bytes are made again)
    expect(alertJsonKept(a.alert)).toBe(false);
    expect((await repository.get(a.alert.id))?.alert).toEqual(a.alert);
    // groups handed over while a step waits (gathering, or held) are one step: one alert upsert, then one
    // store write of their batches; whether the first group had its step started alone depends on the clock
    expect(['alerts inc_a,inc_c|batch inc_a,inc_b,inc_c', 'alerts inc_a|batch inc_a|alerts inc_c|batch inc_b,inc_c']).toContain(order.join('|'));
    expect(wb.counters).toMatchObject({ entries: 5, applied: 5, applierSteps: order.length / 2, countMismatches: 0 });
    expect(readdirSync(dir).filter((f) => f.includes('journal'))).toEqual([]);
    await wb.close();
  });

  it('a link-candidate read held by DuckDB (behind the applier\'s writes) is not waited for: answered without it, its result added to the next answers', async () => {
    const wb = await LiveWriteBehind.open(ackOptions());
    const g = await wb.group(async () => wb.store.writeBatch(batchOf('m')));
    await g.committed;
    const read = e.store.linkCandidates.bind(e.store);
    let releaseRead!: () => void, releaseWrite!: () => void;
    const heldRead = new Promise<void>((r) => { releaseRead = r; });
    const heldWrite = new Promise<void>((r) => { releaseWrite = r; });
    let lateRead: Promise<unknown> | undefined;
    e.store.linkCandidates = (from, to) => { lateRead = heldRead.then(() => read(from, to)); return lateRead as ReturnType<typeof read>; };
    const day = (h: number) => Date.parse(`2025-01-01T${String(h).padStart(2, '0')}:00:00Z`);
    // the applier's write of the next batch is held too
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => { await heldWrite; return write(b); };
    const g2 = await wb.group(async () => wb.store.writeBatch(batchOf('n')));
    // inc_m is stored (the read is held), inc_n waits for the applier: answered from what is not applied
    expect((await wb.store.linkCandidates(day(9), day(12))).map((c) => c.incidentId)).toEqual(['inc_n']);
    expect(wb.counters.linkReadsLate).toBe(1);
    // the held read answers first (before inc_n is stored: its result is inc_m alone), then the write goes on
    releaseRead();
    await lateRead;
    releaseWrite();
    await g2.committed;
    await new Promise((r) => setTimeout(r, 10));
    e.store.linkCandidates = read;
    // the late read's inc_m comes with the next answer, whatever its range
    expect((await wb.store.linkCandidates(day(13), day(14))).map((c) => c.incidentId)).toEqual(['inc_m']);
    await wb.close();
  });

  it('one link-candidate read of the store at a time: while a late one runs, calls are answered without a read, and the next read covers their ranges', async () => {
    const wb = await LiveWriteBehind.open({ ...ackOptions(), linkReadWaitMs: 5 });
    const day = (h: number) => Date.parse(`2025-01-01T${String(h).padStart(2, '0')}:00:00Z`);
    const reads: [number, number][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    e.store.linkCandidates = async (from, to) => { reads.push([from, to]); if (reads.length === 1) await held; return []; };
    await wb.store.linkCandidates(day(1), day(2));
    await wb.store.linkCandidates(day(3), day(4));
    await wb.store.linkCandidates(day(5), day(6));
    // the first read is late and still running: the other two did not start one
    expect(reads).toEqual([[day(1), day(2)]]);
    expect(wb.counters).toMatchObject({ linkReadsLate: 1, linkReadsSkipped: 2 });
    release();
    await new Promise((r) => setTimeout(r, 10));
    await wb.store.linkCandidates(day(7), day(8));
    // the next read covers the skipped ranges and its own
    expect(reads).toEqual([[day(1), day(2)], [day(3), day(8)]]);
    await wb.close();
  });

  it('linkReadWaitMs: how long the live path waits for the store\'s link-candidate read before it answers without it', async () => {
    const day = (h: number) => Date.parse(`2025-01-01T${String(h).padStart(2, '0')}:00:00Z`);
    for (const [wait, late] of [[10, true], [500, false]] as const) {
      const wb = await LiveWriteBehind.open({ ...ackOptions(), linkReadWaitMs: wait });
      const read = e.store.linkCandidates.bind(e.store);
      // the store's read answers after 50 ms (timers fire in the order they are due)
      e.store.linkCandidates = async (from, to) => { await new Promise((r) => setTimeout(r, 50)); return [{ ...(await read(from, to))[0]!, incidentId: 'inc_stored' }].concat((await read(from, to)).slice(1)); };
      await (await wb.group(async () => wb.store.writeBatch(batchOf('w')))).committed;
      const ids = (await wb.store.linkCandidates(day(9), day(12))).map((c) => c.incidentId);
      expect(wb.counters.linkReadsLate).toBe(late ? 1 : 0);
      expect(ids).toEqual(late ? [] : ['inc_stored']);
      e.store.linkCandidates = read;
      await wb.close();
    }
  });

  it('link candidates of the batches not applied: for any batches and ranges, exactly those a filter of every waiting candidate gives, in the same order (the time-span index skips nothing it should not)', async () => {
    // many batches wait (the store write held); each holds incidents at random times, some batches
    // spread, some narrow; ranges are random, often ending exactly on a candidate's time (inclusive)
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const t0 = Date.parse('2025-01-01T00:00:00.000Z'), H = 3_600_000;
    const at = (ms: number, id: string): Report => ({ ...report(id), occurredAt: new Date(ms).toISOString() });
    const wb = await LiveWriteBehind.open(ackOptions());
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => { await gate; return write(b); };
    e.store.linkCandidates = async () => [];
    const waiting: { id: string; time: number }[] = [];
    for (let b = 0; b < 40; b++) {
      const base = t0 + Math.floor(rnd() * 48) * H, spread = rnd() < 0.3 ? 24 * H : H;
      const incidents = Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, i) => {
        const time = base + Math.floor(rnd() * spread / 60_000) * 60_000, id = `inc_${b}_${i}`;
        waiting.push({ id, time });
        return incident(id, at(time, `${b}-${i}`));
      });
      await wb.group(async () => wb.store.writeBatch({ newIncidents: incidents, attachments: [], quarantine: [] }));
    }
    for (let q = 0; q < 300; q++) {
      const pick = () => (rnd() < 0.5 ? waiting[Math.floor(rnd() * waiting.length)]!.time : t0 + Math.floor(rnd() * 80) * H - 8 * H);
      const a = pick(), b = pick(), from = Math.min(a, b), to = Math.max(a, b);
      const want = waiting.filter((w) => w.time >= from && w.time <= to).map((w) => w.id);
      expect((await wb.store.linkCandidates(from, to)).map((c) => c.incidentId)).toEqual(want);
    }
    open();
    await wb.idle();
    await wb.close();
  });

  it('an applier step takes whole groups until it holds maxStepEvents, the rest is the next step', async () => {
    const wb = await LiveWriteBehind.open({ ...ackOptions(), maxStepEvents: 6, gatherMs: 0 });
    const steps: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => { steps.push(b.newIncidents.map((n) => n.id.slice(4)).join(',')); await gate; return write(b); };
    // the first group's step starts alone and is held; three groups of 3, 3 and 2 events wait behind it
    const groups = [['a'], ['b', 'c', 'd'], ['e', 'f', 'g'], ['h', 'i']];
    const committed: Promise<void>[] = [];
    for (const ids of groups) {
      committed.push((await wb.group(async () => wb.store.writeBatch(batchOf(...ids)))).committed);
      if (ids[0] === 'a') for (let i = 0; i < 100 && steps.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    }
    open();
    await Promise.all(committed);
    // 3 + 3 reach 6 (a step ends once it holds maxStepEvents); the last group of 2 is a step of its own
    expect(steps).toEqual(['a', 'b,c,d,e,f,g', 'h,i']);
    expect(wb.counters).toMatchObject({ applierSteps: 3, splitSteps: 0 });
    expect(await reportCount()).toBe(9);
    await wb.close();
  });

  it('a step waits gatherMs for the groups that follow, also after a full step went (the events waiting are counted as they leave)', async () => {
    const wb = await LiveWriteBehind.open({ ...ackOptions(), maxStepEvents: 6, gatherMs: 300 });
    const steps: string[] = [];
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => { steps.push(b.newIncidents.map((n) => n.id.slice(4)).join(',')); return write(b); };
    // a full step (6 events) goes without gathering
    await (await wb.group(async () => wb.store.writeBatch(batchOf('a', 'b', 'c', 'd', 'e', 'f')))).committed;
    // then two small groups 50 ms apart: gathered into one step
    const x = await wb.group(async () => wb.store.writeBatch(batchOf('x')));
    await new Promise((r) => setTimeout(r, 50));
    const y = await wb.group(async () => wb.store.writeBatch(batchOf('y')));
    await Promise.all([x.committed, y.committed]);
    expect(steps).toEqual(['a,b,c,d,e,f', 'x,y']);
    await wb.close();
  });

  it('a step of twice maxStepEvents or more is written in pieces, in order, an attachment with the piece that creates its incident, one to a stored incident with the last; acknowledged once all are in', async () => {
    // floor(events / max) pieces of equal size: a step a little over the maximum stays whole
    const sizes = (n: number, max: number) => splitBatch(batchOf(...Array.from({ length: n }, (_, i) => `z${i}`)), max).map((p) => p.newIncidents.length);
    expect(sizes(6, 5)).toEqual([6]);
    expect(sizes(9, 5)).toEqual([9]);
    expect(sizes(10, 5)).toEqual([5, 5]);
    expect(sizes(12, 5)).toEqual([6, 6]);
    expect(sizes(5000, 500)).toEqual(Array(10).fill(500));
    expect(sizes(1499, 500)).toEqual([750, 749]);
    const wb = await LiveWriteBehind.open({ ...ackOptions(), maxStepEvents: 5, gatherMs: 0 });
    // inc_s is stored before
    await (await wb.group(async () => wb.store.writeBatch(batchOf('s')))).committed;
    const writes: string[] = [];
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async (b) => {
      writes.push([...b.newIncidents.map((n) => n.id.slice(4)), ...b.attachments.map((a) => `+${a.incidentId.slice(4)}`)].join(','));
      return write(b);
    };
    // one NATS batch of 12 new incidents and two attachments (to inc_b of this batch, and to the stored inc_s)
    const ids = 'abcdefghijkl'.split('');
    const batch: IngestBatch = { ...batchOf(...ids), attachments: [{ incidentId: 'inc_s', reports: [report('s2')], links: [] }, { incidentId: 'inc_b', reports: [report('b2')], links: [] }] };
    const g = await wb.group(async () => wb.store.writeBatch(batch));
    let committed = false;
    void g.committed.then(() => { committed = true; });
    await g.committed;
    expect(committed).toBe(true);
    // 14 events (12 new, 2 attached) in two pieces of 7 at most
    expect(writes).toEqual(['a,b,c,d,e,f,g,+b', 'h,i,j,k,l,+s']);
    expect(await reportCount()).toBe(15);
    expect((await e.store.getIncident('inc_b'))?.sources.map((x) => x.sourceId)).toEqual(['b', 'b2']);
    expect((await e.store.getIncident('inc_s'))?.sources.map((x) => x.sourceId)).toEqual(['s', 's2']);
    expect(wb.counters).toMatchObject({ splitSteps: 1, countMismatches: 0 });
    await wb.close();
  });

  it('a store failure after the alerts were applied: the group is not committed (no ack), later writes are refused; re-evaluating the redelivered incidents does not count them again', async () => {
    const { LiveMonitor } = await import('../../src/monitor/live-monitor.js');
    const ruleSet = { rules: [{ kind: 'category' as const, id: 'blast', severity: 'high' as const, categories: ['TI.BOMB' as const] }], zones: [] };
    const errors: unknown[] = [];
    const wb = await LiveWriteBehind.open({ ...ackOptions(), onError: (x) => errors.push(x) });
    const now = () => new Date('2025-01-01T11:00:00.000Z');
    const monitor = new LiveMonitor({ ruleSet, repository: wb.repository, now });
    const write = e.store.writeBatch.bind(e.store);
    e.store.writeBatch = async () => { throw new Error('killed'); };
    const batch = batchOf('k');
    const g = await wb.group(async () => {
      await wb.store.writeBatch(batch);
      return monitor.observe(batch.newIncidents.map((n) => ({ ...n.reports[0]!, id: n.id, location: { ...n.reports[0]!.location } })));
    });
    expect(g.value.opened).toBe(1);
    await expect(g.committed).rejects.toThrow('killed');
    await expect(wb.store.writeBatch(batchOf('l'))).rejects.toThrow('killed');
    expect(errors).toHaveLength(1);
    expect(await reportCount()).toBe(0);
    const stored = await repository.list({}, { offset: 0, limit: 10 });
    expect(stored.total).toBe(1);
    const id = stored.items[0]!.alert.id;
    // the restart: a new monitor warms up from the store (without the batch) and the stored alerts; the batch comes again
    e.store.writeBatch = write;
    const wb2 = await LiveWriteBehind.open(ackOptions());
    const monitor2 = new LiveMonitor({ ruleSet, repository: wb2.repository, now: () => new Date('2025-01-01T11:00:05.000Z') });
    expect((await monitor2.warmUp(e.store)).alerts).toBe(1);
    const g2 = await wb2.group(async () => {
      await wb2.store.writeBatch(batch);
      return monitor2.observe(batch.newIncidents.map((n) => ({ ...n.reports[0]!, id: n.id, location: { ...n.reports[0]!.location } })));
    });
    await g2.committed;
    expect(g2.value).toMatchObject({ opened: 0, retriggered: 0 });
    expect(await reportCount()).toBe(1);
    const after = await repository.list({}, { offset: 0, limit: 10 });
    expect(after.items.map((x) => [x.alert.id, x.alert.triggers])).toEqual([[id, 1]]);
    await wb2.close();
    await wb.close();
  });
});

describe('LiveJournal', () => {
  it('rotates segments and deletes those whose entries are all applied', async () => {
    const { journal } = LiveJournal.open<unknown>(join(dir, 'j'), { codec, segmentBytes: 200 });
    for (let i = 0; i < 10; i++) await journal.append(JSON.stringify({ i, pad: 'x'.repeat(100) })).durable;
    expect(readdirSync(join(dir, 'j')).length).toBeGreaterThan(3);
    journal.applied(5);
    const segments = readdirSync(join(dir, 'j')).length;
    expect(segments).toBeGreaterThan(1);
    // not all applied: close keeps the segments that hold entries 6-10 for the next start
    await journal.close();
    expect(readdirSync(join(dir, 'j'))).toHaveLength(segments);
    const reopened = LiveJournal.open<{ i: number }>(join(dir, 'j'), { codec });
    expect(reopened.backlog.map((b) => b.entry.i)).toEqual(expect.arrayContaining([5, 6, 7, 8, 9]));
    expect(reopened.backlog.map((b) => b.entry.i)).not.toContain(0);
    // all applied: the segments before the last are deleted at once, the last on a clean close
    reopened.journal.applied(10);
    expect(readdirSync(join(dir, 'j'))).toHaveLength(1);
    await reopened.journal.close();
    expect(readdirSync(join(dir, 'j'))).toEqual([]);
    expect(LiveJournal.open<{ i: number }>(join(dir, 'j'), { codec }).backlog).toEqual([]);
  });

  it('an unreadable line before the end is an error, not silently skipped', async () => {
    const { journal } = LiveJournal.open<unknown>(join(dir, 'k'), { codec, segmentBytes: 100 });
    for (let i = 0; i < 3; i++) await journal.append(JSON.stringify({ i, pad: 'x'.repeat(100) })).durable;
    await journal.close();
    const first = readdirSync(join(dir, 'k')).sort()[0]!;
    writeFileSync(join(dir, 'k', first), '1 v1:garbage\n');
    expect(() => LiveJournal.open(join(dir, 'k'), { codec })).toThrow(/unreadable/);
  });
});

describe('liveJournalOption', () => {
  it('is off unless asked for, except when a journal holds entries not yet applied (then on, with a warning)', async () => {
    const file = join(dir, 'opt.duckdb');
    const warnings: string[] = [];
    const warn = (s: string) => warnings.push(s);
    expect(await liveJournalOption(file, false, async () => codec, warn)).toBeUndefined();
    expect(await liveJournalOption(file, true, async () => codec, warn)).toMatchObject({ journalDir: `${file}.live-journal`, walPath: `${file}.wal` });
    expect(warnings).toEqual([]);
    // a run with the journal that stopped before applying everything
    const { journal } = LiveJournal.open<unknown>(`${file}.live-journal`, { codec });
    await journal.append(JSON.stringify({ k: 'batch' })).durable;
    await journal.close();
    expect(await liveJournalOption(file, false, async () => codec, warn)).toMatchObject({ journalDir: `${file}.live-journal` });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not yet in the store/);
  });
});

describe('ack-behind checkpoints leave a core to the live path', () => {
  it('all cores but one (at least one) while the applier checkpoints, the usual number after; the default of --ack-behind', async () => {
    expect([1, 2, 4, 8].map((n) => ackBehindCheckpointThreads(n))).toEqual([1, 1, 3, 7]);
    expect(await liveWriteBehindOption(join(dir, 'x.duckdb'), 'ack', async () => codec, () => undefined)).toMatchObject({ checkpointThreads: ackBehindCheckpointThreads() });
    const conn = await duckdbInstanceOf(e.store).connect();
    const threads = async () => Number((await conn.runAndReadAll("SELECT current_setting('threads')::INTEGER AS n")).getRowObjectsJS()[0]!['n']);
    await conn.run('SET GLOBAL threads = 3');
    const seen: number[] = [];
    const checkpoint = e.store.checkpoint.bind(e.store);
    e.store.checkpoint = async () => { seen.push(await threads()); return checkpoint(); };
    const mon = await openEmbeddedMonitor({ store: e.store, skipWarmUp: true, writeBehind: { walPath: join(dir, 'store.duckdb.wal'), checkpointBytes: 1, checkpointThreads: 1 } });
    await (await mon.writeBehind!.group(async () => mon.writeBehind!.store.writeBatch(batchOf('t')))).committed;
    await mon.writeBehind!.idle();
    expect(mon.writeBehind!.counters.checkpoints).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(new Set(seen)).toEqual(new Set([1]));
    expect(await threads()).toBe(3);
    await mon.close();
    conn.closeSync();
  });
});
