import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fnv1a64, incidentIdFor } from '../../src/domain/ids.js';

/** FNV-1a 64 with BigInt, over the bytes fnv1a64 takes (a code unit above 0xff as its low then its high byte). */
function reference(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    for (const byte of c < 0x100 ? [c] : [c & 0xff, c >>> 8]) {
      h ^= BigInt(byte);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64 and incidentIdFor', () => {
  it('give the published FNV-1a 64 values', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    expect(incidentIdFor('police:P1')).toBe(`inc_${fnv1a64('police:P1')}`);
  });

  it('equal the BigInt reference on random strings (ASCII, Urdu, any code unit)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('fc:رپورٹ-1', 'bench:B-3-FC-0001')), (s) => {
      const h = reference(s);
      expect(fnv1a64(s)).toBe(h);
      expect(incidentIdFor(s)).toBe(`inc_${h}`);
    }), { numRuns: 5_000 });
  });
});
