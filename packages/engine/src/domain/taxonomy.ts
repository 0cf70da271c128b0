/**
 * The incident taxonomy: stable codes (never renumber or reuse one), grouped into terrorism and
 * insurgency, crime, public order and security operations. Mapping tables from UCDP, GTD and ACLED
 * live in `taxonomy-mappings.ts`.
 *
 * `severe` categories page people even as a single event (monitoring); `enforcement` marks
 * categories that police discover rather than the public reports, which risk and forecasting
 * models treat with care (Ensign et al. 2018; Cambridge Crime Harm Index practice).
 */
import { z } from 'zod';

export const CATEGORY_GROUPS = ['terrorism', 'crime', 'public_order', 'security_operations'] as const;
export type CategoryGroup = (typeof CATEGORY_GROUPS)[number];

export interface CategoryDef {
  code: string;
  group: CategoryGroup;
  label: string;
  labelUr: string;
  severe: boolean;
  enforcement: boolean;
}

const c = (code: string, group: CategoryGroup, label: string, labelUr: string, severe = false, enforcement = false): CategoryDef => ({
  code, group, label, labelUr, severe, enforcement,
});

export const TAXONOMY = [
  // terrorism and insurgency
  c('TI.BOMB', 'terrorism', 'Bombing / IED', 'بم دھماکا / آئی ای ڈی', true),
  c('TI.SUICIDE', 'terrorism', 'Suicide attack', 'خودکش حملہ', true),
  c('TI.ASSAULT', 'terrorism', 'Armed assault / ambush', 'مسلح حملہ / گھات', true),
  c('TI.TARGETED', 'terrorism', 'Targeted killing', 'ٹارگٹ کلنگ', true),
  c('TI.INDIRECT', 'terrorism', 'Rocket, mortar or grenade attack', 'راکٹ، مارٹر یا دستی بم حملہ', true),
  c('TI.KIDNAP', 'terrorism', 'Kidnapping by armed group', 'مسلح گروہ کے ہاتھوں اغوا', true),
  c('TI.INFRA.GAS', 'terrorism', 'Attack on gas pipeline or installation', 'گیس پائپ لائن پر حملہ'),
  c('TI.INFRA.POWER', 'terrorism', 'Attack on power infrastructure', 'بجلی کے نظام پر حملہ'),
  c('TI.INFRA.RAIL', 'terrorism', 'Attack on railway', 'ریلوے پر حملہ', true),
  c('TI.INFRA.TELECOM', 'terrorism', 'Attack on telecom infrastructure', 'مواصلاتی نظام پر حملہ'),
  c('TI.XBORDER', 'terrorism', 'Cross-border fire', 'سرحد پار سے فائرنگ', true),
  c('TI.CLASH', 'terrorism', 'Armed clash between state forces and an armed group', 'سیکیورٹی فورسز اور مسلح گروہ میں جھڑپ'),
  c('TI.NONSTATE', 'terrorism', 'Clash between non-state armed groups', 'غیر ریاستی گروہوں میں جھڑپ'),
  c('TI.CIVILIANS', 'terrorism', 'Violence against civilians (tactic unknown)', 'شہریوں کے خلاف تشدد'),
  c('TI.OTHER', 'terrorism', 'Other terrorist or insurgent activity', 'دیگر دہشت گردانہ کارروائی'),
  // crime
  c('CR.MURDER', 'crime', 'Murder', 'قتل'),
  c('CR.ROBBERY', 'crime', 'Robbery / dacoity', 'ڈکیتی'),
  c('CR.HIGHWAY', 'crime', 'Highway robbery', 'شاہراہ پر ڈکیتی'),
  c('CR.BURGLARY', 'crime', 'Burglary', 'نقب زنی'),
  c('CR.THEFT', 'crime', 'Theft', 'چوری'),
  c('CR.VEHICLE_THEFT', 'crime', 'Vehicle theft', 'گاڑی چوری'),
  c('CR.EXTORTION', 'crime', 'Extortion', 'بھتہ خوری'),
  c('CR.KFR', 'crime', 'Kidnapping for ransom', 'تاوان کے لیے اغوا', true),
  c('CR.SMUG.FUEL', 'crime', 'Fuel smuggling', 'تیل کی اسمگلنگ', false, true),
  c('CR.SMUG.NARC', 'crime', 'Narcotics smuggling', 'منشیات کی اسمگلنگ', false, true),
  c('CR.SMUG.WEAP', 'crime', 'Weapons smuggling', 'اسلحہ کی اسمگلنگ', false, true),
  c('CR.OTHER', 'crime', 'Other crime', 'دیگر جرائم'),
  // public order
  c('PO.PROTEST', 'public_order', 'Protest', 'احتجاج'),
  c('PO.BLOCKADE', 'public_order', 'Road blockade', 'سڑک کی بندش'),
  c('PO.STRIKE', 'public_order', 'Strike / shutter-down', 'ہڑتال'),
  c('PO.RIOT', 'public_order', 'Riot / mob violence', 'ہنگامہ آرائی'),
  // security operations
  c('SO.IBO', 'security_operations', 'Intelligence-based operation', 'انٹیلیجنس کی بنیاد پر آپریشن', false, true),
  c('SO.ARREST', 'security_operations', 'Arrest', 'گرفتاری', false, true),
  c('SO.RECOVERY', 'security_operations', 'Recovery of weapons or explosives', 'اسلحہ یا بارود کی برآمدگی', false, true),
  c('SO.CHECKPOINT', 'security_operations', 'Checkpoint incident', 'چیک پوسٹ واقعہ'),
] as const satisfies readonly CategoryDef[];

export type CategoryCode = (typeof TAXONOMY)[number]['code'];
export const CATEGORY_CODES = TAXONOMY.map((d) => d.code) as unknown as readonly [CategoryCode, ...CategoryCode[]];
export const CategoryCodeSchema = z.enum(CATEGORY_CODES);

const byCode: ReadonlyMap<string, CategoryDef> = new Map(TAXONOMY.map((d) => [d.code, d]));

export function isCategoryCode(s: string): s is CategoryCode {
  return byCode.has(s);
}

/** The definition of a category code; throws on an unknown code (codes are validated at the edge). */
export function category(code: CategoryCode): CategoryDef {
  return byCode.get(code)!;
}

export function categoryGroup(code: CategoryCode): CategoryGroup {
  return byCode.get(code)!.group;
}
