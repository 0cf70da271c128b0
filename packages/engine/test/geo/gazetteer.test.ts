import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { areaKey, placeKey } from '../../src/geo/normalise-name.js';
import { withinOneEdit } from '../../src/geo/edit-distance.js';
import { Gazetteer } from '../../src/geo/gazetteer.js';
import type { PlaceRow } from '../../src/geo/gazetteer.js';
import { DISTRICT_ALIASES, LEGACY_DISTRICTS, PROVINCE_ALIASES } from '../../src/geo/district-aliases.js';
import { shippedDistricts, shippedFolds, shippedGeography } from './shipped-data.js';

const geo = shippedGeography();
const canonical = new Set(geo.districts.map((d) => d.name));

describe('name normalisation', () => {
  it('folds case, diacritics, punctuation, suffixes and spelling variants', () => {
    expect(areaKey('Balochistān')).toBe('balochistan');
    expect(areaKey('BALOCHISTAN PROVINCE')).toBe('balochistan');
    expect(areaKey('Baluchistan')).toBe('balochistan');
    expect(areaKey('Qila Abdullah')).toBe(areaKey('Killa Abdullah District'));
    expect(areaKey('Qilla Saifullah')).toBe(areaKey('Killa Saifullah'));
    expect(areaKey('Musa Khel')).toBe(areaKey('Musakhel'));
    expect(areaKey('D.I. Khan')).toBe('dikhan');
    expect(areaKey('Jafarabad Distrcit')).toBe('jafarabad');
    expect(areaKey('Khyber agency')).toBe('khyber');
    expect(areaKey('Mastung Tehsil')).toBe('mastung');
    expect(placeKey('Kel village')).toBe('kel');
    expect(placeKey('Quetta city')).toBe('quetta');
    // A name made only of generic words is kept, not emptied.
    expect(areaKey('District')).toBe('district');
    expect(areaKey('  ,;. ')).toBe('');
  });

  it('property: normalisation never throws, gives [a-z0-9]* and is idempotent on its output', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        for (const f of [areaKey, placeKey]) {
          const k = f(s);
          expect(k).toMatch(/^[a-z0-9]*$/);
          expect(f(k)).toBe(k);
        }
      }),
      { seed: 42, numRuns: 800 },
    );
  });

  it('withinOneEdit: one insertion, deletion, substitution or adjacent swap, and no more', () => {
    expect(withinOneEdit('khuzdar', 'khuzdar')).toBe(true);
    expect(withinOneEdit('khuzdar', 'khuzdaar')).toBe(true);
    expect(withinOneEdit('khuzdar', 'khozdar')).toBe(true);
    expect(withinOneEdit('khuzdar', 'khuzadr')).toBe(true);
    expect(withinOneEdit('khuzdar', 'kuzdr')).toBe(false);
    expect(withinOneEdit('khuzdar', 'khozdaar')).toBe(false);
    expect(withinOneEdit('', 'a')).toBe(true);
    expect(withinOneEdit('ab', 'ba')).toBe(true);
    expect(withinOneEdit('abc', 'cab')).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(withinOneEdit(a, b)).toBe(withinOneEdit(b, a));
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});

