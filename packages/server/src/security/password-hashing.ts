/**
 * argon2id password hashing with the OWASP-recommended minimum (m = 19456 KiB, t = 2, p = 1;
 * about 17 ms here) through @node-rs/argon2. The hasher is an interface so that the login
 * service can be shown, in tests, to hash exactly once whether or not the user exists.
 */
import { hash, verify } from '@node-rs/argon2';
import { normalisePassword } from './password-policy.js';

// @node-rs/argon2 declares Algorithm as a const enum, which isolatedModules cannot import: 2 is Argon2id.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
}

export const argon2idHasher: PasswordHasher = {
  hash: (password) => hash(normalisePassword(password), ARGON2_OPTIONS),
  verify: async (phc, password) => {
    try { return await verify(phc, normalisePassword(password)); } catch { return false; }
  },
};
