/**
 * CPU time of other processes and of this one's threads, read from Linux /proc (ticks of 10 ms),
 * for the live-path benches.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of the local nats-server so far, when it runs on this machine (all its clients: other engineers' too); undefined elsewhere. */
export function natsServerCpuSeconds(): number | undefined {
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let comm: string;
      try { comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { continue; }
      if (comm !== 'nats-server') continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    }
  } catch { /* not Linux */ }
  return undefined;
}
