// Loads the committed reference fixtures of the hotspot statistics (see scripts/reference/hotspots-*).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function loadHotspotFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/reference/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface UcdpInput {
  resolution: number;
  events: { id: number; lat: number; lon: number; year: number; best: number; wherePrec: number }[];
  cells: string[];
  counts: number[];
  deaths: number[];
  nbSelf: number[][];
  nbNoSelf: number[][];
}

/** |a - b| <= abs + rel |b|, with a readable failure message. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: { abs?: number; rel?: number }, label: string): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const allowed = (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(b);
    const excess = Math.abs(a - b) - allowed;
    if (!(excess <= 0) && (worstAt < 0 || excess > worst)) {
      worst = excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) throw new Error(`${label}: index ${worstAt} differs: ${actual[worstAt]} vs reference ${expected[worstAt]}`);
}
