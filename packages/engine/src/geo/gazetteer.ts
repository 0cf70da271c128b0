/**
 * Gazetteer: names to places. Resolves province and district names as any source writes them
 * (aliases, spellings, post-census districts folded into their census parent, older districts
 * split since) to the canonical 2023 districts, and finds named places (cities, towns, villages).
 *
 * Matching is exact on a normalised key first (normalise-name.ts). Only when nothing matches
 * exactly, and the key has 6 or more letters, one edit (Damerau) is allowed; a fuzzy match must
 * still be unambiguous. A name found in two provinces resolves only when the province is given.
 * Nothing here guesses silently: an unresolved or ambiguous name gives undefined, and
 * `resolveDistrictDetailed` says which of the two it was.
 *
 * Complexity: exact lookups O(length of the name); fuzzy O(number of keys x length).
 */
import { areaKey, placeKey } from './normalise-name.js';
import { withinOneEdit } from './edit-distance.js';
import { DISTRICT_ALIASES, LEGACY_DISTRICTS, PROVINCE_ALIASES } from './district-aliases.js';
import type { DistrictAlias, LegacyDistrict, ProvinceAlias } from './district-aliases.js';
import type { AreaMatch, PlaceMatch } from './geocoder.js';
import { BaseeratError } from '../domain/errors.js';

/** How a district name was resolved. */
export type DistrictResolution =
  | { status: 'resolved'; match: AreaMatch; via: 'name' | 'alias' | 'fold' | 'fuzzy' }
  /** An older district since split: the 2023 districts its territory lies in. */
  | { status: 'legacy'; candidates: AreaMatch[]; legacyName: string }
  /** The name fits districts in more than one province (or several districts): give the province. */
  | { status: 'ambiguous'; candidates: AreaMatch[] }
  | { status: 'unknown' };

export interface FoldRow {
  /** Post-census district, as a source may write it. */
  district: string;
  /** The census district it folds into. */
  into: string;
  province: string;
}

export interface PlaceRow {
  name: string;
  lat: number;
  lon: number;
  district: string;
  province: string;
  /** 'city': a gazetteer of cities (preferred when a name is shared); 'place': smaller places. */
  kind: 'city' | 'place';
  source: string;
  /** Population or number of events: breaks ties between same-named places in one district. */
  weight?: number;
}

export interface GazetteerInput {
  districts: readonly AreaMatch[];
  folds?: readonly FoldRow[];
  places?: readonly PlaceRow[];
  aliases?: readonly DistrictAlias[];
  legacy?: readonly LegacyDistrict[];
  provinceAliases?: readonly ProvinceAlias[];
}

interface Entry {
  match: AreaMatch;
  via: 'name' | 'alias' | 'fold';
}

