/**
 * The seeded levies-format CSV of the large-file acceptance: `rows` rows over about two years, `badEach`
 * rows of each malformed kind (bad date, coordinates outside Pakistan, unknown category, broken
 * quoting) and `blanks` blank lines, with the index of every bad row and its kind.
 */
import { SeededRng } from '@baseerat/engine';

/** The engine's seeded generator, enough to place the bad rows. */
function rng(seed: number): () => number {
  const g = new SeededRng(seed);
  return () => g.next();
}

export const KINDS = ['date', 'coords', 'category', 'quote'] as const;

export function generateMalformedFile(rows: number, badEach: number, blanks: number, seed: number): { text: string; bad: Map<number, string> } {
  const r = rng(seed);
  const bad = new Map<number, string>(); // row index -> kind
  for (const kind of KINDS) {
    let placed = 0;
    while (placed < badEach) {
      const i = Math.floor(r() * rows);
      if (!bad.has(i)) { bad.set(i, kind); placed++; }
    }
  }
  const blankAfter = new Set<number>();
  while (blankAfter.size < blanks) blankAfter.add(Math.floor(r() * rows));
  const out: string[] = ['ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported'];
  const t0 = Date.UTC(2023, 0, 1);
  for (let i = 0; i < rows; i++) {
    // time-ordered over about two years, as an agency export is
    const d = new Date(t0 + i * 600_000);
    const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const inQuetta = r() < 0.5;
    let lat = (inQuetta ? 30.0 + r() * 0.5 : 25.0 + r() * 0.5).toFixed(5);
    let lon = (inQuetta ? 66.8 + r() * 0.5 : 62.0 + r() * 0.5).toFixed(5);
    let type = r() < 0.5 ? 'Blast' : 'Firing';
    let dateCell = date;
    let details = r() < 0.3 ? `"IED near checkpost, ""urgent"" report ${i}"` : `report ${i}`;
    const kind = bad.get(i);
    if (kind === 'date') dateCell = `31/02/${d.getUTCFullYear()}`;
    if (kind === 'coords') { lat = '12.3'; lon = '40.1'; }
    if (kind === 'category') type = 'Blst';
    if (kind === 'quote') details = `"unclosed narrative ${i}`;
    out.push(`LV-${i},${dateCell},${time},${lat},${lon},,,${type},${Math.floor(r() * 3)},${Math.floor(r() * 5)},0,Police,,${details},R,`);
    if (blankAfter.has(i)) out.push('');
  }
  return { text: `${out.join('\n')}\n`, bad };
}

