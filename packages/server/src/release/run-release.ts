/**
 * `runRelease(opts)`: the one call behind `baseerat release ...`. Opens the store when given a path,
 * loads the partners file and the shipped geography, and hands over to `approveRelease`.
 */
import type { Rng } from '@baseerat/engine';
import { loadDistrictsGeoJSON } from '../reference/geography.js';
import type { AuditLog } from '../security/audit-log.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/port.js';
import { approveRelease, type PlaceDirectory, type ReleaseRequest, type ReleaseSummary } from './approve-release.js';
import { loadPartnersFile, type PartnersFile } from './partners.js';

export interface RunReleaseOptions extends ReleaseRequest {
  /** Store path (opened and closed here) or an open store. */
  db: string | Store;
  /** The audit trail (release.approve entries are both the record and the budget ledger). */
  audit: AuditLog;
  /** Path of the partners JSON file, or its parsed content. */
  partners: string | PartnersFile;
  /** Default: the current time. */
  now?: Date;
  /** Tests and reproduction runs only; real releases leave it out (node:crypto). */
  rng?: Rng;
}

/** Every province of the shipped 2023 geography with its districts. */
export function placeDirectory(): PlaceDirectory {
  const by = new Map<string, string[]>();
  for (const f of loadDistrictsGeoJSON().features) {
    const p = f.properties?.province;
    const d = f.properties?.name;
    if (typeof p !== 'string' || typeof d !== 'string') continue;
    let list = by.get(p);
    if (list === undefined) { list = []; by.set(p, list); }
    list.push(d);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, districts]) => ({ name, districts: districts.sort((a, b) => a.localeCompare(b)) }));
}

export async function runRelease(opts: RunReleaseOptions): Promise<ReleaseSummary> {
  const { db, audit, partners, now, rng, ...request } = opts;
  const partnersFile = typeof partners === 'string' ? loadPartnersFile(partners) : partners;
  const store = typeof db === 'string' ? await openStore(db) : db;
  try {
    return await approveRelease({
      store, audit, partners: partnersFile, places: placeDirectory(), now: now ?? new Date(), ...(rng === undefined ? {} : { rng }),
    }, request);
  } finally {
    if (typeof db === 'string') await store.close();
  }
}
