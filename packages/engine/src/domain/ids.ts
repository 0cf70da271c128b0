/**
 * Deterministic identifiers. An incident's id derives from the source key of the report that
 * created it, so re-ingesting the same feed yields the same ids (no clock, no randomness).
 */

/** The hash's four 16-bit parts, most significant first, as `fnv1a64Parts` leaves them (no array per call). */
let p3 = 0, p2 = 0, p1 = 0, p0 = 0;

/** 64-bit FNV-1a of a string, left in p3..p0 (computed on four 16-bit parts: fast, no BigInt). */
function fnv1a64Parts(s: string): void {
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
  p3 = h3; p2 = h2; p1 = h1; p0 = h0;
}

/** Character code of the hex digit of n's bits at `shift` (lower case). */
function hx(n: number, shift: number): number {
  const d = (n >>> shift) & 15;
  return d < 10 ? 48 + d : 87 + d;
}

/** 64-bit FNV-1a of a string as 16 hex digits. */
export function fnv1a64(s: string): string {
  fnv1a64Parts(s);
  // one string made, not one per 16-bit part and its padding (the live path hashes several keys per event)
  return String.fromCharCode(
    hx(p3, 12), hx(p3, 8), hx(p3, 4), hx(p3, 0), hx(p2, 12), hx(p2, 8), hx(p2, 4), hx(p2, 0),
    hx(p1, 12), hx(p1, 8), hx(p1, 4), hx(p1, 0), hx(p0, 12), hx(p0, 8), hx(p0, 4), hx(p0, 0),
  );
}

/** The id of the incident first created from the report with this source key (`agency:sourceId`). */
export function incidentIdFor(sourceKey: string): string {
  fnv1a64Parts(sourceKey);
  // `inc_` and the 16 hex digits of fnv1a64, as one string
  return String.fromCharCode(
    105, 110, 99, 95,
    hx(p3, 12), hx(p3, 8), hx(p3, 4), hx(p3, 0), hx(p2, 12), hx(p2, 8), hx(p2, 4), hx(p2, 0),
    hx(p1, 12), hx(p1, 8), hx(p1, 4), hx(p1, 0), hx(p0, 12), hx(p0, 8), hx(p0, 4), hx(p0, 0),
  );
}
