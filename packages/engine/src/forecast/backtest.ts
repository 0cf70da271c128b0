/**
 * Rolling-origin backtest of place models. For each window [origin, end): every model sees only
 * the events strictly before the origin (filtered here, so no model can leak), ranks the candidate
 * cells, flags the top k for each area budget, and is scored on the events of the window only.
 *
 * Complexity: windows x models x (model cost + O(C log C)). Read the summary as the mean of
 * per-window scores; windows with no crime are skipped and counted.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { InsufficientDataError } from '../domain/errors.js';
import { placeForecastScores, topRankedCells, type PlaceScores } from './place-forecast-metrics.js';
import { countPerCell, type SquareGrid } from './square-grid.js';
import { eventsBefore, eventsBetween, type PlaceModel, type SpaceTimeEvents } from './types.js';

export interface BacktestWindow {
  readonly origin: number;
  readonly end: number;
  readonly horizon: string;
  readonly label: string;
}

export interface AreaBudget {
  readonly label: string;
  readonly cells: number;
}

export interface BacktestSetup {
  /** All events, already restricted to the study area. */
  readonly events: SpaceTimeEvents;
  readonly grid: SquareGrid;
  readonly candidates: Int32Array;
  readonly studyArea: number;
  readonly budgets: readonly AreaBudget[];
}

export interface BacktestRow {
  readonly model: string;
  readonly horizon: string;
  readonly window: string;
  readonly budget: string;
  readonly scores: PlaceScores | null;
  readonly caveats: Caveat[];
}

export function backtestPlaces(setup: BacktestSetup, windows: readonly BacktestWindow[], models: readonly { name: string; model: PlaceModel }[]): BacktestRow[] {
  const rows: BacktestRow[] = [];
  for (const w of windows) {
    const training = eventsBefore(setup.events, w.origin);
    const test = eventsBetween(setup.events, w.origin, w.end);
    const { counts } = countPerCell(setup.grid, test.x, test.y);
    for (const { name, model } of models) {
      let intensity: Float64Array;
      let caveats: Caveat[];
      try {
        const out = model({ events: training, grid: setup.grid, origin: w.origin, horizonDays: w.end - w.origin });
        intensity = out.intensity;
        caveats = out.caveats;
      } catch (e) {
        if (!(e instanceof InsufficientDataError)) throw e;
        for (const b of setup.budgets) rows.push({ model: name, horizon: w.horizon, window: w.label, budget: b.label, scores: null, caveats: [caveat('MODEL_FAILED', e.message)] });
        continue;
      }
      const ranked = topRankedCells(intensity, setup.candidates, Math.max(...setup.budgets.map((b) => b.cells)));
      for (const b of setup.budgets) {
        const flagged = ranked.subarray(0, Math.min(b.cells, ranked.length));
        const scores = placeForecastScores({ observed: counts, flagged, cellArea: setup.grid.cellArea, studyArea: setup.studyArea, totalCrimes: test.t.length, candidates: setup.candidates });
        rows.push({ model: name, horizon: w.horizon, window: w.label, budget: b.label, scores, caveats: [...caveats, ...scores.caveats] });
      }
    }
  }
  return rows;
}

export interface BacktestSummaryRow {
  readonly model: string;
  readonly horizon: string;
  readonly budget: string;
  readonly windows: number;
  readonly skipped: number;
  readonly meanPai: number | null;
  readonly meanPei: number | null;
  readonly meanPeiStar: number | null;
  readonly meanHitRate: number | null;
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Mean scores per model, horizon and budget (in first-seen order). */
export function summariseBacktest(rows: readonly BacktestRow[]): BacktestSummaryRow[] {
  const groups = new Map<string, BacktestRow[]>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.horizon}\u0000${r.budget}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: BacktestSummaryRow[] = [];
  for (const g of groups.values()) {
    const first = g[0]!;
    const pai: number[] = [], pei: number[] = [], peiStar: number[] = [], hit: number[] = [];
    let skipped = 0;
    for (const r of g) {
      if (r.scores === null || r.scores.pai === null) { skipped++; continue; }
      pai.push(r.scores.pai);
      if (r.scores.pei !== null) pei.push(r.scores.pei);
      if (r.scores.peiStar !== null) peiStar.push(r.scores.peiStar);
      if (r.scores.hitRate !== null) hit.push(r.scores.hitRate);
    }
    out.push({ model: first.model, horizon: first.horizon, budget: first.budget, windows: g.length - skipped, skipped, meanPai: mean(pai), meanPei: mean(pei), meanPeiStar: mean(peiStar), meanHitRate: mean(hit) });
  }
  return out;
}
