/**
 * The files every release carries besides its data: manifest.json (what, for whom, under which
 * guarantee, with which expected error, checksums), data-dictionary.md, LICENSE and CITATION.
 * Texts are generated from the manifest so that they cannot disagree with it.
 */
import { createHash } from 'node:crypto';
import type { Partner } from './partners.js';

export const RELEASE_FORMAT_VERSION = 1;

export interface FileEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export function fileEntry(name: string, content: string): FileEntry {
  return { name, bytes: Buffer.byteLength(content, 'utf8'), sha256: createHash('sha256').update(content, 'utf8').digest('hex') };
}

/** RFC 4180 CSV with a header; fields with a comma, quote or newline are quoted. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, string | number>[]): string {
  const q = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(q).join(','), ...rows.map((r) => columns.map((c) => q(r[c] ?? '')).join(','))].join('\n') + '\n';
}

export interface ColumnDoc {
  name: string;
  type: string;
  description: string;
}

export const AGGREGATE_COLUMN_DOCS: ColumnDoc[] = [
  { name: 'level', type: 'text: total | province | district', description: 'Place level of the row. A province row equals the sum of its district rows; the total row equals the sum of the provinces (same period and category).' },
  { name: 'province', type: 'text', description: 'Province (2023 census name); empty on total rows.' },
  { name: 'district', type: 'text', description: 'District (2023 census name), or "(district unknown)" for incidents known only to the province; empty on province and total rows.' },
  { name: 'period', type: 'text: YYYY-MM or YYYY-Www', description: 'Calendar month or ISO 8601 week, in Pakistan time (UTC+5).' },
  { name: 'category', type: 'text', description: 'Category group of the Baseerat taxonomy (terrorism, crime, public_order, security_operations), or "all".' },
  { name: 'count', type: 'integer >= 0', description: 'Number of incidents after differentially private noise and consistency post-processing. Not exact: see manifest.json privacy.levels for the expected error. Non-negative and consistent, but biased upwards where the truth is 0 or small: do not sum many of these cells, use noisy_count or a coarser level.' },
  { name: 'noisy_count', type: 'integer (may be negative)', description: 'The same cell before post-processing: true count plus two-sided geometric noise. Unbiased, independent between cells, not consistent across levels. Sum these when you need totals over many cells (the variance of a sum is the sum of the variances in manifest.json).' },
];

export function microdataColumnDocs(placeColumn: string, time: string, h3Resolution?: number): ColumnDoc[] {
  return [
    { name: 'period', type: 'text', description: `Time of the incident generalised to ${time === 'week' ? 'ISO 8601 week (YYYY-Www)' : time === 'month' ? 'month (YYYY-MM)' : time === 'quarter' ? 'quarter (YYYY-Qn)' : 'year (YYYY)'}, Pakistan time.` },
    { name: 'province', type: 'text', description: 'Province (2023 census name).' },
    ...(placeColumn === 'province' ? [] : [placeColumn === 'district'
      ? { name: 'district', type: 'text', description: 'District (2023 census name).' }
      : { name: 'h3', type: 'text: H3 cell index', description: `H3 cell at resolution ${h3Resolution ?? '?'} containing the incident (never finer than 7).` }]),
    { name: 'casualty_band', type: 'text: 0 | 1-2 | 3-9 | 10+', description: 'Killed plus injured, banded.' },
    { name: 'category', type: 'text', description: 'Category code of the Baseerat taxonomy (e.g. TI.BOMB); see the engine\'s TAXONOMY for labels and groups.' },
  ];
}

export function dataDictionary(title: string, columns: readonly ColumnDoc[], notes: readonly string[]): string {
  return [
    `# Data dictionary: ${title}`,
    '',
    'File: `data.csv` (UTF-8, comma-separated, header on the first line).',
    '',
    '| column | type | meaning |',
    '|---|---|---|',
    ...columns.map((c) => `| \`${c.name}\` | ${c.type} | ${c.description.replace(/\|/g, '\\|')} |`),
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

export function licenceText(partner: Partner, releaseId: string, derivedFromUcdp: boolean): string {
  return [
    `${partner.licence}`,
    '',
    `Release ${releaseId}, made available to ${partner.name} under agreement ${partner.agreement.reference}`,
    `(signed ${partner.agreement.signed}, valid until ${partner.agreement.expires}).`,
    '',
    '1. Use. The data may be used for non-commercial research and teaching by the named partner.',
    '2. No re-identification. The recipient shall not attempt to identify any incident, person, place',
    '   or unit in the data, nor link the data with other sources (news reports, social media, other',
    '   releases) for that purpose, and shall report any accidental identification to the Home',
    '   Department without delay.',
    '3. No redistribution. The data shall not be passed to third parties. Published results may',
    '   contain aggregates and figures derived from the data.',
    '4. Accuracy. Counts in aggregate releases carry deliberate random noise; microdata are',
    '   generalised and partly suppressed. Results must be reported with these limitations.',
    '5. Citation. Publications shall cite the release as given in the CITATION file.',
    derivedFromUcdp
      ? '6. Upstream source. Where the data derive from the UCDP Georeferenced Event Dataset (CC BY 4.0),\n   also cite Sundberg and Melander (2013), Journal of Peace Research 50(4).'
      : '6. Upstream sources are named in manifest.json.',
    '',
  ].join('\n');
}

export function citationText(issuer: string, releaseId: string, title: string, year: number, createdAt: string): string {
  const key = releaseId.replace(/[^A-Za-z0-9]/g, '');
  return [
    'Please cite this release as:',
    '',
    `  ${issuer} (${year}). ${title}. Research release ${releaseId},`,
    `  produced with the Baseerat open-source analytics engine. Released ${createdAt.slice(0, 10)}.`,
    '',
    'BibTeX:',
    '',
    `@misc{${key},`,
    `  author = {{${issuer}}},`,
    `  title = {${title}},`,
    `  year = {${year}},`,
    `  note = {Research release ${releaseId}, produced with Baseerat},`,
    '}',
    '',
  ].join('\n');
}
