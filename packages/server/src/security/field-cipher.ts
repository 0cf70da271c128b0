/**
 * Encryption at rest of sensitive fields (narrative, personal names, raw source records) with
 * AES-256-GCM under per-dataset data keys.
 *
 * Ciphertext format (text, so it fits the VARCHAR columns): `v1:<keyId>:<iv>:<tag>:<ct>`, the
 * last three base64; 12-byte random IV, 16-byte tag. The additional authenticated data binds the
 * ciphertext to the format, key id, record id and field name, so a ciphertext copied to another
 * record or field fails to decrypt instead of showing the wrong text.
 *
 * Rotation without downtime: `KeyRing.rotate` adds a new active version; every older version
 * stays loaded, so old ciphertexts keep decrypting while `reencryptAll` rewrites them lazily or
 * in a background job.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BaseeratError } from '@baseerat/engine';
import { unwrapDataKey, wrapDataKey } from './master-key.js';
import type { SecurityRepo, WrappedDataKey } from './security-repo.js';

export const CIPHERTEXT_VERSION = 'v1';
const DATASET_RE = /^[a-z][a-z0-9_-]{0,62}$/;

export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  private readonly active = new Map<string, string>();
  private constructor(private readonly repo: Pick<SecurityRepo, 'listDataKeys' | 'insertDataKey' | 'rewrapDataKeys'>, private master: Buffer) {}

  /** Unwraps every stored data key with the master key. */
  static async open(repo: Pick<SecurityRepo, 'listDataKeys' | 'insertDataKey' | 'rewrapDataKeys'>, master: Buffer): Promise<KeyRing> {
    const ring = new KeyRing(repo, master);
    for (const k of await repo.listDataKeys()) ring.load(k);
    return ring;
  }

  private load(k: WrappedDataKey): void {
    this.keys.set(k.keyId, unwrapDataKey(this.master, k.keyId, k.wrapped));
    if (k.active) this.active.set(k.dataset, k.keyId);
  }

  activeKeyId(dataset: string): string | undefined { return this.active.get(dataset); }
  keyIds(): string[] { return [...this.keys.keys()].sort(); }

  /** The key for `keyId`, or a CONFIG error naming it (a key that was never stored or not loaded). */
  key(keyId: string): Buffer {
    const k = this.keys.get(keyId);
    if (k === undefined) throw new BaseeratError('CONFIG', `unknown data key ${keyId}`, { field: 'keyId' });
    return k;
  }

  /** Creates version 1 for a dataset that has no key yet; returns the active key id. */
  async ensureDataset(dataset: string, now: Date): Promise<string> {
    return this.active.get(dataset) ?? this.rotate(dataset, now);
  }

  /** Adds a new active data key version for `dataset`; older versions stay readable. */
  async rotate(dataset: string, now: Date): Promise<string> {
    if (!DATASET_RE.test(dataset)) throw new BaseeratError('VALIDATION', `dataset name ${JSON.stringify(dataset)} must match ${DATASET_RE}`, { field: 'dataset' });
    const versions = (await this.repo.listDataKeys()).filter((k) => k.dataset === dataset).map((k) => k.version);
    const version = Math.max(0, ...versions) + 1;
    const keyId = `${dataset}.v${version}`;
    const dek = randomBytes(32);
    const row: WrappedDataKey = { keyId, dataset, version, wrapped: wrapDataKey(this.master, keyId, dek), createdAt: now.toISOString(), active: true };
    await this.repo.insertDataKey(row);
    this.keys.set(keyId, dek);
    this.active.set(dataset, keyId);
    return keyId;
  }

  /** Rewraps every data key under a new master key (the data itself is untouched). */
  async rotateMasterKey(newMaster: Buffer): Promise<number> {
    if (newMaster.length !== 32) throw new BaseeratError('VALIDATION', `new master key must be 32 bytes, got ${newMaster.length}`, { field: 'masterKey' });
    const rows = [...this.keys.entries()].map(([keyId, dek]) => ({ keyId, wrapped: wrapDataKey(newMaster, keyId, dek) }));
    await this.repo.rewrapDataKeys(rows);
    this.master = newMaster;
    return rows.length;
  }
}

function aad(keyId: string, recordId: string, field: string): Buffer {
  // JSON keeps the parts unambiguous whatever characters ids contain.
  return Buffer.from(JSON.stringify([CIPHERTEXT_VERSION, keyId, recordId, field]), 'utf8');
}

/**
 * The JSON text of `aad` around the record id, per key id and field: `["v1","<keyId>",` and
 * `,"<field>"]` (JSON.stringify of an array of strings is its elements' JSON joined by commas), so
 * that encrypting a value stringifies only its record id. A few fields per key: the map stays small.
 */
const aadParts = new Map<string, Map<string, [string, string]>>();
function aadPartsOf(keyId: string, field: string): [string, string] {
  let byField = aadParts.get(keyId);
  if (byField === undefined) aadParts.set(keyId, byField = new Map());
  let parts = byField.get(field);
  if (parts === undefined) byField.set(field, parts = [`[${JSON.stringify(CIPHERTEXT_VERSION)},${JSON.stringify(keyId)},`, `,${JSON.stringify(field)}]`]);
  return parts;
}

/**
 * Encryption's AAD written into one reused buffer (setAAD hands it to OpenSSL at once, which keeps
 * no reference): the same bytes as `aad`, without a new Buffer per value. Longer texts (an id of
 * hundreds of characters) get their own buffer.
 */
