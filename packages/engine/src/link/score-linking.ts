/**
 * Pairwise precision and recall of a linking against the truth.
 *
 * What it answers: of the pairs of reports the linking put in one incident, which share is truly
 * one incident (precision); of the pairs that truly are one incident, which share the linking
 * joined (recall). Units: proportions in [0, 1]; F1 their harmonic mean.
 * Complexity: O(n) with a contingency table of (predicted cluster, true cluster) counts:
 * pairs = sum of n(n-1)/2 over clusters, never enumerated.
 * How to read it: pairwise scores weight big incidents quadratically (an incident with 5 reports
 * holds 10 pairs); the counts are returned so that small samples can be judged.
 * Reference: the pairwise F-measure of entity resolution (Menestrina, Whang and Garcia-Molina 2010,
 * "Evaluating entity resolution results", PVLDB 3). Checked against a brute-force pair
 * enumeration in Python (`scripts/reference/linking-haversine-pairwise.py`).
 */
import type { Caveat } from '../domain/caveats.js';
import { caveat } from '../domain/caveats.js';
import type { LinkPlan } from '../domain/linking.js';
import { sourceKey } from '../domain/incident.js';

export interface LinkingScore {
  precision: number;
  recall: number;
  f1: number;
  /** Pairs the linking joined. */
  predictedPairs: number;
  /** Pairs that truly are one incident. */
  truePairs: number;
  /** Pairs both joined and truly one incident. */
  correctPairs: number;
  /** Reports scored (present in both). */
  reports: number;
  caveats: Caveat[];
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Score `predicted` (source key -> incident id) against `truth` (source key -> true incident id).
 * Only keys in both are scored; the others are counted in a caveat. With no predicted pairs the
 * precision is 1 (nothing wrong was joined), with no true pairs the recall is 1; a caveat says so.
 */
export function scoreLinking(predicted: ReadonlyMap<string, string>, truth: ReadonlyMap<string, string>): LinkingScore {
  const predCount = new Map<string, number>();
  const trueCount = new Map<string, number>();
  const both = new Map<string, number>();
  let n = 0, missing = 0;
  for (const [key, p] of predicted) {
    const t = truth.get(key);
    if (t === undefined) { missing++; continue; }
    n++;
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    trueCount.set(t, (trueCount.get(t) ?? 0) + 1);
    // A NUL cannot occur in ids, so the pair key is unambiguous.
    const k = `${p}\u0000${t}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  for (const key of truth.keys()) if (!predicted.has(key)) missing++;
  let predictedPairs = 0, truePairs = 0, correctPairs = 0;
  for (const c of predCount.values()) predictedPairs += pairs(c);
  for (const c of trueCount.values()) truePairs += pairs(c);
  for (const c of both.values()) correctPairs += pairs(c);
  const caveats: Caveat[] = [];
  if (missing > 0) caveats.push(caveat('SCORE_UNMATCHED_KEYS', `${missing} reports were in only one of the linking and the truth and were not scored`, missing));
  if (predictedPairs === 0) caveats.push(caveat('SCORE_NO_PREDICTED_PAIRS', 'the linking joined no pairs: precision is reported as 1'));
  if (truePairs === 0) caveats.push(caveat('SCORE_NO_TRUE_PAIRS', 'the truth holds no pairs: recall is reported as 1'));
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, predictedPairs, truePairs, correctPairs, reports: n, caveats };
}

/** Source key -> incident id, from a plan (new incidents and attachments). */
export function clustersFromPlan(plan: LinkPlan): Map<string, string> {
  const m = new Map<string, string>();
  for (const inc of plan.newIncidents) for (const r of inc.reports) m.set(sourceKey(r.source), inc.id);
  for (const a of plan.attachments) for (const r of a.reports) m.set(sourceKey(r.source), a.incidentId);
  return m;
}
