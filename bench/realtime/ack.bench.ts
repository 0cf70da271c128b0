/**
 * bench/realtime/ack.bench.ts: what acknowledging costs, alone. Publishes N messages of a
 * record's size to a stream of its own (not measured), then consumes them all with a pull
 * consumer (`consume`, batches of --batch) and no store, acknowledging either every message
 * (AckPolicy.Explicit, as the server-mode worker) or once per batch (AckPolicy.All, as `consume`
 * and `serve --nats`), alternately, --rounds times each. Prints per mode and round: CPU
 * microseconds per message of this process (the NATS client: parsing, the callback, acks) and of
 * the local nats-server (all its clients: run it under the bench lock), and the wall time.
 *
 *   flock /tmp/bench.lock npx tsx bench/realtime/ack.bench.ts [--messages 200000] [--batch 5000] [--rounds 2] [--bytes 400]
 */
import { loadavg } from 'node:os';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsServerCpuSeconds as natsServerCpu } from './proc-cpu.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const messages = Number(arg('messages', '200000')), batch = Number(arg('batch', '5000')), rounds = Number(arg('rounds', '2')), bytes = Number(arg('bytes', '400'));

/** nats-server's CPU seconds so far (NaN when it does not run on this machine). */
const natsServerCpuSeconds = (): number => natsServerCpu() ?? NaN;

const nc = await connect({ servers: '127.0.0.1:4222', name: 'bench-ack' });
const jsm = await jetstreamManager(nc);
const stream = `BENCH_ACK_${process.pid}`, subject = `ack${process.pid}.ingest.bench`;
await jsm.streams.add({ name: stream, subjects: [subject] });
const payload = new TextEncoder().encode(JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 12)) }));
for (let i = 0; i < messages; i++) {
  nc.publish(subject, payload);
  if (i % 5000 === 4999) await nc.flush();
}
await nc.flush();
for (;;) { if ((await jsm.streams.info(stream)).state.messages >= messages) break; await new Promise((r) => setTimeout(r, 100)); }

const results: Record<string, unknown>[] = [];
const load0 = loadavg()[0];
for (let round = 1; round <= rounds; round++) {
  for (const mode of ['explicit', 'all'] as const) {
    const durable = `d-${mode}-${round}`;
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: mode === 'all' ? AckPolicy.All : AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 4 * batch });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    const nats0 = natsServerCpuSeconds(), cpu0 = process.cpuUsage(), t0 = performance.now();
    let buffer: JsMsg[] = [], taken = 0, acks = 0;
    const flushBatch = () => {
      if (buffer.length === 0) return;
      if (mode === 'all') { buffer[buffer.length - 1]!.ack(); acks++; } else { for (const m of buffer) m.ack(); acks += buffer.length; }
      buffer = [];
    };
    // a batch is what has arrived when the event loop turns (as the ingest consumer takes it), at most --batch
    let scheduled = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const it = await consumer.consume({
        max_messages: batch,
        callback: (m) => {
          buffer.push(m); taken++;
          if (buffer.length >= batch) flushBatch();
          if (!scheduled) { scheduled = true; setImmediate(() => { scheduled = false; flushBatch(); if (taken >= messages) finish(); }); }
        },
      });
    await done;
    await it.close();
    await nc.flush();
    for (;;) { const i = await jsm.consumers.info(stream, durable); if (i.num_ack_pending === 0 && i.num_pending === 0) break; await new Promise((r) => setTimeout(r, 20)); }
    const wall = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0), nats = natsServerCpuSeconds() - nats0;
    results.push({ round, mode, messages: taken, acks, wallSeconds: Math.round(wall * 100) / 100, clientCpuUsPerMessage: Math.round((cpu.user + cpu.system) / taken * 10) / 10, natsServerCpuUsPerMessage: Math.round(nats * 1e6 / taken * 10) / 10 });
    await jsm.consumers.delete(stream, durable);
  }
}
console.log(JSON.stringify({ messages, batch, bytes, loadAverage1m: { before: load0, after: loadavg()[0] }, results }, null, 2));
await jsm.streams.delete(stream);
await nc.close();
process.exit(0);
