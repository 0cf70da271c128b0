/**
 * Password rules after NIST SP 800-63B §5.1.1.2 and OWASP ASVS V2.1: at least 8 characters, at
 * least 128 allowed, any characters (Unicode NFKC-normalised, spaces kept), no composition rules,
 * refused when on the common-password list (also after stripping trailing digits and symbols,
 * which is how "Password2026!" is usually built) or equal to the username.
 */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export function normalisePassword(pw: string): string {
  return pw.normalize('NFKC');
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'same_as_username';

export function checkPassword(
  password: string, username: string, extraDenyList: ReadonlySet<string> = new Set(), minLength: number = PASSWORD_MIN_LENGTH,
): PasswordProblem | undefined {
  const pw = normalisePassword(password);
  const length = [...pw].length;
  if (length < Math.max(minLength, PASSWORD_MIN_LENGTH)) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = pw.toLowerCase();
  if (lower === username.normalize('NFKC').toLowerCase()) return 'same_as_username';
  const stem = lower.replace(/[\d\W_]+$/u, '');
  for (const candidate of [lower, stem]) {
    if (COMMON_PASSWORDS.has(candidate) || extraDenyList.has(candidate)) return 'common';
  }
  return undefined;
}
