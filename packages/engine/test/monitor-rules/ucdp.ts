/**
 * Test-only loader: UCDP GED Pakistan events in Balochistan as MonitorIncidents (minimal columns).
 * Coordinates are kept for where_prec 1-2 (exact or within 25 km) only: 3 and above are district,
 * province or country centroids, which would make near-repeats out of geocoding.
 */
import { readFileSync } from 'node:fs';
import { ucdpCategory } from '../../src/domain/taxonomy-mappings.js';
import type { MonitorIncident } from '../../src/monitor/rules/types.js';

/** RFC 4180: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; }
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

export function loadUcdpBalochistan(): MonitorIncident[] {
  const text = readFileSync(new URL('../../../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url), 'utf8');
  const [header, ...rows] = parseCsv(text);
  const col = (name: string): number => { const i = header!.indexOf(name); if (i < 0) throw new Error(`no column ${name}`); return i; };
  const c = { id: col('id'), tv: col('type_of_violence'), a: col('side_a'), b: col('side_b'), prec: col('where_prec'), adm1: col('adm_1'), adm2: col('adm_2'), lat: col('latitude'), lon: col('longitude'), date: col('date_start'), best: col('best') };
  const out: MonitorIncident[] = [];
  for (const r of rows) {
    if (r[c.adm1] !== 'Balochistan province') continue;
    const m = ucdpCategory(r[c.tv]!, r[c.a]!, r[c.b]!);
    if (!m.ok) throw new Error(`row ${r[c.id]}: ${JSON.stringify(m.error)}`);
    const location: MonitorIncident['location'] = {};
    if (Number(r[c.prec]) <= 2) { location.lat = Number(r[c.lat]); location.lon = Number(r[c.lon]); }
    const district = r[c.adm2]!.replace(/\s+(district|distrcit)$/i, '').trim();
    if (district !== '') location.district = district;
    const inc: MonitorIncident = {
      id: `ucdp:${r[c.id]}`,
      occurredAt: `${r[c.date]!.slice(0, 10)}T00:00:00.000Z`,
      category: m.value.category,
      location,
      severity: { killed: Number(r[c.best]), injured: 0 },
    };
    if (m.value.targetType !== undefined) inc.targetType = m.value.targetType;
    out.push(inc);
  }
  return out;
}
