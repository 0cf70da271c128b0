/**
 * Threat-actor profiles: for each perpetrator group (and "unclaimed"), its activity by month, where
 * (districts), how (tactics: category codes), against whom (target types, when the column exists),
 * how lethal (killed per incident with an exact Poisson interval), and its change against the
 * previous period (exact Poisson test, Benjamini-Hochberg across actors).
 *
 * Answers: which groups are driving violence now, where and with what methods, and is any group
 * escalating? Units: incidents; killed per incident. Complexity: O(n + actors x months).
 *
 * Caveats that always apply: attribution is what a source claimed or an agency assessed, rarely
 * proven; "unclaimed" mixes many actors. Lethality's interval treats total deaths as Poisson; a few
 * mass-casualty attacks make deaths per incident overdispersed and the interval too narrow (a
 * caveat reports the variance-to-mean ratio when it exceeds 1.5).
 * References: exact Poisson interval (Garwood 1936, R poisson.test); rate comparison as trends.ts.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { CATEGORY_CODES } from '../domain/taxonomy.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { poissonExactInterval } from '../stats/gamma-distribution.js';
import { countSeries, describeChange, type RateChange } from './trends.js';
import { DAY_MS, type TemporalColumns } from './aggregate.js';

export const UNCLAIMED = 'unclaimed';

export interface Tally {
  name: string;
  count: number;
}

export interface ActorProfile {
  actor: string;
  incidents: number;
  /** Share of all incidents in the window. */
  share: number;
  /** Incidents per month over the window (zeros included). */
  months: string[];
  monthly: number[];
  districts: Tally[];
  tactics: Tally[];
  /** Null when the columns carry no target types. */
  targets: Tally[] | null;
  killed: number;
  injured: number;
  abducted: number;
  /** Killed per incident with a 95% exact Poisson interval; null without incidents. */
  lethality: { perIncident: number; lower: number; upper: number } | null;
  /** Against the previous window; pAdjusted is Benjamini-Hochberg across actors. */
  change: RateChange & { pAdjusted: number; significantAfterAdjustment: boolean };
  caveats: Caveat[];
}

export interface ActorOptions {
  from: number;
  to: number;
  /** Start of the previous window (default: same length just before `from`). */
  previousFrom?: number;
  alpha?: number;
}

function tally(map: Map<string, number>): Tally[] {
  return [...map].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
}

