/** Calendar months as 'YYYY-MM' keys (the API's byMonth, Pakistan time). */
export function nextMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Every month from the earliest to the latest key, gaps included, so a time axis stays linear. */
export function monthRange(keys: string[]): string[] {
  if (keys.length === 0) return [];
  const sorted = [...keys].sort();
  const out: string[] = [];
  for (let m = sorted[0]!; m <= sorted[sorted.length - 1]!; m = nextMonth(m)) out.push(m);
  return out;
}