const FUZZY_MIN_LENGTH = 6;

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function distinctAreas(list: readonly AreaMatch[]): AreaMatch[] {
  const seen = new Set<string>();
  const out: AreaMatch[] = [];
  for (const m of list) {
    const k = `${m.province}\u0000${m.district}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(m);
    }
  }
  return out;
}

export class Gazetteer {
  private readonly provinces = new Map<string, string>();
  private readonly districtEntries = new Map<string, Entry[]>();
  private readonly legacy = new Map<string, LegacyDistrict[]>();
  private readonly places = new Map<string, PlaceRow[]>();
  private readonly canonical = new Map<string, AreaMatch>();
  readonly placeCount: number;

  constructor(input: GazetteerInput) {
    for (const d of input.districts) {
      this.canonical.set(d.district, { district: d.district, province: d.province });
      this.provinces.set(areaKey(d.province), d.province);
    }
    const known = (district: string, where: string): AreaMatch => {
      const m = this.canonical.get(district);
      if (m === undefined) {
        throw new BaseeratError('VALIDATION', `${where}: district ${JSON.stringify(district)} is not a 2023 district`, { field: 'district' });
      }
      return m;
    };
    for (const p of input.provinceAliases ?? PROVINCE_ALIASES) this.provinces.set(areaKey(p.alias), p.province);
    for (const d of this.canonical.values()) pushTo(this.districtEntries, areaKey(d.district), { match: d, via: 'name' });
    // The built-in tables name the 156 districts of 2023; a gazetteer built over fewer districts
    // (a test's fake, one province) skips their entries for absent districts. Tables passed in
    // explicitly must name only known districts.
    const builtIn = (list: readonly string[]): boolean => list.every((d) => this.canonical.has(d));
    for (const a of input.aliases ?? DISTRICT_ALIASES.filter((x) => builtIn([x.district]))) {
      const m = known(a.district, `alias ${JSON.stringify(a.alias)}`);
      if (a.province !== undefined && a.province !== m.province) {
        throw new BaseeratError('VALIDATION', `alias ${JSON.stringify(a.alias)}: province ${a.province} but ${a.district} is in ${m.province}`, { field: 'province' });
      }
      this.addEntry(areaKey(a.alias), { match: m, via: 'alias' });
    }
    for (const f of input.folds ?? []) {
      this.addEntry(areaKey(f.district), { match: known(f.into, `fold ${JSON.stringify(f.district)}`), via: 'fold' });
    }
    for (const l of input.legacy ?? LEGACY_DISTRICTS.filter((x) => builtIn(x.successors))) {
      for (const s of l.successors) known(s, `legacy district ${JSON.stringify(l.name)}`);
      pushTo(this.legacy, areaKey(l.name), l);
    }
    let n = 0;
    for (const p of input.places ?? []) {
      const key = placeKey(p.name);
      if (key === '' || !Number.isFinite(p.lat) || !Number.isFinite(p.lon)) continue;
      pushTo(this.places, key, p);
      n++;
    }
    this.placeCount = n;
  }

  private addEntry(key: string, entry: Entry): void {
    if (key === '') return;
    const list = this.districtEntries.get(key);
    // The same key pointing at the same district twice adds nothing.
    if (list?.some((e) => e.match.district === entry.match.district && e.match.province === entry.match.province)) return;
    pushTo(this.districtEntries, key, entry);
  }

  /** Canonical province for any spelling ("Balochistān", "KPK", "NWFP", "FATA" -> Khyber Pakhtunkhwa), or undefined. */
  resolveProvince(name: string): string | undefined {
    const key = areaKey(name);
    if (key === '') return undefined;
    const exact = this.provinces.get(key);
    if (exact !== undefined) return exact;
    if (key.length < FUZZY_MIN_LENGTH) return undefined;
    const hits = new Set<string>();
    for (const [k, v] of this.provinces) if (k.length >= FUZZY_MIN_LENGTH && withinOneEdit(k, key)) hits.add(v);
    return hits.size === 1 ? [...hits][0] : undefined;
  }

  /** Full answer for a district name: resolved, legacy (split since), ambiguous or unknown. */
  resolveDistrictDetailed(name: string, province?: string): DistrictResolution {
    const key = areaKey(name);
    if (key === '') return { status: 'unknown' };
    let prov: string | undefined;
    if (province !== undefined && areaKey(province) !== '') {
      prov = this.resolveProvince(province);
      // A province we cannot read is not a reason to refuse a district name that is unique anyway.
    }
    const inProvince = (m: AreaMatch): boolean => prov === undefined || m.province === prov;

    const exact = (this.districtEntries.get(key) ?? []).filter((e) => inProvince(e.match));
    if (exact.length > 0) {
      const areas = distinctAreas(exact.map((e) => e.match));
      if (areas.length === 1) return { status: 'resolved', match: areas[0]!, via: exact[0]!.via };
      return { status: 'ambiguous', candidates: areas };
    }
    const legacy = (this.legacy.get(key) ?? []).filter((l) => prov === undefined || l.province === prov);
    if (legacy.length === 1) {
      const l = legacy[0]!;
      return { status: 'legacy', legacyName: l.name, candidates: l.successors.map((s) => this.canonical.get(s)!) };
    }
    if (key.length >= FUZZY_MIN_LENGTH) {
      const hits: AreaMatch[] = [];
      for (const [k, entries] of this.districtEntries) {
        if (k.length < FUZZY_MIN_LENGTH || !withinOneEdit(k, key)) continue;
        for (const e of entries) if (inProvince(e.match)) hits.push(e.match);
      }
      const areas = distinctAreas(hits);
      if (areas.length === 1) return { status: 'resolved', match: areas[0]!, via: 'fuzzy' };
      if (areas.length > 1) return { status: 'ambiguous', candidates: areas };
    }
    return { status: 'unknown' };
  }

  /** Canonical 2023 district for a name, or undefined when unknown, ambiguous or split since. */
  resolveDistrict(name: string, province?: string): AreaMatch | undefined {
    const r = this.resolveDistrictDetailed(name, province);
    return r.status === 'resolved' ? r.match : undefined;
  }

  /**
   * The 2023 districts a name can stand for: one for a resolved name; the successors of an older
   * district ("Karachi" -> the seven Karachi districts); and, for a name that is still a district
   * but lost territory since ("Loralai"), both the district and what was carved out of it.
   */
  districtsCoveredBy(name: string, province?: string): AreaMatch[] {
    const r = this.resolveDistrictDetailed(name, province);
    if (r.status === 'legacy') return r.candidates;
    if (r.status !== 'resolved') return [];
    const older = (this.legacy.get(areaKey(r.match.district)) ?? []).filter((l) => l.province === r.match.province);
    const out: AreaMatch[] = [r.match];
    for (const l of older) for (const s of l.successors) out.push(this.canonical.get(s)!);
    return distinctAreas(out);
  }

  /** A named place with its coordinates; undefined when unknown or ambiguous without a province. */
  findPlace(name: string, province?: string): PlaceMatch | undefined {
    const key = placeKey(name);
    if (key === '') return undefined;
    let prov: string | undefined;
    if (province !== undefined && areaKey(province) !== '') {
      prov = this.resolveProvince(province);
      // An unreadable province must not widen the search to the whole country.
      if (prov === undefined) return undefined;
    }
    const keep = (p: PlaceRow): boolean => prov === undefined || p.province === prov;
    let cands = (this.places.get(key) ?? []).filter(keep);
    if (cands.length === 0 && key.length >= FUZZY_MIN_LENGTH) {
      for (const [k, rows] of this.places) {
        if (k.length >= FUZZY_MIN_LENGTH && withinOneEdit(k, key)) cands = cands.concat(rows.filter(keep));
      }
    }
    if (cands.length === 0) return undefined;
    if (new Set(cands.map((p) => p.province)).size > 1) return undefined;
    let pool = cands;
    if (new Set(cands.map((p) => p.district)).size > 1) {
      // Same name in several districts of one province: a city of that name is what a report most
      // likely means; without one the name is ambiguous.
      const cityDistricts = new Set(cands.filter((p) => p.kind === 'city').map((p) => p.district));
      if (cityDistricts.size !== 1) return undefined;
      pool = cands.filter((p) => cityDistricts.has(p.district));
    }
    const best = [...pool].sort((a, b) => (a.kind === b.kind ? (b.weight ?? 0) - (a.weight ?? 0) : a.kind === 'city' ? -1 : 1))[0]!;
    return { lat: best.lat, lon: best.lon, district: best.district, province: best.province, name: best.name };
  }
}