export function actorProfiles(cols: TemporalColumns, options: ActorOptions): { actors: ActorProfile[]; caveats: Caveat[] } {
  const { from, to } = options;
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) throw new BaseeratError('VALIDATION', `window needs finite from < to, got from = ${from}, to = ${to}`, { field: 'to' });
  const prevFrom = options.previousFrom ?? from - (to - from);
  if (!(prevFrom < from)) throw new BaseeratError('VALIDATION', `previousFrom must be before from, got ${prevFrom}`, { field: 'previousFrom' });
  const alpha = options.alpha ?? 0.05;
  const actorOf = (i: number) => {
    const p = cols.perpetrator[i]!;
    return p >= 0 ? cols.perpetratorNames[p] ?? UNCLAIMED : UNCLAIMED;
  };

  interface Acc { idx: number[]; prev: number }
  const acc = new Map<string, Acc>();
  let total = 0, coarse = 0, noTime = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (Number.isNaN(t)) { noTime++; continue; }
    if (!(t >= prevFrom && t < to)) continue;
    // Month- or year-dated incidents cannot be placed in a window shorter than their precision.
    if (cols.timePrecision[i]! > 1) { coarse++; continue; }
    const a = actorOf(i);
    let e = acc.get(a);
    if (e === undefined) { e = { idx: [], prev: 0 }; acc.set(a, e); }
    if (t >= from) { e.idx.push(i); total++; } else e.prev++;
  }

  const curDays = (to - from) / DAY_MS, prevDays = (from - prevFrom) / DAY_MS;
  const actors: ActorProfile[] = [];
  for (const [actor, e] of acc) {
    const districts = new Map<string, number>(), tactics = new Map<string, number>(), targets = new Map<string, number>();
    let killed = 0, injured = 0, abducted = 0, sumSq = 0;
    for (const i of e.idx) {
      const d = cols.district[i]!;
      const dn = d >= 0 ? cols.districtNames[d] ?? 'unknown' : 'unknown';
      districts.set(dn, (districts.get(dn) ?? 0) + 1);
      const code = CATEGORY_CODES[cols.category[i]!] ?? 'unknown';
      tactics.set(code, (tactics.get(code) ?? 0) + 1);
      if (cols.targetType !== undefined) {
        const tt = cols.targetType[i]!;
        const tn = tt >= 0 ? cols.targetTypeNames?.[tt] ?? 'unknown' : 'unknown';
        targets.set(tn, (targets.get(tn) ?? 0) + 1);
      }
      killed += cols.killed[i]!; injured += cols.injured[i]!; abducted += cols.abducted[i]!;
      sumSq += cols.killed[i]! ** 2;
    }
    const n = e.idx.length;
    const set = new Set(e.idx);
    const series = countSeries(cols, { from, to, period: 'month', include: (i) => set.has(i) });
    const caveats: Caveat[] = [];
    let lethality: ActorProfile['lethality'] = null;
    if (n > 0) {
      const ci = poissonExactInterval(killed);
      lethality = { perIncident: killed / n, lower: ci.lower / n, upper: ci.upper / n };
      const mean = killed / n;
      const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
      if (mean > 0 && n > 1 && variance / mean > 1.5) {
        caveats.push(caveat('LETHALITY_OVERDISPERSED', `deaths per incident vary ${(variance / mean).toFixed(1)} times more than Poisson (a few mass-casualty attacks): the lethality interval is too narrow`));
      }
      if (n < 10) caveats.push(caveat('FEW_EVENTS', `only ${n} incidents: profile shares and lethality are unstable`, n));
    }
    const change = describeChange(
      { from, to, count: n, days: curDays, perDay: n / curDays },
      { from: prevFrom, to: from, count: e.prev, days: prevDays, perDay: e.prev / prevDays },
      alpha,
    );
    actors.push({
      actor, incidents: n, share: total === 0 ? 0 : n / total,
      months: series.keys, monthly: series.counts,
      districts: tally(districts), tactics: tally(tactics), targets: cols.targetType === undefined ? null : tally(targets),
      killed, injured, abducted, lethality,
      change: { ...change, pAdjusted: change.pValue, significantAfterAdjustment: false },
      caveats: [...change.caveats, ...caveats],
    });
  }
  const adj = benjaminiHochberg(actors.map((a) => a.change.pValue));
  actors.forEach((a, i) => { a.change.pAdjusted = adj[i]!; a.change.significantAfterAdjustment = adj[i]! < alpha; });
  actors.sort((a, b) => b.incidents - a.incidents || (a.actor < b.actor ? -1 : 1));

  const caveats: Caveat[] = [caveat('ATTRIBUTION', 'perpetrators are as claimed or attributed by the sources, rarely established; "unclaimed" mixes many actors')];
  if (coarse > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarse} incidents dated only to the month or year were left out`, coarse));
  if (noTime > 0) caveats.push(caveat('NO_TIME', `${noTime} incidents without a valid time were left out`, noTime));
  if (actors.length > 1) caveats.push(caveat('MULTIPLE_TESTING', `${actors.length} actors compared with the previous period: use pAdjusted (Benjamini-Hochberg)`, actors.length));
  const unclaimed = actors.find((a) => a.actor === UNCLAIMED);
  if (unclaimed !== undefined && unclaimed.share > 0.5) caveats.push(caveat('MOSTLY_UNCLAIMED', `${Math.round(unclaimed.share * 100)}% of incidents are unclaimed: group profiles describe a minority of the violence`));
  return { actors, caveats };
}