const AAD_BYTES = 1024;
const aadBuf = Buffer.allocUnsafe(AAD_BYTES);
function aadView(keyId: string, recordId: string, field: string): Buffer {
  const [head, tail] = aadPartsOf(keyId, field);
  const text = head + JSON.stringify(recordId) + tail;
  // at most 3 UTF-8 bytes per UTF-16 unit
  if (text.length * 3 > AAD_BYTES) return Buffer.from(text, 'utf8');
  return aadBuf.subarray(0, aadBuf.write(text, 0, 'utf8'));
}

/**
 * 96-bit IVs cut from a pool of CSPRNG bytes refilled 64 KiB at a time: one `randomBytes(12)` per
 * value cost more than the encryption itself (1.6 of 4.5 s of encryption per 100,000 ingested
 * rows, profiled). Each IV is 12 never-reused pool bytes, so IVs stay random and unique per key
 * as GCM requires.
 */
const IV_POOL_BYTES = 12 * 5461;
let ivPool = Buffer.alloc(0);
let ivAt = IV_POOL_BYTES;
function freshIv(): Buffer {
  if (ivAt + 12 > ivPool.length) { ivPool = randomBytes(IV_POOL_BYTES); ivAt = 0; }
  // a view is enough: createCipheriv copies the IV, and the pool bytes are never handed out twice
  const iv = ivPool.subarray(ivAt, ivAt + 12);
  ivAt += 12;
  return iv;
}

/** What a store needs to keep a text column encrypted: both directions, bound to the record and field. */
export interface RecordBoundFieldCodec {
  encode(plain: string, field: string, recordId: string): string;
  decode(stored: string, field: string, recordId: string): string;
}

export class FieldCipher implements RecordBoundFieldCodec {
  constructor(private readonly ring: KeyRing, readonly dataset: string) {}

  encrypt(recordId: string, field: string, plaintext: string): string {
    const keyId = this.ring.activeKeyId(this.dataset);
    if (keyId === undefined) throw new BaseeratError('CONFIG', `dataset ${this.dataset} has no data key: run key setup (KeyRing.ensureDataset)`, { field: 'dataset' });
    const iv = freshIv();
    const c = createCipheriv('aes-256-gcm', this.ring.key(keyId), iv);
    c.setAAD(aadView(keyId, recordId, field));
    // GCM is a stream mode: final() returns nothing more, so no concatenation in the common case
    const head = c.update(plaintext, 'utf8');
    const tail = c.final();
    const ct = tail.length === 0 ? head : Buffer.concat([head, tail]);
    return [CIPHERTEXT_VERSION, keyId, iv.toString('base64'), c.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  decrypt(recordId: string, field: string, stored: string): string {
    const parts = stored.split(':');
    const [ver, keyId, iv, tag, ct] = parts;
    if (parts.length !== 5 || ver !== CIPHERTEXT_VERSION || keyId === undefined || iv === undefined || tag === undefined || ct === undefined) {
      throw new BaseeratError('PARSE', `record ${recordId} field ${field}: not a ${CIPHERTEXT_VERSION} ciphertext (a store filled before encryption at rest was switched on? run \`baseerat keys reencrypt --encrypt-plaintext\`, see docs/security.md)`, { field });
    }
    const key = this.ring.key(keyId);
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      d.setAAD(aad(keyId, recordId, field));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]).toString('utf8');
    } catch (cause) {
      throw new BaseeratError('CONFLICT', `record ${recordId} field ${field}: ciphertext fails authentication (tampered, or moved from another record or field)`, { field, cause });
    }
  }

  encode(plain: string, field: string, recordId: string): string { return this.encrypt(recordId, field, plain); }
  decode(stored: string, field: string, recordId: string): string { return this.decrypt(recordId, field, stored); }

  keyIdOf(stored: string): string | undefined { return stored.split(':')[1]; }

  /** What every ciphertext written now starts with (`v1:<active key id>:`); a store finds older values by it. */
  currentPrefix(): string {
    const keyId = this.ring.activeKeyId(this.dataset);
    if (keyId === undefined) throw new BaseeratError('CONFIG', `dataset ${this.dataset} has no data key: run key setup (KeyRing.ensureDataset)`, { field: 'dataset' });
    return `${CIPHERTEXT_VERSION}:${keyId}:`;
  }

  /** True when the ciphertext is under an older key version than the active one. */
  needsReencryption(stored: string): boolean {
    return this.keyIdOf(stored) !== this.ring.activeKeyId(this.dataset);
  }

  /** The same plaintext under the active key (the stored text unchanged if already current). */
  reencrypt(recordId: string, field: string, stored: string): string {
    return this.needsReencryption(stored) ? this.encrypt(recordId, field, this.decrypt(recordId, field, stored)) : stored;
  }
}

export interface EncryptedCell { recordId: string; field: string; value: string }

/**
 * The re-encryption job: reads cells (a store supplies them in batches), rewrites those under an
 * old key version, and hands the new text back to the store. Safe to run while the system serves:
 * every version stays readable until the job reports zero remaining.
 */
export async function reencryptAll(
  cipher: FieldCipher, cells: AsyncIterable<EncryptedCell> | Iterable<EncryptedCell>,
  write: (cell: EncryptedCell) => Promise<void>,
): Promise<{ examined: number; rewritten: number }> {
  let examined = 0, rewritten = 0;
  for await (const cell of cells) {
    examined++;
    if (!cipher.needsReencryption(cell.value)) continue;
    await write({ ...cell, value: cipher.reencrypt(cell.recordId, cell.field, cell.value) });
    rewritten++;
  }
  return { examined, rewritten };
}
