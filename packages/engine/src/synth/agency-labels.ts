/**
 * How each synthetic agency names categories: its own label for each taxonomy code it reports.
 * Each table is one-to-one, so the mapping file (label -> code) reproduces the code exactly; the
 * disagreement between agencies comes from the generator's noise (a different code of the same
 * group), not from lossy labels.
 */
import type { CategoryCode } from '../domain/taxonomy.js';

export type LabelTable = Partial<Record<CategoryCode, string>>;

/** Police: English labels close to the Pakistan Penal Code's vocabulary. */
export const POLICE_LABELS: LabelTable = {
  'TI.BOMB': 'Bomb Blast', 'TI.SUICIDE': 'Suicide Attack', 'TI.ASSAULT': 'Armed Attack', 'TI.TARGETED': 'Target Killing',
  'TI.INDIRECT': 'Rocket/Grenade Attack', 'TI.KIDNAP': 'Abduction by Militants', 'TI.INFRA.GAS': 'Gas Pipeline Blown Up',
  'TI.INFRA.POWER': 'Electricity Pylon Blown Up', 'TI.INFRA.RAIL': 'Railway Track Blast', 'TI.INFRA.TELECOM': 'Mobile Tower Torched',
  'TI.XBORDER': 'Cross-Border Firing', 'TI.CLASH': 'Encounter with Militants', 'TI.NONSTATE': 'Militant Infighting',
  'TI.CIVILIANS': 'Attack on Civilians', 'TI.OTHER': 'Terrorism (Other)',
  'CR.MURDER': 'Murder (302 PPC)', 'CR.ROBBERY': 'Robbery/Dacoity', 'CR.HIGHWAY': 'Highway Robbery', 'CR.BURGLARY': 'Burglary',
  'CR.THEFT': 'Theft', 'CR.VEHICLE_THEFT': 'Vehicle Theft', 'CR.EXTORTION': 'Extortion', 'CR.KFR': 'Kidnapping for Ransom',
  'CR.SMUG.FUEL': 'Smuggling (Fuel)', 'CR.SMUG.NARC': 'Narcotics', 'CR.SMUG.WEAP': 'Illegal Arms', 'CR.OTHER': 'Other Offence',
  'PO.PROTEST': 'Protest', 'PO.BLOCKADE': 'Road Blockade', 'PO.STRIKE': 'Shutter-Down Strike', 'PO.RIOT': 'Riot',
  'SO.IBO': 'Search Operation', 'SO.ARREST': 'Arrest', 'SO.RECOVERY': 'Recovery', 'SO.CHECKPOINT': 'Checkpost Incident',
};

/** Levies: Urdu transliterated as written in the district registers. */
export const LEVIES_LABELS: LabelTable = {
  'TI.BOMB': 'Dhamaka', 'TI.SUICIDE': 'Khudkash Hamla', 'TI.ASSAULT': 'Hamla', 'TI.TARGETED': 'Target Killing',
  'TI.INDIRECT': 'Rocket Hamla', 'TI.KIDNAP': 'Aghwa (Dehshatgard)', 'TI.INFRA.GAS': 'Gas Pipeline Dhamaka',
  'TI.INFRA.POWER': 'Bijli Khamba Dhamaka', 'TI.INFRA.RAIL': 'Rail Patri Dhamaka', 'TI.INFRA.TELECOM': 'Mobile Tower Nazr-e-Atish',
  'TI.XBORDER': 'Sarhad Paar Firing', 'TI.CLASH': 'Jharap', 'TI.NONSTATE': 'Giroho Mein Jharap', 'TI.CIVILIANS': 'Shehriyon Par Hamla',
  'TI.OTHER': 'Dehshatgardi Deegar',
  'CR.MURDER': 'Qatl', 'CR.ROBBERY': 'Dakaiti', 'CR.HIGHWAY': 'Shahrah Dakaiti', 'CR.BURGLARY': 'Naqab Zani', 'CR.THEFT': 'Chori',
  'CR.VEHICLE_THEFT': 'Gari Chori', 'CR.EXTORTION': 'Bhatta Khori', 'CR.KFR': 'Aghwa Baraye Tawan', 'CR.SMUG.FUEL': 'Tel Smuggling',
  'CR.SMUG.NARC': 'Manshiyat', 'CR.SMUG.WEAP': 'Asla Smuggling', 'CR.OTHER': 'Deegar Jurm',
  'PO.PROTEST': 'Ehtijaj', 'PO.BLOCKADE': 'Rasta Band', 'PO.STRIKE': 'Hartal', 'PO.RIOT': 'Hangama Arai',
  'SO.IBO': 'Operation', 'SO.ARREST': 'Giriftari', 'SO.RECOVERY': 'Baramadgi', 'SO.CHECKPOINT': 'Naka Waqia',
};

