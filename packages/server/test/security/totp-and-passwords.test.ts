import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base32Decode, base32Encode, hotp, totp, verifyTotp } from '../../src/security/totp.js';
import { checkPassword } from '../../src/security/password-policy.js';
import { ARGON2_OPTIONS, argon2idHasher } from '../../src/security/password-hashing.js';
import { COMMON_PASSWORDS } from '../../src/security/common-passwords.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; 8-digit codes.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC6238_SHA1: Array<[number, string]> = [
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
  [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
];
// RFC 4226 Appendix D: HOTP values for counters 0..9 with the same seed, 6 digits.
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('TOTP (RFC 6238) and HOTP (RFC 4226)', () => {
  it('reproduces the RFC 6238 Appendix B SHA-1 vectors (8 digits) and their 6-digit truncations', () => {
    for (const [t, code] of RFC6238_SHA1) {
      expect(totp(SEED, t * 1000, { digits: 8 })).toBe(code);
      expect(totp(SEED, t * 1000)).toBe(code.slice(2));
    }
  });

  it('reproduces the RFC 4226 Appendix D HOTP values', () => {
    RFC4226.forEach((code, counter) => expect(hotp(SEED, counter)).toBe(code));
  });

  it('accepts the previous, current and next step only, and never the same step twice', () => {
    const t = 1111111111_000;
    const step = Math.floor(t / 30000);
    for (const d of [-1, 0, 1]) expect(verifyTotp(SEED, totp(SEED, t + d * 30000), t, -1)).toEqual({ ok: true, step: step + d });
    for (const d of [-3, -2, 2, 3]) expect(verifyTotp(SEED, totp(SEED, t + d * 30000), t, -1).ok).toBe(false);
    expect(verifyTotp(SEED, totp(SEED, t), t, step).ok).toBe(false);
    expect(verifyTotp(SEED, totp(SEED, t), t, step - 1).ok).toBe(true);
    expect(verifyTotp(SEED, '', t, -1).ok).toBe(false);
    expect(verifyTotp(SEED, 'abcdef', t, -1).ok).toBe(false);
  });

  it('base32 round-trips (RFC 4648) and matches the known encoding of the RFC seed', () => {
    expect(base32Encode(SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => { expect(base32Decode(base32Encode(b)).equals(Buffer.from(b))).toBe(true); }), { seed: 1, numRuns: 200 });
  });
});

describe('password policy and hashing', () => {
  it('length 8..128, no composition rules, common passwords and their digit/symbol variants refused', () => {
    expect(checkPassword('short1!', 'amina')).toBe('too_short');
    expect(checkPassword('correct horse battery staple', 'amina')).toBeUndefined();
    expect(checkPassword('alllowercaseletters', 'amina')).toBeUndefined();
    expect(checkPassword('x'.repeat(128), 'amina')).toBeUndefined();
    expect(checkPassword('x'.repeat(129), 'amina')).toBe('too_long');
    expect(checkPassword('Password', 'amina')).toBe('common');
    expect(checkPassword('Password2026!', 'amina')).toBe('common');
    expect(checkPassword('pakistan786', 'amina')).toBe('common');
    expect(checkPassword('amina.khan', 'Amina.Khan')).toBe('same_as_username');
    expect(checkPassword('خوش آمدید بلوچستان', 'amina')).toBeUndefined();
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(450);
  });

  it('hashes with argon2id m=19456 KiB, t=2, p=1 and verifies', async () => {
    expect(ARGON2_OPTIONS).toEqual({ algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const h = await argon2idHasher.hash('correct horse battery staple');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await argon2idHasher.verify(h, 'correct horse battery staple')).toBe(true);
    expect(await argon2idHasher.verify(h, 'correct horse battery stapl')).toBe(false);
    expect(await argon2idHasher.verify('not a hash', 'x')).toBe(false);
  });
});
