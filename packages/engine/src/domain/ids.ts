/**
 * Deterministic identifiers. An incident's id derives from the source key of the report that
 * created it, so re-ingesting the same feed yields the same ids (no clock, no randomness).
 */

/** 64-bit FNV-1a of a string as 16 hex digits, computed on two 32-bit halves (fast, no BigInt). */
export function fnv1a64(s: string): string {
  // offset basis 0xcbf29ce484222325, prime 0x100000001b3
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    // FNV works on bytes: feed UTF-16 code units as two bytes when above 0xff
    const bytes = code < 0x100 ? 1 : 2;
    for (let b = 0; b < bytes; b++) {
      h0 ^= b === 0 ? code & 0xff : code >>> 8;
      // multiply by 0x100000001b3: low part 0x1b3, plus (h << 40)
      const t0 = h0 * 0x1b3, t1 = h1 * 0x1b3, t2 = h2 * 0x1b3, t3 = h3 * 0x1b3;
      const c1 = t1 + (t0 >>> 16);
      const c2 = t2 + (c1 >>> 16) + (h0 << 8);
      const c3 = t3 + (c2 >>> 16) + (h1 << 8);
      h0 = t0 & 0xffff; h1 = c1 & 0xffff; h2 = c2 & 0xffff; h3 = c3 & 0xffff;
    }
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

// At module level, not a closure made at each call: the live path hashes several keys per event,
// and under tsx (which keeps function names) each closure made also cost a defineProperty.
function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** The id of the incident first created from the report with this source key (`agency:sourceId`). */
export function incidentIdFor(sourceKey: string): string {
  return `inc_${fnv1a64(sourceKey)}`;
}