/** Frontier Corps: terse operational codes. FC reports insurgency, operations, smuggling and blockades. */
export const FC_LABELS: LabelTable = {
  'TI.BOMB': 'IED', 'TI.SUICIDE': 'SVBIED/SUICIDE', 'TI.ASSAULT': 'ATTACK ON POST/CONVOY', 'TI.TARGETED': 'TGT KILLING',
  'TI.INDIRECT': 'IDF (ROCKET/MORTAR)', 'TI.KIDNAP': 'KIDNAP', 'TI.INFRA.GAS': 'SAB GAS', 'TI.INFRA.POWER': 'SAB POWER',
  'TI.INFRA.RAIL': 'SAB RAIL', 'TI.INFRA.TELECOM': 'SAB TELECOM', 'TI.XBORDER': 'X-BORDER FIRE', 'TI.CLASH': 'EXCHANGE OF FIRE',
  'TI.NONSTATE': 'INTER-GROUP CLASH', 'TI.CIVILIANS': 'ATTACK ON CIVILIANS', 'TI.OTHER': 'MISC TERROR',
  'CR.SMUG.FUEL': 'SMUGGLING POL', 'CR.SMUG.NARC': 'SMUGGLING NARC', 'CR.SMUG.WEAP': 'SMUGGLING WPNS',
  'PO.BLOCKADE': 'ROAD BLOCKED', 'PO.PROTEST': 'PROTEST',
  'SO.IBO': 'IBO', 'SO.ARREST': 'APPREHENSION', 'SO.RECOVERY': 'RECOVERY', 'SO.CHECKPOINT': 'CP INCIDENT',
};

/** Counter Terrorism Department: terrorism only, in the language of its case files. */
export const CTD_LABELS: LabelTable = {
  'TI.BOMB': 'IED Explosion', 'TI.SUICIDE': 'Suicide Bombing', 'TI.ASSAULT': 'Armed Assault', 'TI.TARGETED': 'Targeted Killing',
  'TI.INDIRECT': 'Rocket / Hand Grenade', 'TI.KIDNAP': 'Kidnapping (Terrorist)', 'TI.INFRA.GAS': 'Sabotage - Gas',
  'TI.INFRA.POWER': 'Sabotage - Power', 'TI.INFRA.RAIL': 'Sabotage - Railway', 'TI.INFRA.TELECOM': 'Sabotage - Telecom',
  'TI.XBORDER': 'Cross-Border Attack', 'TI.CLASH': 'Encounter', 'TI.NONSTATE': 'Inter-Group Clash',
  'TI.CIVILIANS': 'Attack on Civilians', 'TI.OTHER': 'Other Terrorism',
};

/** Rescue 1122: the emergency dispatched to; only events with casualties reach it. */
export const RESCUE_LABELS: LabelTable = {
  'TI.BOMB': 'Blast', 'TI.SUICIDE': 'Suicide Blast', 'TI.ASSAULT': 'Firing (Attack)', 'TI.TARGETED': 'Firing (Targeted)',
  'TI.INDIRECT': 'Rocket/Grenade', 'TI.INFRA.GAS': 'Gas Line Blast', 'TI.INFRA.POWER': 'Pylon Blast', 'TI.INFRA.RAIL': 'Train Blast',
  'TI.XBORDER': 'Cross-Border Shelling', 'TI.CLASH': 'Crossfire', 'TI.NONSTATE': 'Group Clash', 'TI.CIVILIANS': 'Attack on People',
  'TI.OTHER': 'Terror Incident', 'TI.KIDNAP': 'Abduction Injury', 'TI.INFRA.TELECOM': 'Tower Fire',
  'CR.MURDER': 'Shooting (Murder)', 'CR.ROBBERY': 'Robbery Injury', 'CR.HIGHWAY': 'Highway Robbery Injury', 'CR.BURGLARY': 'Burglary Injury',
  'CR.THEFT': 'Theft Injury', 'CR.VEHICLE_THEFT': 'Carjacking Injury', 'CR.EXTORTION': 'Extortion Attack', 'CR.KFR': 'Kidnapping Injury',
  'CR.SMUG.FUEL': 'Fuel Fire (Smuggling)', 'CR.SMUG.NARC': 'Narcotics Raid Injury', 'CR.SMUG.WEAP': 'Arms Raid Injury', 'CR.OTHER': 'Other Crime Injury',
  'PO.PROTEST': 'Protest Injuries', 'PO.BLOCKADE': 'Blockade Injuries', 'PO.STRIKE': 'Strike Injuries', 'PO.RIOT': 'Riot',
  'SO.IBO': 'Operation Casualties', 'SO.ARREST': 'Arrest Injury', 'SO.RECOVERY': 'Explosive Recovery Injury', 'SO.CHECKPOINT': 'Checkpost Firing',
};

/** label -> code, for the mapping file. */
export function invertLabels(t: LabelTable): Record<string, CategoryCode> {
  const out: Record<string, CategoryCode> = {};
  for (const [code, label] of Object.entries(t) as [CategoryCode, string][]) out[label] = code;
  return out;
}
