/**
 * Ensemble of place models: the mean of the members' normalised intensities (each member's map
 * divided by its total, so every member votes with the same weight whatever its units), or the mean
 * of their ranks.
 *
 * Units: share of the forecast mass (mean) or mean rank score in [0, 1] (rank). Complexity: the
 * members' plus O(C log C) for ranks. Read: averaging models with different errors is rarely worse
 * than the average member and often better than the best (Bates and Granger 1969).
 */
import type { Caveat } from '../domain/caveats.js';
import type { PlaceModel } from './types.js';

export interface EnsembleOptions {
  readonly method?: 'mean-normalised' | 'rank-average';
  readonly weights?: readonly number[];
}

export function ensembleModel(members: readonly PlaceModel[], opts: EnsembleOptions = {}): PlaceModel {
  const method = opts.method ?? 'mean-normalised';
  return (input) => {
    const C = input.grid.cellCount;
    const intensity = new Float64Array(C);
    const caveats: Caveat[] = [];
    let wsum = 0;
    members.forEach((m, k) => {
      const out = m(input);
      caveats.push(...out.caveats);
      const w = opts.weights?.[k] ?? 1;
      wsum += w;
      if (method === 'mean-normalised') {
        let s = 0;
        for (let i = 0; i < C; i++) s += out.intensity[i]!;
        if (s > 0) for (let i = 0; i < C; i++) intensity[i]! += (w * out.intensity[i]!) / s;
      } else {
        const order = Array.from({ length: C }, (_, i) => i).sort((p, q) => out.intensity[p]! - out.intensity[q]! || q - p);
        // Tied cells share the mean rank so that a member's ties do not favour low indices.
        let i = 0;
        while (i < C) {
          let j = i;
          while (j + 1 < C && out.intensity[order[j + 1]!] === out.intensity[order[i]!]) j++;
          const r = (i + j) / 2 / Math.max(1, C - 1);
          for (let q = i; q <= j; q++) intensity[order[q]!]! += w * r;
          i = j + 1;
        }
      }
    });
    if (wsum > 0) for (let i = 0; i < C; i++) intensity[i]! /= wsum;
    return { intensity, caveats };
  };
}