describe('alias tables', () => {
  it('every alias, legacy successor and fold names a real 2023 district', () => {
    for (const a of DISTRICT_ALIASES) expect(canonical, a.alias).toContain(a.district);
    for (const l of LEGACY_DISTRICTS) for (const s of l.successors) expect(canonical, l.name).toContain(s);
    for (const f of shippedFolds()) expect(canonical, f.district).toContain(f.into);
    const provinces = new Set(geo.districts.map((d) => d.province));
    for (const p of PROVINCE_ALIASES) expect(provinces, p.alias).toContain(p.province);
  });

  it('resolves district names as sources write them', () => {
    const cases: [string, string | undefined, string][] = [
      ['Quetta', undefined, 'Quetta'],
      ['QUETTA DISTRICT', 'Balochistan province', 'Quetta'],
      ['Qila Abdullah', undefined, 'Killa Abdullah'],
      ['Killa Abdullah', undefined, 'Killa Abdullah'],
      ['Kila Saifullah', undefined, 'Killa Saifullah'],
      ['Qilla Saifullah District', undefined, 'Killa Saifullah'],
      ['Kachhi', undefined, 'Kachhi (Bolan)'],
      ['Bolan district', 'Balochistan province', 'Kachhi (Bolan)'],
      ['Kachhi (Bolan)', undefined, 'Kachhi (Bolan)'],
      ['Dera Bugti Agency', undefined, 'Dera Bugti'],
      ['Turbat', undefined, 'Kech'],
      ['Dera Murad Jamali', undefined, 'Nasirabad'],
      ['Khozdar', undefined, 'Khuzdar'],
      ['Khuzdaar', undefined, 'Khuzdar'],
      ['Jafarabad Distrcit', 'Balochistan province', 'Jaffarabad'],
      ['Hub', undefined, 'Lasbela'],
      ['Usta Muhammad', undefined, 'Jaffarabad'],
      ['Karezat', undefined, 'Pishin'],
      ['Quetta East', undefined, 'Quetta'],
      ['Tump', undefined, 'Kech'],
      ['Musakhel', undefined, 'Musa Khel'],
      ['Neelam district', 'Azad Jammu & Kashmir', 'Neelum'],
      ['Hattian Bala district', undefined, 'Jhelum Valley'],
      ['Diamer district', undefined, 'Diamir'],
      ['Abbottabad district', 'Khyber Pakhtunkwa province', 'Abbotabad'],
      ['Bajaur agency', 'Federally Administered Tribal Areas', 'Bajaur'],
      ['FR Kohat', 'FATA', 'Kohat'],
      ['FR Tank - Jandola', undefined, 'Tank'],
      ['North Waziristan', 'FATA', 'North Waziristan'],
      ['Lower South Waziristan', undefined, 'South Waziristan'],
      ['Nawabshah', undefined, 'Shaheed Benazirabad'],
      // Conservative fuzzy match: one edit, 6+ letters, unique.
      ['Mastungg', undefined, 'Mastung'],
      ['Panjgurr', undefined, 'Panjgur'],
    ];
    for (const [name, province, district] of cases) {
      expect({ name, got: geo.resolveDistrict(name, province)?.district }).toEqual({ name, got: district });
    }
  });

  it('does not guess: unknown, short or split names give undefined, with the reason', () => {
    expect(geo.resolveDistrict('Atlantis')).toBeUndefined();
    expect(geo.resolveDistrictDetailed('Atlantis').status).toBe('unknown');
    expect(geo.resolveDistrict('')).toBeUndefined();
    expect(geo.resolveDistrict('Sibbi')).toBeUndefined(); // 5 letters: no fuzzy match
    const karachi = geo.resolveDistrictDetailed('Karachi district', 'Sindh province');
    expect(karachi.status).toBe('legacy');
    expect(karachi.status === 'legacy' && karachi.candidates.map((c) => c.district).sort()).toEqual(
      ['Karachi Central', 'Karachi East', 'Karachi South', 'Karachi West', 'Keamari', 'Korangi', 'Malir'],
    );
    expect(geo.resolveDistrict('Karachi')).toBeUndefined();
    // Loralai is still a district: it resolves, and its older extent also covers Duki.
    expect(geo.resolveDistrict('Loralai')?.district).toBe('Loralai');
    expect(geo.gazetteer.districtsCoveredBy('Loralai').map((d) => d.district)).toEqual(['Loralai', 'Duki']);
    // A province that contradicts the name filters it out.
    expect(geo.resolveDistrict('Quetta', 'Punjab')).toBeUndefined();
  });

  it('a district name shared by two provinces needs the province', () => {
    const g = new Gazetteer({
      districts: [{ district: 'Hyderabad', province: 'Sindh' }, { district: 'Hyderabad East', province: 'Punjab' }],
      aliases: [{ alias: 'Hyderabad X', district: 'Hyderabad' }, { alias: 'Hyderabad X', district: 'Hyderabad East' }],
      legacy: [],
    });
    expect(g.resolveDistrictDetailed('Hyderabad X').status).toBe('ambiguous');
    expect(g.resolveDistrict('Hyderabad X', 'Sind')?.district).toBe('Hyderabad');
    expect(g.resolveDistrict('Hyderabad X', 'Punjab')?.district).toBe('Hyderabad East');
  });

  it('built-in tables adapt to a gazetteer over a few districts; explicit tables must name known districts', () => {
    const g = new Gazetteer({ districts: [{ district: 'Kech', province: 'Balochistan' }, { district: 'Quetta', province: 'Balochistan' }] });
    expect(g.resolveDistrict('Turbat')?.district).toBe('Kech');
    expect(g.resolveDistrict('Khozdar')).toBeUndefined();
    expect(() => new Gazetteer({ districts: [{ district: 'Kech', province: 'Balochistan' }], aliases: [{ alias: 'X', district: 'Khuzdar' }] })).toThrow(
      /alias "X": district "Khuzdar" is not a 2023 district/,
    );
  });

  it('resolves province names', () => {
    const cases: [string, string][] = [
      ['Balochistan province', 'Balochistan'],
      ['Balochistān', 'Balochistan'],
      ['Baluchistan', 'Balochistan'],
      ['Khyber Pakhtunkhwa', 'Khyber Pakhtunkhwa'],
      ['Khyber Pakhtunkwa province', 'Khyber Pakhtunkhwa'],
      ['KPK', 'Khyber Pakhtunkhwa'],
      ['N.W.F.P.', 'Khyber Pakhtunkhwa'],
      ['NWFP', 'Khyber Pakhtunkhwa'],
      ['FATA', 'Khyber Pakhtunkhwa'],
      ['Federally Administered Tribal Areas', 'Khyber Pakhtunkhwa'],
      ['Islamabad Capital territory', 'Islamabad Capital Territory'],
      ['Islāmābād', 'Islamabad Capital Territory'],
      ['Azad Kashmir', 'Azad Jammu & Kashmir'],
      ['Azad Jammu & Kashmir', 'Azad Jammu & Kashmir'],
      ['Gilgit-Baltistan', 'Gilgit-Baltistan'],
      ['Punjab province', 'Punjab'],
      ['Sindh province', 'Sindh'],
    ];
    for (const [name, province] of cases) expect({ name, got: geo.resolveProvince(name) }).toEqual({ name, got: province });
    expect(geo.resolveProvince('Texas')).toBeUndefined();
  });
});

