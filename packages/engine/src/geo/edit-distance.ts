/**
 * Whether two strings are at most one edit apart (Damerau: one insertion, deletion, substitution,
 * or one swap of adjacent letters). What the gazetteer's fuzzy match allows, and no more: a
 * general edit distance would be a licence to guess. O(length), no allocation.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  if (la === lb) {
    let i = 0;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    // First difference at i: either a substitution (rest equal) or an adjacent swap.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [s, t] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === t.charCodeAt(i)) i++;
  return s.slice(i) === t.slice(i + 1);
}
