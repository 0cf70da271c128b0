import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ingestOne } from '../../src/cli/services.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { PartnersFile } from '../../src/release/index.js';

export const repoPath = (p: string) => new URL(`../../../../${p}`, import.meta.url).pathname;

/**
 * A ':memory:' store holding the UCDP GED events UCDP places in Balochistan (692 of 6,416), ingested
 * through the real adapter, geography and linker. The subset keeps the test fast (the whole file
 * takes about 14 s to ingest here).
 */
export async function ucdpBalochistanStore(): Promise<Store> {
  const text = readFileSync(repoPath('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), 'utf8');
  const records = parse(text, { columns: true, raw: true, skip_empty_lines: true, relax_column_count: true }) as { record: Record<string, string>; raw: string }[];
  const header = text.slice(0, text.indexOf('\n'));
  const kept = records.filter((r, i) => i === 0 || r.record['adm_1'] === 'Balochistan province');
  const dir = mkdtempSync(join(tmpdir(), 'baseerat-release-'));
  const file = join(dir, 'ucdp-balochistan.csv');
  writeFileSync(file, `${header}\n${kept.map((r) => r.raw.replace(/\r?\n$/, '')).join('\n')}\n`);
  const store = await openStore(':memory:');
  await ingestOne(store, file, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
  return store;
}

export function partnersFixture(over: Partial<PartnersFile['partners'][number]> = {}): PartnersFile {
  return {
    partners: [{
      id: 'uob-criminology',
      name: 'University of Balochistan, Department of Criminology',
      contact: 'research-office@example.edu.pk',
      agreement: { reference: 'HD-AI/DSA/2026-03', signed: '2026-01-01', expires: '2027-12-31' },
      epsilonBudget: 2,
      kinds: ['aggregate', 'microdata'],
      maxClassification: 'UNCLASSIFIED',
      microdata: { k: 10, l: 2 },
      licence: 'Baseerat Research Data Licence 1.0',
      ...over,
    }],
  };
}
