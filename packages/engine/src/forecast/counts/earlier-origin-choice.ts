/**
 * The parameter choice shared by the count models that tune themselves (recent-rate half-life,
 * damped-trend smoothing): each candidate is scored by its mean CRPS over the earlier origins q in
 * [o - h - windowOrigins + 1, o - h], so every target q + h - 1 lies before the forecast origin o;
 * origins whose target lies across a left-out (uncovered) period are not scored. The lowest mean
 * wins; the first candidate wins ties; with no origin to score, `fallback` stands.
 */
import { targetIsContiguous, type CountPanel } from './count-panel.js';

export interface EarlierOriginChoice<P> {
  chosen: P;
  /** Each candidate's mean CRPS, in the candidates' order (empty when no origin could be scored). */
  scored: { candidate: P; pastCases: number; meanCrps: number }[];
  pastOrigins: number;
}

export function chooseOnEarlierOrigins<P>(
  panel: CountPanel, origin: number, horizon: number, windowOrigins: number,
  candidates: readonly P[], fallback: P, meanCrpsAt: (q: number, candidate: P) => number,
): EarlierOriginChoice<P> {
  const last = origin - horizon; // latest earlier origin whose target (last + horizon - 1) is before the origin
  const first = Math.max(1, last - windowOrigins + 1);
  const qs: number[] = [];
  for (let q = first; q <= last; q++) if (targetIsContiguous(panel, q, horizon)) qs.push(q);
  const scored: EarlierOriginChoice<P>['scored'] = [];
  let chosen = fallback;
  if (qs.length > 0) {
    let best = Infinity;
    for (const c of candidates) {
      let sum = 0;
      for (const q of qs) sum += meanCrpsAt(q, c);
      const mean = sum / qs.length;
      scored.push({ candidate: c, pastCases: qs.length * panel.units.length, meanCrps: mean });
      if (mean < best) { best = mean; chosen = c; }
    }
  }
  return { chosen, scored, pastOrigins: qs.length };
}
