/**
 * From store columns to a differentially private aggregate release: the public cell domain (every
 * district of the chosen provinces from the shipped 2023 geography, one "(district unknown)" cell
 * per province, every period of the requested span, every category group), the incidents' cells,
 * and the engine's noisy hierarchical counts.
 *
 * The domain is built from public reference data and the request only, never from the incidents,
 * so that which cells exist reveals nothing.
 */
import { BaseeratError, CATEGORY_CODES, CATEGORY_GROUPS, categoryGroup, type Rng } from '@baseerat/engine';
import { localDay, periodKeyOfDay, periodKeys, timeFitsPeriod } from '@baseerat/engine/analysis/aggregate';
import {
  equalLevelBudgets, releaseHierarchicalCounts, PLACE_LEVELS, type CountDomain, type CountRecord, type HierarchicalCountsRelease, type LevelBudget, type PlaceLevel,
} from '@baseerat/engine/privacy/index';
import type { IncidentColumns } from '../store/port.js';

export const UNKNOWN_DISTRICT = '(district unknown)';

export interface ReleasePeriod {
  /** First local (Pakistan) day included, YYYY-MM-DD. */
  from: string;
  /** First local day not included, YYYY-MM-DD. */
  to: string;
}

export interface AggregateGroupings {
  /** Place levels released, each with an equal share of ε unless `levelEpsilon` says otherwise. Default province and district. */
  levels?: readonly PlaceLevel[];
  /** Explicit split of ε across levels (must add up to ε). */
  levelEpsilon?: Partial<Record<PlaceLevel, number>>;
  time?: 'month' | 'week';
  /** By category group (default) or all categories together. */
  category?: 'group' | 'all';
}

export interface AggregateBuild {
  release: HierarchicalCountsRelease;
  domain: CountDomain;
  budgets: LevelBudget[];
  time: 'month' | 'week';
  category: 'group' | 'all';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** UTC instants [from, to) of a local-date period; validates it. */
export function periodInstants(p: ReleasePeriod): { fromMs: number; toMs: number } {
  for (const f of ['from', 'to'] as const) {
    if (!DATE.test(p[f]) || Number.isNaN(Date.parse(`${p[f]}T00:00:00Z`))) throw new BaseeratError('VALIDATION', `period.${f} must be a date YYYY-MM-DD, got ${JSON.stringify(p[f])}`, { field: `period.${f}` });
  }
  const fromMs = Date.parse(`${p.from}T00:00:00+05:00`);
  const toMs = Date.parse(`${p.to}T00:00:00+05:00`);
  if (!(toMs > fromMs)) throw new BaseeratError('VALIDATION', `period.to ${p.to} must come after period.from ${p.from}`, { field: 'period.to' });
  return { fromMs, toMs };
}

export function levelBudgets(epsilon: number, g: AggregateGroupings): LevelBudget[] {
  const levels = g.levels ?? ['province', 'district'];
  for (const l of levels) if (!PLACE_LEVELS.includes(l)) throw new BaseeratError('VALIDATION', `groupings.levels: ${JSON.stringify(l)} is not one of ${PLACE_LEVELS.join(', ')}`, { field: 'groupings.levels' });
  if (g.levelEpsilon === undefined) return equalLevelBudgets(epsilon, levels);
  const budgets = levels.map((level) => {
    const e = g.levelEpsilon?.[level];
    if (e === undefined || !(e > 0)) throw new BaseeratError('VALIDATION', `groupings.levelEpsilon.${level} must be > 0 when levelEpsilon is given, got ${e}`, { field: `groupings.levelEpsilon.${level}` });
    return { level, epsilon: e };
  });
  const sum = budgets.reduce((s, b) => s + b.epsilon, 0);
  if (Math.abs(sum - epsilon) > 1e-9) throw new BaseeratError('VALIDATION', `groupings.levelEpsilon adds up to ${sum}, not epsilon ${epsilon}`, { field: 'groupings.levelEpsilon' });
  return budgets;
}

export function buildAggregateRelease(
  cols: IncidentColumns,
  places: readonly { name: string; districts: readonly string[] }[],
  period: ReleasePeriod,
  groupings: AggregateGroupings,
  epsilon: number,
  rng: Rng,
): AggregateBuild {
  const time = groupings.time ?? 'month';
  const category = groupings.category ?? 'group';
  const { fromMs, toMs } = periodInstants(period);
  const domain: CountDomain = {
    provinces: places.map((p) => ({ name: p.name, districts: [...p.districts, UNKNOWN_DISTRICT] })),
    periods: periodKeys(fromMs, toMs, time),
    categories: category === 'group' ? [...CATEGORY_GROUPS] : ['all'],
  };
  const known = new Map(places.map((p) => [p.name, new Set(p.districts)]));
  const records: CountRecord[] = [];
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!(t >= fromMs && t < toMs) || !timeFitsPeriod(cols.timePrecision[i]!, time)) continue;
    const pi = cols.province[i]!;
    const province = pi >= 0 ? cols.provinceNames[pi]! : '';
    const districts = known.get(province);
    if (districts === undefined) continue;
    const di = cols.district[i]!;
    const d = di >= 0 ? cols.districtNames[di]! : '';
    records.push({
      province,
      district: districts.has(d) ? d : UNKNOWN_DISTRICT,
      period: periodKeyOfDay(localDay(t), time),
      category: category === 'group' ? categoryGroup(CATEGORY_CODES[cols.category[i]!]!) : 'all',
    });
  }
  const budgets = levelBudgets(epsilon, groupings);
  return { release: releaseHierarchicalCounts(records, domain, { levels: budgets, rng }), domain, budgets, time, category };
}
