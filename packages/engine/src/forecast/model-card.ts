/**
 * The model card every place forecast carries: what data, which period, how the model scored in
 * backtests against the baselines, and what it cannot do. Built by the caller (the server knows the
 * files and the backtest), typed here so that the API, reports and CLI show the same card.
 */
export interface ModelCardBacktestLine {
  readonly model: string;
  readonly horizon: string;
  readonly budget: string;
  readonly windows: number;
  readonly meanPai: number | null;
  readonly meanPei: number | null;
}

export interface PlaceForecastModelCard {
  readonly model: string;
  readonly parameters: Readonly<Record<string, number | string>>;
  readonly data: { readonly source: string; readonly category: string; readonly events: number; readonly from: string; readonly to: string };
  readonly forecastWindow: { readonly from: string; readonly to: string };
  readonly backtest: readonly ModelCardBacktestLine[];
  readonly knownLimits: readonly string[];
}

/** Limits that hold for every place model here, whatever the data. */
export const PLACE_FORECAST_KNOWN_LIMITS: readonly string[] = [
  'The models learn from recorded incidents. Where incidents are found by patrols rather than reported by the public, a forecast sends patrols back where they already are, and their new records confirm it (a feedback loop): read flagged cells as where records were, not where crime is.',
  'Scores depend on the grid: cell size, offset and rotation move cell edges and change which crimes fall in the flagged cells (modifiable areal unit problem).',
  'Calls for service are dated to the day; events of the same day do not trigger each other in the self-exciting models.',
  'A forecast is a ranking of places, not a prediction about any person; it says nothing about who commits crime.',
  'Backtest scores come from Portland 2012-2017 calls for service; they do not transfer to another city or crime type without a new backtest.',
];
