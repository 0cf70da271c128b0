/** Loads the R surveillance reference fixtures shared by the monitor tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(dir + name, 'utf8'));

export interface SeriesFile { weekly: Record<string, number[]>; monthly: Record<string, number[]> }
export const seriesFile = load('monitor-ucdp-series.json') as SeriesFile;

/** "weekly:province:events" -> the counts. */
export function seriesById(id: string): number[] {
  const [freq, ...rest] = id.split(':');
  const s = seriesFile[freq as 'weekly' | 'monthly'][rest.join(':')];
  if (s === undefined) throw new Error(`no series ${id}`);
  return s;
}

export interface EarsCase { series: string; method: 'C1' | 'C2' | 'C3'; minSigma: number; alpha: number; firstIndex: number; upperbound: (number | null)[]; alarm: (number | null)[] }
export interface FarringtonCase {
  series: string; config: string; b: number; w: number; noPeriods: number; weightsThreshold: number; pastWeeksNotIncluded: number;
  thresholdMethod: 'delta' | 'nbPlugin' | 'muan'; alpha: number; limit54: [number, number]; populationOffset: boolean; population?: number[];
  firstIndex: number; upperbound: (number | null)[]; alarm: (number | null)[]; expected: (number | null)[]; phi: (number | null)[]; trend: (number | null)[];
}
const surveillance = load('monitor-surveillance.json') as { generatedBy: string; ears: EarsCase[]; farrington: FarringtonCase[] };
export const earsCases = surveillance.ears;
export const farringtonCases = surveillance.farrington;
export interface CusumCase { series: string; mu0: number; mu1: number; h: number; k: number; cusum: number[]; alarm: number[] }
export const cusumCases = (load('monitor-cusum.json') as { cases: CusumCase[] }).cases;