describe('findPlace', () => {
  const place = (name: string, district: string, province: string, kind: 'city' | 'place', lat: number, lon: number, weight?: number): PlaceRow =>
    weight === undefined ? { name, district, province, kind, source: 'test', lat, lon } : { name, district, province, kind, source: 'test', lat, lon, weight };
  const g = new Gazetteer({
    districts: shippedDistricts().features.map((f) => ({ district: String(f.properties!['name']), province: String(f.properties!['province']) })),
    folds: shippedFolds(),
    places: [
      place('Quetta', 'Quetta', 'Balochistan', 'city', 30.192, 67.007, 1_000_000),
      place('Quetta city', 'Quetta', 'Balochistan', 'place', 30.2, 67.0, 9),
      place('Hyderabad', 'Hyderabad', 'Sindh', 'city', 25.37, 68.37, 1_700_000),
      place('Kili Ismail village', 'Quetta', 'Balochistan', 'place', 30.1, 66.9),
      place('Kili Ismail village', 'Pishin', 'Balochistan', 'place', 30.6, 67.0),
      place('Shahpur town', 'Sargodha', 'Punjab', 'place', 32.28, 72.47),
      place('Shahpur town', 'Jaffarabad', 'Balochistan', 'place', 28.36, 68.27),
      place('Mangochar town', 'Kalat', 'Balochistan', 'place', 29.49, 66.52),
    ],
  });

  it('exact, normalised, preferring a city over a same-named place', () => {
    expect(g.findPlace('QUETTA')).toEqual({ lat: 30.192, lon: 67.007, district: 'Quetta', province: 'Balochistan', name: 'Quetta' });
    expect(g.findPlace('Quetta city')?.name).toBe('Quetta');
    expect(g.findPlace('Hyderabad', 'Sindh province')?.district).toBe('Hyderabad');
  });

  it('a name in two provinces needs the province; two districts of one province without a city are ambiguous', () => {
    expect(g.findPlace('Shahpur')).toBeUndefined();
    expect(g.findPlace('Shahpur', 'Balochistan')?.district).toBe('Jaffarabad');
    expect(g.findPlace('Shahpur', 'Punjab')?.district).toBe('Sargodha');
    expect(g.findPlace('Kili Ismail')).toBeUndefined();
    expect(g.findPlace('Shahpur', 'Atlantis')).toBeUndefined();
  });

  it('fuzzy: one edit for names of 6+ letters only', () => {
    expect(g.findPlace('Mangochur')?.name).toBe('Mangochar town');
    expect(g.findPlace('Mangochaar')?.name).toBe('Mangochar town');
    expect(g.findPlace('Mangchur')).toBeUndefined(); // two edits
    expect(g.findPlace('Queta')).toBeUndefined(); // 5 letters: exact only
    expect(g.findPlace('')).toBeUndefined();
  });

  it('property: findPlace and resolveDistrict never throw on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (name, province) => {
        g.findPlace(name, province);
        geo.resolveDistrictDetailed(name, province);
        geo.resolveProvince(name);
      }),
      { seed: 11, numRuns: 1500 },
    );
  });
});

describe('population and rates', () => {
  it('carries census 2023 population; absent, not zero, for AJK and Gilgit-Baltistan', () => {
    const bal = geo.districtsIn('Balochistān');
    expect(bal).toHaveLength(34);
    // PBS Census-2023 Table 1: Balochistan 14,894,402.
    expect(bal.reduce((s, d) => s + (d.population ?? 0), 0)).toBe(14_894_402);
    expect(geo.population('Quetta')).toBe(2_595_492);
    expect(geo.population('Qila Abdullah')).toBe(361_971);
    expect(geo.population('Muzaffarabad')).toBeUndefined();
    expect(geo.districts.filter((d) => d.population === undefined)).toHaveLength(20);
  });

  it('rates per 100,000 with caveats for districts without population or unknown names', () => {
    const { rows, caveats } = geo.ratePer100k({ Quetta: 26, Turbat: 10, Muzaffarabad: 3, Atlantis: 1 });
    expect(rows.map((r) => [r.district, r.per100k])).toEqual([
      ['Quetta', (26 / 2_595_492) * 1e5],
      ['Kech', (10 / 1_060_931) * 1e5],
    ]);
    expect(caveats.map((c) => c.code)).toEqual(['NO_POPULATION', 'UNKNOWN_DISTRICT']);
  });
});
