import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCategoryCode } from '../src/domain/taxonomy.js';
import {
  ACLED_SUB_EVENT_TYPES, acledCategory, acledIsCrossBorder, GROUP_ALIASES, GTD_ATTACK_TYPES, GTD_INFRASTRUCTURE_TARGETS, gtdCategory,
  isStateActorName, NIJ_CATEGORIES, NIJ_ENCODED_CATEGORIES, nijCategory, nijEncodedCategory, normaliseGroupName, stateActorCountry,
  UCDP_VIOLENCE_TYPES, ucdpCategory,
} from '../src/domain/taxonomy-mappings.js';
import type { AcledEventFields, GtdAttackFields } from '../src/domain/taxonomy-mappings.js';

describe('every table maps only into taxonomy codes', () => {
  it('UCDP, GTD, ACLED, NIJ', () => {
    const codes = [
      ...Object.values(UCDP_VIOLENCE_TYPES).map((t) => t.category),
      ...Object.values(GTD_ATTACK_TYPES),
      ...GTD_INFRASTRUCTURE_TARGETS.map((t) => t.category),
      ...Object.values(ACLED_SUB_EVENT_TYPES).flatMap((s) => Object.values(s)).filter((c): c is NonNullable<typeof c> => c !== null),
      ...Object.values(NIJ_CATEGORIES),
      ...Object.values(NIJ_ENCODED_CATEGORIES),
    ];
    expect(codes.length).toBeGreaterThan(40);
    for (const c of codes) expect(isCategoryCode(c), c).toBe(true);
  });
});

describe('armed-group names', () => {
  it('the same group from UCDP, GTD and ACLED is one name', () => {
    expect(new Set(['TTP', 'Tehrik-i-Taliban Pakistan (TTP)', 'TTP: Tehreek-i-Taliban Pakistan'].map(normaliseGroupName))).toEqual(new Set(['Tehrik-i-Taliban Pakistan (TTP)']));
    expect(new Set(['BLA', 'Baloch Liberation Army (BLA)', 'BLA: Balochistan Liberation Army'].map(normaliseGroupName))).toEqual(new Set(['Baloch Liberation Army (BLA)']));
    expect(new Set(['IS', 'Khorasan Chapter of the Islamic State', 'Islamic State (Pakistan)'].map(normaliseGroupName))).toEqual(new Set(['Islamic State (IS)']));
    expect(normaliseGroupName('  lej ')).toBe('Lashkar-e-Jhangvi (LeJ)');
  });
  it('unknown perpetrators are empty, new groups keep their name, ACLED period suffixes go', () => {
    expect(normaliseGroupName('Unknown')).toBeUndefined();
    expect(normaliseGroupName('Unidentified Armed Group (Pakistan)')).toBeUndefined();
    expect(normaliseGroupName('')).toBeUndefined();
    expect(normaliseGroupName('TTP - TA')).toBe('TTP - TA');
    expect(normaliseGroupName('Military Forces of Pakistan (2018-2022)')).toBe('Military Forces of Pakistan');
    expect(normaliseGroupName('constructor')).toBe('constructor');
  });
  it('no alias points at two canonical names', () => {
    const seen = new Map<string, string>();
    for (const [canonical, aliases] of Object.entries(GROUP_ALIASES)) {
      for (const a of aliases) {
        const k = a.trim().toLowerCase();
        expect(seen.get(k) ?? canonical, a).toBe(canonical);
        seen.set(k, canonical);
      }
    }
  });
  it('state actors and their countries', () => {
    expect(isStateActorName('Government of Pakistan')).toBe(true);
    expect(isStateActorName('Police Forces of Pakistan (2018-)')).toBe(true);
    expect(isStateActorName('BLA')).toBe(false);
    expect(stateActorCountry('Military Forces of India (2014-)')).toBe('India');
    expect(stateActorCountry('Government of United States of America')).toBe('United States of America');
    expect(stateActorCountry('TTP')).toBeUndefined();
  });
});

describe('UCDP type_of_violence', () => {
  const map = (t: string, a: string, b: string) => {
    const r = ucdpCategory(t, a, b);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };
  it('state-based: clash with the non-government side as perpetrator; two governments: cross-border', () => {
    expect(map('1', 'Government of Pakistan', 'BLA')).toEqual({ category: 'TI.CLASH', perpetrator: 'Baloch Liberation Army (BLA)' });
    expect(map('1', 'Government of United States of America', 'al-Qaida')).toEqual({ category: 'TI.CLASH', perpetrator: 'Al-Qaida' });
    expect(map('1', 'Government of India', 'Government of Pakistan')).toEqual({ category: 'TI.XBORDER' });
  });
  it('non-state: no single perpetrator; one-sided: side_a against civilians', () => {
    expect(map('2', 'MQM', 'MQM-H')).toEqual({ category: 'TI.NONSTATE' });
    expect(map('3', 'LeJ', 'Civilians')).toEqual({ category: 'TI.CIVILIANS', perpetrator: 'Lashkar-e-Jhangvi (LeJ)', targetType: 'Civilians' });
  });
  it('an unknown type is an issue naming the field and value', () => {
    expect(ucdpCategory('4', 'a', 'b')).toEqual({ ok: false, error: [{ field: 'type_of_violence', value: '4', message: "type_of_violence '4' is not 1, 2 or 3" }] });
    expect(ucdpCategory('constructor', 'a', 'b').ok).toBe(false);
  });
});

