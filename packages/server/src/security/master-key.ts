/**
 * The master key: 32 bytes held outside the database (a key file readable by the owner only, or
 * the environment variable BASEERAT_MASTER_KEY, base64). It never encrypts data itself; it wraps
 * the per-dataset data keys (AES-256-GCM, AAD = the key id), so that stealing the database file
 * yields only wrapped keys, and rotating the master key rewraps a handful of keys, not the data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BaseeratError } from '@baseerat/engine';

export const MASTER_KEY_ENV = 'BASEERAT_MASTER_KEY';
const WRAP_FORMAT = 'w1';

function parseKey(b64: string, where: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new BaseeratError('CONFIG', `${where}: master key must be 32 bytes base64, got ${key.length} bytes`, { field: 'masterKey' });
  return key;
}

/**
 * Reads the master key from `env[BASEERAT_MASTER_KEY]` or else `keyFile`, refusing a file that
 * group or others can read or write.
 */
export async function loadMasterKey(opts: { env?: Readonly<Record<string, string | undefined>>; keyFile?: string }): Promise<Buffer> {
  const fromEnv = opts.env?.[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, MASTER_KEY_ENV);
  if (opts.keyFile === undefined) {
    throw new BaseeratError('CONFIG', `no master key: set ${MASTER_KEY_ENV} or give a key file`, { field: 'masterKey' });
  }
  const st = await stat(opts.keyFile);
  if ((st.mode & 0o077) !== 0) {
    throw new BaseeratError('CONFIG', `master key file ${opts.keyFile} has mode ${(st.mode & 0o777).toString(8)}; it must be 600 (owner only)`, { field: 'keyFile' });
  }
  return parseKey(await readFile(opts.keyFile, 'utf8'), opts.keyFile);
}

/**
 * Writes a fresh random master key to `keyFile` with mode 0600; refuses to overwrite. Creates the
 * directory (0700) when missing: the first command on a fresh `--db` path creates both.
 */
export async function createMasterKeyFile(keyFile: string): Promise<void> {
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
}

export function wrapDataKey(master: Buffer, keyId: string, dataKey: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  c.setAAD(Buffer.from(`baseerat-data-key|${keyId}`, 'utf8'));
  const ct = Buffer.concat([c.update(dataKey), c.final()]);
  return [WRAP_FORMAT, iv.toString('base64'), c.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

export function unwrapDataKey(master: Buffer, keyId: string, wrapped: string): Buffer {
  const [fmt, iv, tag, ct] = wrapped.split(':');
  if (fmt !== WRAP_FORMAT || iv === undefined || tag === undefined || ct === undefined) {
    throw new BaseeratError('CONFIG', `data key ${keyId}: unknown wrapped format`, { field: 'wrapped' });
  }
  try {
    const d = createDecipheriv('aes-256-gcm', master, Buffer.from(iv, 'base64'));
    d.setAAD(Buffer.from(`baseerat-data-key|${keyId}`, 'utf8'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]);
  } catch (cause) {
    throw new BaseeratError('CONFIG', `data key ${keyId} does not unwrap: wrong master key or tampered key row`, { field: 'masterKey', cause });
  }
}
