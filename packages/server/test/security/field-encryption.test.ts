import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FieldCipher, KeyRing, reencryptAll, type EncryptedCell } from '../../src/security/field-cipher.js';
import { createMasterKeyFile, loadMasterKey, MASTER_KEY_ENV } from '../../src/security/master-key.js';
import { InMemorySecurityRepo } from '../../src/security/security-repo.js';

const now = new Date('2026-03-01T00:00:00Z');

async function setup() {
  const repo = new InMemorySecurityRepo();
  const master = randomBytes(32);
  const ring = await KeyRing.open(repo, master);
  await ring.ensureDataset('incidents', now);
  return { repo, master, ring, cipher: new FieldCipher(ring, 'incidents') };
}

describe('field encryption (AES-256-GCM, per-dataset data keys)', () => {
  it('round-trips any text, with a fresh IV each time and the versioned format', async () => {
    const { cipher } = await setup();
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ minLength: 1, maxLength: 20 }), (text, id) => {
      const ct = cipher.encrypt(id, 'narrative', text);
      expect(ct).toMatch(/^v1:incidents\.v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
      expect(cipher.decrypt(id, 'narrative', ct)).toBe(text);
    }), { seed: 42, numRuns: 300 });
    const a = cipher.encrypt('inc_1', 'narrative', 'same'), b = cipher.encrypt('inc_1', 'narrative', 'same');
    expect(a).not.toBe(b);
    expect(a.includes('same')).toBe(false);
  });

  it('the ciphertext format and its AAD are the documented ones: a plain AES-256-GCM decryption with AAD JSON ["v1", keyId, recordId, field] opens it, for any id and field (fast-check, fixed seed)', async () => {
    const { cipher, ring } = await setup();
    // ids past 341 UTF-16 units do not fit the cipher's reused AAD buffer: both ways are drawn
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 500 }), fc.string({ unit: 'binary', minLength: 300, maxLength: 400 }));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), id, fc.string({ unit: 'grapheme', maxLength: 30 }), (text, recordId, field) => {
      const ct = cipher.encrypt(recordId, field, text);
      const [v, keyId, iv, tag, body] = ct.split(':') as [string, string, string, string, string];
      expect([v, keyId]).toEqual(['v1', 'incidents.v1']);
      const d = createDecipheriv('aes-256-gcm', ring.key(keyId), Buffer.from(iv, 'base64'));
      d.setAAD(Buffer.from(JSON.stringify(['v1', keyId, recordId, field]), 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      expect(Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8')).toBe(text);
      expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    }), { seed: 20261127, numRuns: 400 });
  });

  it('detects tampering with any byte of iv, tag or ciphertext', async () => {
    const { cipher } = await setup();
    const ct = cipher.encrypt('inc_1', 'raw', 'Levies report: 3 injured near Turbat bazaar');
    const [v, k, iv, tag, body] = ct.split(':') as [string, string, string, string, string];
    let detected = 0, tried = 0;
    for (const [name, part] of [['iv', iv], ['tag', tag], ['ct', body]] as const) {
      const bytes = Buffer.from(part, 'base64');
      for (let i = 0; i < bytes.length; i++) {
        const t = Buffer.from(bytes); t[i] = t[i]! ^ 0x80;
        const parts = { iv, tag, ct: body, [name]: t.toString('base64') };
        tried++;
        try { cipher.decrypt('inc_1', 'raw', [v, k, parts.iv, parts.tag, parts.ct].join(':')); } catch { detected++; }
      }
    }
    expect(tried).toBeGreaterThan(50);
    expect(detected).toBe(tried);
    expect(() => cipher.decrypt('inc_1', 'raw', 'plain text')).toThrow(/not a v1 ciphertext/);
  });

  it('binds the ciphertext to record id and field: a swap between records or fields fails', async () => {
    const { cipher } = await setup();
    const ct = cipher.encrypt('inc_1', 'narrative', 'secret detail');
    expect(() => cipher.decrypt('inc_2', 'narrative', ct)).toThrow(/fails authentication/);
    expect(() => cipher.decrypt('inc_1', 'raw', ct)).toThrow(/fails authentication/);
    // Relabelling the key id in the text does not help either (it is in the AAD and selects the key).
    expect(() => cipher.decrypt('inc_1', 'narrative', ct.replace('incidents.v1', 'incidents.v2'))).toThrow(/unknown data key/);
  });

  it('rotation: new writes use the new version, old ciphertexts stay readable, the job re-encrypts them', async () => {
    const { repo, master, ring, cipher } = await setup();
    const cells: EncryptedCell[] = Array.from({ length: 20 }, (_, i) => ({ recordId: `inc_${i}`, field: 'narrative', value: cipher.encrypt(`inc_${i}`, 'narrative', `text ${i}`) }));
    expect(await ring.rotate('incidents', now)).toBe('incidents.v2');
    expect(cipher.encrypt('inc_x', 'narrative', 'x').split(':')[1]).toBe('incidents.v2');
    expect(cells.every((c, i) => cipher.decrypt(c.recordId, c.field, c.value) === `text ${i}`)).toBe(true);
    const stored = new Map(cells.map((c) => [c.recordId, c.value]));
    const r1 = await reencryptAll(cipher, cells, async (c) => { stored.set(c.recordId, c.value); });
    expect(r1).toEqual({ examined: 20, rewritten: 20 });
    for (const [id, v] of stored) {
      expect(v.split(':')[1]).toBe('incidents.v2');
      expect(cipher.decrypt(id, 'narrative', v)).toBe(`text ${id.slice(4)}`);
    }
    const again = [...stored].map(([recordId, value]) => ({ recordId, field: 'narrative', value }));
    expect(await reencryptAll(cipher, again, async () => undefined)).toEqual({ examined: 20, rewritten: 0 });
    // A key ring reopened from the repo (another process) reads both versions.
    const reopened = new FieldCipher(await KeyRing.open(repo, master), 'incidents');
    expect(reopened.decrypt('inc_0', 'narrative', cells[0]!.value)).toBe('text 0');
    expect(repo.keys.filter((k) => k.active).map((k) => k.keyId)).toEqual(['incidents.v2']);
  });

  it('master key rotation rewraps data keys; the old master no longer opens them; a wrong master is refused', async () => {
    const { repo, ring, cipher } = await setup();
    const ct = cipher.encrypt('inc_1', 'narrative', 'kept');
    const newMaster = randomBytes(32);
    expect(await ring.rotateMasterKey(newMaster)).toBe(1);
    const reopened = new FieldCipher(await KeyRing.open(repo, newMaster), 'incidents');
    expect(reopened.decrypt('inc_1', 'narrative', ct)).toBe('kept');
    await expect(KeyRing.open(repo, randomBytes(32))).rejects.toThrow(/does not unwrap/);
  });

  it('loads the master key from the environment or an owner-only key file, and refuses a readable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseerat-key-'));
    try {
      const f = join(dir, 'master.key');
      await createMasterKeyFile(f);
      expect((await loadMasterKey({ keyFile: f })).length).toBe(32);
      await chmod(f, 0o644);
      await expect(loadMasterKey({ keyFile: f })).rejects.toThrow(/must be 600/);
      const k = randomBytes(32);
      expect((await loadMasterKey({ env: { [MASTER_KEY_ENV]: k.toString('base64') }, keyFile: f })).equals(k)).toBe(true);
      await expect(loadMasterKey({ env: { [MASTER_KEY_ENV]: 'c2hvcnQ=' } })).rejects.toThrow(/32 bytes/);
      await expect(createMasterKeyFile(f)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
