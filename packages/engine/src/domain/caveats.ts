/**
 * Caveats travel with every analysis result: what limits it, in words an analyst can check.
 * Codes are stable so that reports and the dashboard can group or translate them.
 *
 * One fact, said once. Several steps of one analysis can meet the same limit: when no feed covers
 * October, the analysis window has uncovered days, the previous month is not compared, no district
 * is compared with it and the monthly series shows October as no data. Each step says so in its own
 * caveat; `mergeCaveats` folds the caveats that state the same fact about the same period into one,
 * which keeps every step's consequence in its message and lists the caveats it stands for
 * (`merged`: their codes, messages and periods), so that the API, the dashboard and the report say
 * the fact once and a program can still find each code.
 */

/** A period [from, to), epoch ms, that a caveat states a fact about. */
export interface CaveatPeriod {
  from: number;
  to: number;
}

/**
 * The fact a caveat states, as data: `fact` names it ('NOT_COVERED': no feed covers the periods)
 * and `periods` are the periods it is about, sorted and disjoint.
 */
export interface CaveatFact {
  fact: 'NOT_COVERED';
  periods: CaveatPeriod[];
}

export interface Caveat {
  code: string;
  message: string;
  count?: number;
  /** The fact the caveat states about which periods, when it states one that another caveat may state too. */
  about?: CaveatFact;
  /** What follows from the fact for this step of the analysis, as a clause ("the previous period (...) is not compared"). */
  then?: string;
  /** Set by mergeCaveats: the caveats this one stands for (itself first), each as it was given. */
  merged?: Caveat[];
}

export function caveat(code: string, message: string, count?: number): Caveat {
  return count === undefined ? { code, message } : { code, message, count };
}

/** A caveat that states a fact about periods, with the clause it adds when another caveat states the fact too. */
export function factCaveat(code: string, message: string, about: CaveatFact, then: string, count?: number): Caveat {
  return { ...caveat(code, message, count), about: { fact: about.fact, periods: about.periods.map((p) => ({ from: p.from, to: p.to })) }, then };
}

/** Length of the periods (ms). */
const extent = (ps: readonly CaveatPeriod[]): number => ps.reduce((s, p) => s + Math.max(0, p.to - p.from), 0);

/** Whether every period of `inner` lies inside the union of `outer` (both sorted and disjoint, as CaveatFact says). */
export function periodsWithin(inner: readonly CaveatPeriod[], outer: readonly CaveatPeriod[]): boolean {
  return inner.every((p) => p.from >= p.to || outer.some((o) => o.from <= p.from && p.to <= o.to));
}

const sameCaveat = (a: Caveat, b: Caveat): boolean => a.code === b.code && a.message === b.message;
const plain = (c: Caveat): Caveat => {
  const { merged: _m, ...rest } = c;
  return rest;
};

/**
 * The caveats with each fact said once, in the order given:
 * - a caveat identical to an earlier one (code and message) is dropped;
 * - caveats stating the same fact (`about.fact`) about periods that lie inside the periods of another
 *   caveat stating it are folded into that one (the one whose periods are longest; on a tie the
 *   first), which keeps its place: its message is its own followed by "; for the same reason, "
 *   and the `then` clause of each caveat folded in, and `merged` lists the caveats it stands for
 *   (itself first). A caveat whose periods reach outside every other's stays on its own.
 * Idempotent: merging a merged list again, or a merged caveat with one it already stands for,
 * changes nothing.
 * Complexity: O(n^2 p) for n caveats of p periods (n is small).
 */
export function mergeCaveats(list: readonly Caveat[]): Caveat[] {
  const out: Caveat[] = [];
  for (const c of list) if (!out.some((o) => sameCaveat(o, c) || (o.merged ?? []).some((m) => sameCaveat(m, c)))) out.push(c);
  // anchors: the caveats with a fact, longest periods first (stable); each folds the later ones inside it
  const order = out.map((c, i) => ({ c, i })).filter((x) => x.c.about !== undefined && x.c.about.periods.length > 0)
    .sort((a, b) => extent(b.c.about!.periods) - extent(a.c.about!.periods) || a.i - b.i);
  const foldedInto = new Map<number, number>();
  for (const [k, a] of order.entries()) {
    if (foldedInto.has(a.i)) continue;
    for (const b of order.slice(k + 1)) {
      if (foldedInto.has(b.i) || b.c.about!.fact !== a.c.about!.fact) continue;
      if (periodsWithin(b.c.about!.periods, a.c.about!.periods)) foldedInto.set(b.i, a.i);
    }
  }
  if (foldedInto.size === 0) return out;
  return out.flatMap((c, i) => {
    if (foldedInto.has(i)) return [];
    const folded = out.filter((_, j) => foldedInto.get(j) === i);
    if (folded.length === 0) return [c];
    const parts = c.merged ?? [plain(c)];
    const added = folded.flatMap((f) => f.merged ?? [plain(f)]).filter((f) => !parts.some((p) => sameCaveat(p, f)));
    if (added.length === 0) return [c];
    const all = [...parts, ...added];
    const clauses = all.slice(1).map((f) => f.then ?? f.message);
    return [{ ...c, message: `${all[0]!.message}; for the same reason, ${clauses.join('; ')}`, merged: all }];
  });
}

/** Every code the caveats carry, those of the caveats a merged one stands for included (for "does the result say X?"). */
export function caveatCodes(list: readonly Caveat[]): string[] {
  return [...new Set(list.flatMap((c) => [c.code, ...(c.merged ?? []).map((m) => m.code)]))];
}

/** The caveat with this code, or the one a merged caveat stands for (as it was given, with its own message). */
export function findCaveat(list: readonly Caveat[], code: string): Caveat | undefined {
  for (const c of list) {
    if (c.merged === undefined && c.code === code) return c;
    const m = c.merged?.find((x) => x.code === code);
    if (m !== undefined) return m;
  }
  return undefined;
}

/**
 * Code of the caveat every analysis carries when its time window holds days no feed covers (see
 * analysis/feed-coverage.ts `uncoveredPeriodsCaveat`): incidents there are missing data, and a count,
 * rate or model over the window reads them as none.
 */
export const UNCOVERED_PERIODS = 'UNCOVERED_PERIODS';
