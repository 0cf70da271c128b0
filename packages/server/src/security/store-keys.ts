/**
 * Encryption at rest of the incident store: which data key protects it, and the re-encryption
 * job that follows a key rotation. The store encrypts its sensitive columns (port
 * SENSITIVE_FIELDS: narratives, raw source records, quarantined lines) through a FieldCipher for
 * the dataset `incidents`, wired in `api/embedded.ts` (`openEmbedded`), which every command that
 * writes or reads those columns goes through.
 *
 * Rotation without downtime: `keys rotate --dataset incidents` adds version n+1 and makes it
 * active; every older version stays loaded, so old values keep decrypting, new values are written
 * under n+1 at once, and `reencryptStore` rewrites the old ones in short batches queued between
 * the store's other calls. The master key only wraps data keys: rotating it rewraps them and
 * leaves the data alone (`rotateMasterKey`).
 */
import { BaseeratError } from '@baseerat/engine';
import type { ReencryptionProgress, Store } from '../store/port.js';
import type { Actor } from './account-service.js';
import type { AuditLog } from './audit-log.js';

/** The data-key dataset of the incident store's sensitive columns. */
export const STORE_DATASET = 'incidents';

export interface StoreReencryption {
  batches: number;
  rewritten: number;
  remaining: number;
}

/**
 * Re-encrypts the store's sensitive values that are not under the active `incidents` key, `batch`
 * at a time, until none remain; records one audit entry with the totals (also on failure).
 * `encryptPlaintext` is for a store filled before encryption was switched on (see the port).
 */
export async function reencryptStore(
  store: Pick<Store, 'reencryptBatch'>, audit: Pick<AuditLog, 'record'>, actor: Actor, now: () => Date,
  opts: { batch?: number; encryptPlaintext?: boolean; onProgress?: (p: StoreReencryption) => void } = {},
): Promise<StoreReencryption> {
  if (store.reencryptBatch === undefined) throw new BaseeratError('CONFIG', 'this store cannot re-encrypt (no keyed codec)', { field: 'store' });
  const batch = opts.batch ?? 5000;
  const out: StoreReencryption = { batches: 0, rewritten: 0, remaining: 0 };
  const record = (outcome: 'success' | 'failure', error?: string) => audit.record({
    actor: actor.id, action: 'keys.reencrypt', target: STORE_DATASET, from: actor.from, outcome,
    details: { batches: out.batches, rewritten: out.rewritten, remaining: out.remaining, encryptPlaintext: opts.encryptPlaintext === true, ...(error === undefined ? {} : { error }) },
  }, now());
  try {
    for (;;) {
      const p: ReencryptionProgress = await store.reencryptBatch(batch, { encryptPlaintext: opts.encryptPlaintext === true });
      out.batches++;
      out.rewritten += p.rewritten;
      out.remaining = p.remaining;
      opts.onProgress?.({ ...out });
      // a batch that rewrote nothing while some remain would loop for ever: stop and say so
      if (p.remaining === 0 || p.rewritten === 0) break;
    }
  } catch (e) {
    await record('failure', e instanceof Error ? e.message.slice(0, 300) : String(e));
    throw e;
  }
  await record(out.remaining === 0 ? 'success' : 'failure');
  return out;
}
