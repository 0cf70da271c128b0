/**
 * Normalisation of place and area names as written by any source, so that "Balochistān",
 * "BALOCHISTAN PROVINCE" and "Balochistan" compare equal.
 *
 * What it answers: the matching key of a name. Keys are lower case ASCII letters and digits, with
 * diacritics removed, punctuation dropped, generic administrative words ("District", "Agency",
 * "Tehsil", "province", ...) removed, known spelling variants of single words folded
 * ("Qila" -> "killa") and, finally, all spaces removed so that "Musa Khel" and "Musakhel" meet.
 * Complexity O(length of the name). Never throws: any string (even empty or made of symbols)
 * gives a key, possibly the empty string, which callers treat as "no name".
 */
import { TOKEN_VARIANTS } from './district-aliases.js';

/** Words that say what kind of unit a name is, not which one; dropped anywhere in the name. */
const AREA_WORDS = new Set([
  'district', 'districts', 'distrcit', 'distict', 'distt', 'dist', 'agency', 'tehsil', 'teshsil', 'tahsil',
  'province', 'division', 'region', 'territory', 'subdivision', 'sub', 'the',
]);

/** Extra words dropped from names of places (villages, towns) but kept in area names. */
const PLACE_WORDS = new Set(['village', 'town', 'city', 'locality', 'area', 'suburb', 'neighbourhood', 'neighborhood', 'cantonment', 'cantt']);

function tokens(name: string): string[] {
  const folded = String(name)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Apostrophes and dots join rather than split ("D.I. Khan" -> "di khan", "Qila'" -> "qila").
    .replace(/['’`.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return folded === '' ? [] : folded.split(' ');
}

function finish(words: string[], drop: (w: string) => boolean): string {
  const kept = words.filter((w) => !drop(w)).map((w) => TOKEN_VARIANTS[w] ?? w);
  // A name made only of generic words ("District") keeps them rather than vanishing.
  const use = kept.length > 0 ? kept : words;
  return use.join('');
}

/** Matching key for a district, division or province name. */
export function areaKey(name: string): string {
  return finish(tokens(name), (w) => AREA_WORDS.has(w));
}

/** Matching key for a place name (city, town, village): also drops "village", "town", "city", ... */
export function placeKey(name: string): string {
  return finish(tokens(name), (w) => AREA_WORDS.has(w) || PLACE_WORDS.has(w));
}
