/**
 * Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226): HMAC-SHA-1, 6 digits, 30-second
 * steps, accepting the previous and next step for clock drift, and never the same step twice for
 * one account (replay). Secrets are 20 random bytes shown to the user once as base32 (RFC 4648)
 * inside an otpauth:// URI for an authenticator app.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Uint8Array): string {
  let bits = 0, value = 0, out = '';
  for (const byte of buf) {
    value = (value << 8) | byte; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new RangeError(`base32: invalid character ${JSON.stringify(ch)}`);
    value = (value << 5) | v; bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** HOTP value of RFC 4226 §5.3 for a counter, as a zero-padded decimal string. */
export function hotp(secret: Uint8Array, counter: number, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function totpStep(nowMs: number, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(nowMs / 1000 / stepSeconds);
}

export function totp(secret: Uint8Array, nowMs: number, opts: { digits?: number; algorithm?: TotpAlgorithm; stepSeconds?: number } = {}): string {
  return hotp(secret, totpStep(nowMs, opts.stepSeconds ?? TOTP_STEP_SECONDS), opts.digits ?? TOTP_DIGITS, opts.algorithm ?? 'sha1');
}

/**
 * Checks a code against steps now-1, now, now+1, all of them (no early exit, so timing does not
 * say which matched). Accepts only a step later than `lastStep`. Returns the matched step.
 */
export function verifyTotp(secret: Uint8Array, code: string, nowMs: number, lastStep: number): { ok: true; step: number } | { ok: false } {
  const now = totpStep(nowMs);
  const given = Buffer.from(code.padEnd(TOTP_DIGITS, ' ').slice(0, 16), 'utf8');
  let matched = -1;
  for (const step of [now - 1, now, now + 1]) {
    const want = Buffer.from(hotp(secret, step), 'utf8');
    const same = given.length === want.length && timingSafeEqual(given, want);
    if (same && step > lastStep && matched < 0) matched = step;
  }
  return matched >= 0 && /^\d{6}$/.test(code) ? { ok: true, step: matched } : { ok: false };
}

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

export function otpauthUri(secretBase32: string, account: string, issuer = 'Baseerat'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