describe('GTD attack, weapon and target', () => {
  const base: GtdAttackFields = { attacktype1_txt: 'Bombing/Explosion', suicide: '0', weaptype1_txt: 'Explosives', weapsubtype1_txt: 'Remote Trigger', targtype1_txt: 'Police', targsubtype1_txt: 'Police Checkpoint' };
  const cat = (patch: Partial<GtdAttackFields>) => {
    const r = gtdCategory({ ...base, ...patch });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value.category;
  };
  it('attack types', () => {
    expect(cat({})).toBe('TI.BOMB');
    expect(cat({ attacktype1_txt: 'Armed Assault', weaptype1_txt: 'Firearms', weapsubtype1_txt: 'Handgun' })).toBe('TI.ASSAULT');
    expect(cat({ attacktype1_txt: 'Assassination' })).toBe('TI.TARGETED');
    expect(cat({ attacktype1_txt: 'Hostage Taking (Kidnapping)' })).toBe('TI.KIDNAP');
    expect(cat({ attacktype1_txt: 'Hostage Taking (Barricade Incident)' })).toBe('TI.KIDNAP');
    expect(cat({ attacktype1_txt: 'Facility/Infrastructure Attack', weaptype1_txt: 'Incendiary' })).toBe('TI.OTHER');
    expect(cat({ attacktype1_txt: 'Hijacking' })).toBe('TI.OTHER');
    expect(cat({ attacktype1_txt: 'Unarmed Assault', weaptype1_txt: 'Melee' })).toBe('TI.OTHER');
    expect(cat({ attacktype1_txt: 'Unknown', weaptype1_txt: 'Unknown' })).toBe('TI.OTHER');
  });
  it('suicide first, then infrastructure, then indirect fire, then the weapon of an unknown attack', () => {
    expect(cat({ suicide: '1', targtype1_txt: 'Utilities', targsubtype1_txt: 'Gas' })).toBe('TI.SUICIDE');
    expect(cat({ targtype1_txt: 'Utilities', targsubtype1_txt: 'Gas' })).toBe('TI.INFRA.GAS');
    expect(cat({ targtype1_txt: 'Utilities', targsubtype1_txt: 'Oil' })).toBe('TI.INFRA.GAS');
    expect(cat({ targtype1_txt: 'Utilities', targsubtype1_txt: 'Electricity', weapsubtype1_txt: 'Projectile (rockets, mortars, RPGs, etc.)' })).toBe('TI.INFRA.POWER');
    expect(cat({ targtype1_txt: 'Transportation', targsubtype1_txt: 'Train/Train Tracks/ Trolley' })).toBe('TI.INFRA.RAIL');
    expect(cat({ targtype1_txt: 'Transportation', targsubtype1_txt: 'Train/Train Tracks/Trolley' })).toBe('TI.INFRA.RAIL');
    expect(cat({ targtype1_txt: 'Transportation', targsubtype1_txt: 'Bus (excluding tourists)' })).toBe('TI.BOMB');
    expect(cat({ attacktype1_txt: 'Facility/Infrastructure Attack', targtype1_txt: 'Telecommunication', targsubtype1_txt: 'Radio' })).toBe('TI.INFRA.TELECOM');
    expect(cat({ weapsubtype1_txt: 'Projectile (rockets, mortars, RPGs, etc.)' })).toBe('TI.INDIRECT');
    expect(cat({ attacktype1_txt: 'Armed Assault', weapsubtype1_txt: 'Grenade' })).toBe('TI.INDIRECT');
    expect(cat({ attacktype1_txt: 'Unknown', weapsubtype1_txt: 'Unknown Explosive Type' })).toBe('TI.BOMB');
    expect(cat({ attacktype1_txt: 'Unknown', weaptype1_txt: 'Firearms', weapsubtype1_txt: 'Unknown Gun Type' })).toBe('TI.ASSAULT');
  });
  it('a kidnapping of telecom workers stays a kidnapping; an assassination with a grenade a targeted killing', () => {
    expect(cat({ attacktype1_txt: 'Hostage Taking (Kidnapping)', targtype1_txt: 'Telecommunication', targsubtype1_txt: 'Radio' })).toBe('TI.KIDNAP');
    expect(cat({ attacktype1_txt: 'Assassination', weapsubtype1_txt: 'Grenade' })).toBe('TI.TARGETED');
  });
  it('target type is kept; unknown values are issues naming the field', () => {
    const r = gtdCategory({ ...base, targtype1_txt: 'utilities', targsubtype1_txt: 'Gas' });
    expect(r).toEqual({ ok: true, value: { category: 'TI.INFRA.GAS', targetType: 'Utilities' } });
    const bad = gtdCategory({ ...base, attacktype1_txt: 'Drone', weaptype1_txt: 'Laser', targtype1_txt: 'Aliens', suicide: 'yes' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.map((i) => i.field)).toEqual(['attacktype1_txt', 'weaptype1_txt', 'targtype1_txt', 'suicide']);
  });
});

describe('ACLED event and sub-event types', () => {
  const base: AcledEventFields = { event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Military Forces of Pakistan (2018-)', actor2: 'BLA: Balochistan Liberation Army', inter1: '1', inter2: '2', country: 'Pakistan', notes: '' };
  const map = (patch: Partial<AcledEventFields>) => {
    const r = acledCategory({ ...base, ...patch });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };
  it('every sub-event type of the table is accepted under its event type', () => {
    for (const [event, subs] of Object.entries(ACLED_SUB_EVENT_TYPES)) {
      for (const [sub, code] of Object.entries(subs)) {
        const v = map({ event_type: event, sub_event_type: sub, actor1: 'Rioters (Pakistan)', inter1: '5', actor2: '', inter2: '0' });
        if (code === null) expect(v.category).toBeNull();
        else expect(isCategoryCode(v.category ?? '')).toBe(true);
      }
    }
  });
  it('battles: state vs rebel clash; two militias non-state; two states cross-border', () => {
    expect(map({})).toEqual({ category: 'TI.CLASH', perpetrator: 'Baloch Liberation Army (BLA)' });
    expect(map({ actor1: 'TTP', inter1: '2', actor2: 'Lashkar-e-Islam', inter2: '3' }).category).toBe('TI.NONSTATE');
    expect(map({ actor2: 'Military Forces of Afghanistan (2021-)', inter2: '1' }).category).toBe('TI.XBORDER');
    expect(map({ actor2: 'Police Forces of Pakistan (2018-)', inter2: '1' }).category).toBe('TI.CLASH');
  });
  it('explosions and remote violence', () => {
    const ev = { event_type: 'Explosions/Remote violence', actor1: 'TTP: Tehreek-i-Taliban Pakistan', inter1: '2', actor2: 'Civilians (Pakistan)', inter2: '7' };
    expect(map({ ...ev, sub_event_type: 'Suicide bomb' })).toEqual({ category: 'TI.SUICIDE', perpetrator: 'Tehrik-i-Taliban Pakistan (TTP)' });
    expect(map({ ...ev, sub_event_type: 'Remote explosive/landmine/IED' }).category).toBe('TI.BOMB');
    expect(map({ ...ev, sub_event_type: 'Grenade' }).category).toBe('TI.INDIRECT');
    expect(map({ ...ev, sub_event_type: 'Air/drone strike' }).category).toBe('TI.OTHER');
    expect(map({ ...ev, sub_event_type: 'Shelling/artillery/missile attack' }).category).toBe('TI.INDIRECT');
    expect(map({ ...ev, sub_event_type: 'Shelling/artillery/missile attack', actor1: 'Military Forces of India (2014-)', inter1: '8' }).category).toBe('TI.XBORDER');
    expect(map({ ...ev, sub_event_type: 'Shelling/artillery/missile attack', notes: 'Shells fired across the Line of Control hit a village.' }).category).toBe('TI.XBORDER');
  });
  it('violence against civilians, protests, riots, strategic developments', () => {
    const vac = { event_type: 'Violence against civilians', actor1: 'BLF: Balochistan Liberation Front', inter1: '2', actor2: 'Civilians (Pakistan)', inter2: '7' };
    expect(map({ ...vac, sub_event_type: 'Attack' })).toEqual({ category: 'TI.CIVILIANS', perpetrator: 'Baloch Liberation Front (BLF)' });
    expect(map({ ...vac, sub_event_type: 'Abduction/forced disappearance' }).category).toBe('TI.KIDNAP');
    expect(map({ ...vac, sub_event_type: 'Abduction/forced disappearance', actor1: 'Military Forces of Pakistan (2018-)', inter1: '1' })).toEqual({ category: 'TI.CIVILIANS' });
    expect(map({ event_type: 'Protests', sub_event_type: 'Peaceful protest', actor1: 'Protesters (Pakistan)', inter1: '6', actor2: '', inter2: '0' })).toEqual({ category: 'PO.PROTEST' });
    expect(map({ event_type: 'Riots', sub_event_type: 'Mob violence', actor1: 'Rioters (Pakistan)', inter1: '5', actor2: '', inter2: '' })).toEqual({ category: 'PO.RIOT' });
    const sd = { event_type: 'Strategic developments', actor2: '', inter2: '0' };
    expect(map({ ...sd, sub_event_type: 'Arrests', actor1: 'Police Forces of Pakistan (2018-)', inter1: '1' })).toEqual({ category: 'SO.ARREST' });
    expect(map({ ...sd, sub_event_type: 'Disrupted weapons use', actor1: 'Police Forces of Pakistan (2018-)', inter1: '1' }).category).toBe('SO.RECOVERY');
    expect(map({ ...sd, sub_event_type: 'Looting/property destruction', actor1: 'Rioters (Pakistan)', inter1: '5' }).category).toBe('CR.OTHER');
    expect(map({ ...sd, sub_event_type: 'Looting/property destruction', actor1: 'BLA', inter1: '2' })).toEqual({ category: 'TI.OTHER', perpetrator: 'Baloch Liberation Army (BLA)' });
    expect(map({ ...sd, sub_event_type: 'Agreement', actor1: 'Government of Pakistan', inter1: '1' })).toEqual({ category: null });
  });
  it('unknown values are issues naming the field and value', () => {
    expect(acledCategory({ ...base, event_type: 'Skirmish' })).toEqual({ ok: false, error: [{ field: 'event_type', value: 'Skirmish', message: "event_type 'Skirmish' is not an ACLED event type" }] });
    const r = acledCategory({ ...base, sub_event_type: 'Suicide bomb' });
    expect(r.ok ? undefined : r.error[0]?.field).toBe('sub_event_type');
    const i = acledCategory({ ...base, inter1: '12' });
    expect(i.ok ? undefined : i.error[0]).toMatchObject({ field: 'inter1', value: '12' });
  });
  it('cross-border test', () => {
    expect(acledIsCrossBorder({ actor1: 'Military Forces of Pakistan (2018-)', country: 'Pakistan', notes: '' })).toBe(false);
    expect(acledIsCrossBorder({ actor1: 'Military Forces of Iran (1989-)', country: 'Pakistan', notes: '' })).toBe(true);
    expect(acledIsCrossBorder({ actor1: 'Unidentified Armed Group (Pakistan)', country: 'Pakistan', notes: 'cross-border firing' })).toBe(true);
  });
});

describe('NIJ categories', () => {
  it('words and the shipped files\' codes', () => {
    expect(nijCategory('BURGLARY')).toBe('CR.BURGLARY');
    expect(nijCategory(' motor   vehicle theft ')).toBe('CR.VEHICLE_THEFT');
    expect(nijCategory('STREET CRIMES')).toBe('CR.OTHER');
    expect(nijCategory('ARSON')).toBeUndefined();
    expect(nijCategory('constructor')).toBeUndefined();
    expect(nijEncodedCategory('3', '3')).toBe('CR.BURGLARY');
    expect(nijEncodedCategory('4', '0')).toBe('CR.BURGLARY');
    expect(nijEncodedCategory('3', '2')).toBe('CR.VEHICLE_THEFT');
    expect(nijEncodedCategory('5', '0')).toBeUndefined();
  });
});

describe('look-ups never throw and answer a code, null or an issue (fast-check, seed 5)', () => {
  it('on arbitrary strings', () => {
    const s = fc.oneof(fc.string(), fc.constantFrom('1', '2', '3', 'Battles', 'Armed clash', 'Unknown', 'Gas', '__proto__', 'constructor', 'toString'));
    fc.assert(fc.property(s, s, s, s, s, s, s, (a, b, c, d, e, f, g) => {
      const u = ucdpCategory(a, b, c);
      if (u.ok) expect(isCategoryCode(u.value.category)).toBe(true); else expect(u.error[0]?.field).toBe('type_of_violence');
      const t = gtdCategory({ attacktype1_txt: a, suicide: b, weaptype1_txt: c, weapsubtype1_txt: d, targtype1_txt: e, targsubtype1_txt: f });
      if (t.ok) expect(isCategoryCode(t.value.category)).toBe(true); else expect(t.error.length).toBeGreaterThan(0);
      const x = acledCategory({ event_type: a, sub_event_type: b, actor1: c, actor2: d, inter1: e, inter2: f, country: g, notes: a });
      if (x.ok) expect(x.value.category === null || isCategoryCode(x.value.category)).toBe(true); else expect(x.error.length).toBeGreaterThan(0);
      const n = nijCategory(a);
      expect(n === undefined || isCategoryCode(n)).toBe(true);
      const g2 = normaliseGroupName(a);
      expect(g2 === undefined || typeof g2 === 'string').toBe(true);
    }), { seed: 5, numRuns: 2000 });
  });
});
