/**
 * `runBacktest`: the Portland NIJ backtest. Two stages, both on the shipped training files:
 * 1. selection by temporal cross-validation on tuning origins whose windows all end before the
 *    first test origin: each model family's parameters and the cell size are chosen there, and the
 *    best non-baseline family becomes the default place model of each crime type and horizon;
 * 2. the test: the chosen configurations are run on rolling test origins (first of each month) and
 *    scored only on the events after each origin, beside the chosen baselines.
 * Nothing chosen in stage 1 looks at a test window. Output: JSON and a Markdown report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  backtestPlaces, createSquareGrid, eventsBefore, summariseBacktest,
  type AreaBudget, type BacktestSummaryRow, type BacktestWindow, type SpaceTimeEvents, type SquareGrid,
} from '@baseerat/engine/forecast/index';
import { MODEL_CONFIGS, modelConfig, type ModelConfig } from './models.js';
import { NIJ_HORIZONS, checkCellSize, nijCellsFor, parseOrigin, windowEnd, type NijHorizon } from './nij-rules.js';
import { isoDate, readNijFile } from './portland-nij-file.js';
import { eligibleCells, loadStudyArea, studyAreaContains, type StudyArea } from './study-area.js';

export const NIJ_CATEGORIES = { burglary: 'portland_cfs_burglary_2012-03_2017-02.csv', 'theft-of-auto': 'portland_cfs_theft_of_auto_2012-03_2017-02.csv' } as const;
export type NijCategory = keyof typeof NIJ_CATEGORIES;
export const DEFAULT_DATA_DIR = 'data/reference/portland-nij';
export const STUDY_AREA_SHP = 'Portland_Police_Districts/Portland_Police_Districts.shp';

export interface RunBacktestOptions {
  readonly dataDir?: string;
  readonly categories?: readonly NijCategory[];
  readonly horizons?: readonly NijHorizon[];
  /** Tuning origins (yyyy-MM-01); default every other month 2013-01 to 2013-11. */
  readonly tuneOrigins?: readonly string[];
  /** Test origins; default every month 2014-03 to 2016-12. */
  readonly testOrigins?: readonly string[];
  readonly cellSizes?: readonly number[];
  readonly models?: readonly string[];
  /** Write the full result as JSON here. */
  readonly outJson?: string;
  /** Write the Markdown tables here. */
  readonly outMarkdown?: string;
  /** Write the selected defaults (the NIJ mode reads them) here. */
  readonly outDefaults?: string;
  readonly log?: (line: string) => void;
}

export interface SelectedConfig {
  readonly model: string;
  readonly family: string;
  readonly baseline: boolean;
  readonly cellSize: number;
  readonly tuningMeanPai: number;
}

export interface BacktestResult {
  readonly tuneOrigins: readonly string[];
  readonly testOrigins: readonly string[];
  readonly studyAreaSqFt: number;
  readonly categories: Record<string, { events: number; outsideStudyArea: number; rejectedRows: number }>;
  /** category -> horizon -> family -> chosen configuration. */
  readonly selected: Record<string, Record<string, Record<string, SelectedConfig>>>;
  /** category -> horizon -> the default model (best non-baseline family on the tuning windows). */
  readonly defaults: Record<string, Record<string, SelectedConfig>>;
  /** Test summary rows, with the family and cell size. */
  readonly test: (BacktestSummaryRow & { category: string; family: string; cellSize: number; baseline: boolean; paiByWindow: (number | null)[] })[];
  readonly markdown: string;
}

export function monthlyOrigins(from: string, to: string, stepMonths = 1): string[] {
  const out: string[] = [];
  let d = parseOrigin(from);
  const end = parseOrigin(to);
  while (d <= end) {
    out.push(isoDate(d));
    const dt = new Date(d * 86_400_000);
    d = Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + stepMonths, 1) / 86_400_000;
  }
  return out;
}

export function loadNijEvents(dataDir: string, category: NijCategory, sa: StudyArea): { events: SpaceTimeEvents; outside: number; rejected: number; lastDay: number } {
  const f = readNijFile(join(dataDir, NIJ_CATEGORIES[category]));
  const keep: number[] = [];
  for (let i = 0; i < f.t.length; i++) if (studyAreaContains(sa, f.x[i]!, f.y[i]!)) keep.push(i);
  const pick = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]!);
  let last = -Infinity;
  for (let i = 0; i < f.t.length; i++) last = Math.max(last, Math.floor(f.t[i]!));
  return { events: { x: pick(f.x), y: pick(f.y), t: pick(f.t) }, outside: f.t.length - keep.length, rejected: f.rejected, lastDay: last };
}

interface GridSetup { grid: SquareGrid; candidates: Int32Array; budgets: AreaBudget[] }

export function nijGridSetup(sa: StudyArea, cellSize: number): GridSetup {
  checkCellSize(cellSize);
  const grid = createSquareGrid(sa.bbox, { cellSize });
  return { grid, candidates: eligibleCells(sa, grid), budgets: [{ label: '0.25 sq mi', cells: nijCellsFor(cellSize, 0.25) }, { label: '0.75 sq mi', cells: nijCellsFor(cellSize, 0.75) }] };
}

function windowsFor(origins: readonly string[], horizon: NijHorizon, lastDay: number): BacktestWindow[] {
  const out: BacktestWindow[] = [];
  for (const o of origins) {
    const origin = parseOrigin(o);
    const end = windowEnd(origin, horizon);
    if (end > lastDay + 1) continue; // the window must lie inside the data
    out.push({ origin, end, horizon, label: o });
  }
  return out;
}

const meanOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};

export function runBacktest(opts: RunBacktestOptions = {}): BacktestResult {
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const categories = opts.categories ?? (Object.keys(NIJ_CATEGORIES) as NijCategory[]);
  const horizons = opts.horizons ?? NIJ_HORIZONS;
  const tuneOrigins = opts.tuneOrigins ?? monthlyOrigins('2013-01-01', '2013-11-01', 2);
  const testOrigins = opts.testOrigins ?? monthlyOrigins('2014-03-01', '2016-12-01', 1);
  const cellSizes = opts.cellSizes ?? [250, 400, 600];
  const configs: ModelConfig[] = (opts.models ?? MODEL_CONFIGS.map((m) => m.name)).map(modelConfig);
  const firstTest = Math.min(...testOrigins.map(parseOrigin));
  const sa = loadStudyArea(join(dataDir, STUDY_AREA_SHP));
  const setups = new Map<number, GridSetup>(cellSizes.map((cs) => [cs, nijGridSetup(sa, cs)]));

  const result: BacktestResult = { tuneOrigins, testOrigins, studyAreaSqFt: sa.area, categories: {}, selected: {}, defaults: {}, test: [], markdown: '' };
  for (const category of categories) {
    const loaded = loadNijEvents(dataDir, category, sa);
    result.categories[category] = { events: loaded.events.t.length, outsideStudyArea: loaded.outside, rejectedRows: loaded.rejected };
    // Stage 1 sees only events before the first test origin: no test window can influence a choice.
    const tuningEvents = eventsBefore(loaded.events, firstTest);
    const tuningLastDay = firstTest - 1;
    const tuningScore = new Map<string, number>(); // model|cellSize|horizon -> mean PAI over both budgets
    for (const cs of cellSizes) {
      const setup = setups.get(cs)!;
      for (const h of horizons) {
        const windows = windowsFor(tuneOrigins, h, tuningLastDay);
        const rows = backtestPlaces({ events: tuningEvents, grid: setup.grid, candidates: setup.candidates, studyArea: sa.area, budgets: setup.budgets }, windows, configs.map((c) => ({ name: c.name, model: c.create() })));
        for (const c of configs) {
          const s = summariseBacktest(rows.filter((r) => r.model === c.name));
          const m = meanOf(s.map((r) => r.meanPai));
          if (m !== null) tuningScore.set(`${c.name}|${cs}|${h}`, m);
        }
      }
      log(`${category}: tuned cell size ${cs} ft`);
    }
    const selected: Record<string, Record<string, SelectedConfig>> = {};
    const defaults: Record<string, SelectedConfig> = {};
    for (const h of horizons) {
      const perFamily: Record<string, SelectedConfig> = {};
      for (const c of configs) for (const cs of cellSizes) {
        const s = tuningScore.get(`${c.name}|${cs}|${h}`);
        if (s === undefined) continue;
        const cur = perFamily[c.family];
        if (cur === undefined || s > cur.tuningMeanPai) perFamily[c.family] = { model: c.name, family: c.family, baseline: c.baseline, cellSize: cs, tuningMeanPai: s };
      }
      selected[h] = perFamily;
      const best = Object.values(perFamily).filter((s) => !s.baseline).sort((a, b) => b.tuningMeanPai - a.tuningMeanPai)[0];
      if (best !== undefined) defaults[h] = best;
    }
    result.selected[category] = selected;
    result.defaults[category] = defaults;

    // Stage 2: the chosen configurations on the test windows.
    for (const h of horizons) {
      const chosen = Object.values(selected[h] ?? {});
      for (const cs of new Set(chosen.map((c) => c.cellSize))) {
        const setup = setups.get(cs)!;
        const here = chosen.filter((c) => c.cellSize === cs);
        const windows = windowsFor(testOrigins, h, loaded.lastDay);
        const rows = backtestPlaces({ events: loaded.events, grid: setup.grid, candidates: setup.candidates, studyArea: sa.area, budgets: setup.budgets }, windows, here.map((c) => ({ name: c.model, model: modelConfig(c.model).create() })));
        for (const s of summariseBacktest(rows)) {
          const c = here.find((x) => x.model === s.model)!;
          const paiByWindow = windows.map((w) => rows.find((r) => r.model === s.model && r.budget === s.budget && r.window === w.label)?.scores?.pai ?? null);
          result.test.push({ ...s, category, family: c.family, cellSize: cs, baseline: c.baseline, paiByWindow });
        }
      }
      log(`${category}: tested horizon ${h}`);
    }
  }
  (result as { markdown: string }).markdown = backtestMarkdown(result);
  if (opts.outJson !== undefined) writeFileSync(opts.outJson, JSON.stringify(result, null, 1));
  if (opts.outMarkdown !== undefined) writeFileSync(opts.outMarkdown, result.markdown);
  if (opts.outDefaults !== undefined) writeDefaultsFile(result, opts.outDefaults);
  return result;
}

/** The file the NIJ mode reads: the chosen default per crime type and horizon, and its test scores beside the baselines'. */
export interface PlaceForecastDefaultsFile {
  readonly generatedBy: string;
  readonly tuneOrigins: readonly string[];
  readonly testOrigins: readonly string[];
  readonly defaults: BacktestResult['defaults'];
  /** category -> horizon -> summary lines of the test (default model and every chosen baseline). */
  readonly backtest: Record<string, Record<string, { model: string; family: string; baseline: boolean; cellSize: number; budget: string; windows: number; meanPai: number | null; meanPei: number | null }[]>>;
}

export function writeDefaultsFile(result: Pick<BacktestResult, 'tuneOrigins' | 'testOrigins' | 'defaults' | 'test'>, path: string): void {
  const backtest: PlaceForecastDefaultsFile['backtest'] = {};
  for (const r of result.test) {
    const byH = (backtest[r.category] ??= {});
    (byH[r.horizon] ??= []).push({ model: r.model, family: r.family, baseline: r.baseline, cellSize: r.cellSize, budget: r.budget, windows: r.windows, meanPai: r.meanPai, meanPei: r.meanPei });
  }
  const file: PlaceForecastDefaultsFile = { generatedBy: 'npx tsx bench/forecast/portland-backtest.ts (runBacktest)', tuneOrigins: result.tuneOrigins, testOrigins: result.testOrigins, defaults: result.defaults, backtest };
  writeFileSync(path, `${JSON.stringify(file, null, 1)}\n`);
}

const f2 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));

export function backtestMarkdown(r: BacktestResult): string {
  const lines: string[] = [];
  const overall = { def: [] as number[], hindsight: [] as number[], tuned: [] as number[] };
  const summary: string[] = ['| crime | horizon | default (model, cell ft) | default mean PAI | best baseline in hindsight | its mean PAI | baseline chosen on tuning windows | its mean PAI |', '|---|---|---|---|---|---|---|---|'];
  for (const category of Object.keys(r.categories)) {
    const info = r.categories[category]!;
    lines.push(`### ${category} (${info.events} calls in the study area; ${info.outsideStudyArea} outside it dropped)`, '');
    for (const h of Object.keys(r.selected[category] ?? {})) {
      const rows = r.test.filter((t) => t.category === category && t.horizon === h);
      const def = r.defaults[category]?.[h];
      lines.push(`#### ${category}, horizon ${h} (${rows[0]?.windows ?? 0} test windows${def === undefined ? '' : `; default: ${def.model}, ${def.cellSize} ft cells`})`, '');
      lines.push('| family | model | cell ft | PAI 0.25 | PAI 0.75 | PEI 0.25 | PEI 0.75 | PEI* 0.25 | hit rate 0.75 | tuning PAI |', '|---|---|---|---|---|---|---|---|---|---|');
      const fams = [...new Set(rows.map((x) => x.family))];
      let hindsight: { name: string; pai: number } | null = null;
      let tuned: { name: string; pai: number; tuning: number; family: string } | null = null;
      let defPai: number | null = null;
      for (const fam of fams) {
        const a = rows.find((x) => x.family === fam && x.budget === '0.25 sq mi');
        const b = rows.find((x) => x.family === fam && x.budget === '0.75 sq mi');
        if (a === undefined || b === undefined) continue;
        const sel = r.selected[category]?.[h]?.[fam];
        const mark = def !== undefined && def.family === fam ? ' (default)' : a.baseline ? ' (baseline)' : '';
        lines.push(`| ${fam}${mark} | ${a.model} | ${a.cellSize} | ${f2(a.meanPai)} | ${f2(b.meanPai)} | ${f2(a.meanPei)} | ${f2(b.meanPei)} | ${f2(a.meanPeiStar)} | ${f2(b.meanHitRate)} | ${f2(sel?.tuningMeanPai ?? null)} |`);
        const m = meanOf([a.meanPai, b.meanPai]);
        if (m === null) continue;
        const name = `${a.model} @${a.cellSize}`;
        if (a.baseline && (hindsight === null || m > hindsight.pai)) hindsight = { name, pai: m };
        if (a.baseline && sel !== undefined && (tuned === null || sel.tuningMeanPai > tuned.tuning)) tuned = { name, pai: m, tuning: sel.tuningMeanPai, family: fam };
        if (def !== undefined && def.family === fam) defPai = m;
      }
      lines.push('');
      if (def !== undefined && defPai !== null && hindsight !== null && tuned !== null) {
        const pct = (x: number, y: number): string => `${x > y ? '+' : ''}${(((x - y) / y) * 100).toFixed(1)}%`;
        const perWindow = (fam: string): (number | null)[] => {
          const x = rows.filter((q) => q.family === fam);
          const n = Math.max(...x.map((q) => q.paiByWindow?.length ?? 0), 0);
          return Array.from({ length: n }, (_, i) => meanOf(x.map((q) => q.paiByWindow?.[i] ?? null)));
        };
        const dw = perWindow(def.family), bw = perWindow(tuned.family);
        let ahead = 0, behind = 0;
        dw.forEach((v, i) => { const b = bw[i]; if (v !== null && b !== null && b !== undefined) { if (v > b) ahead++; else if (v < b) behind++; } });
        const signP = signTestTwoSided(ahead, behind);
        lines.push(`Default mean PAI (both budgets) ${defPai.toFixed(2)}; best baseline in hindsight ${hindsight.name} ${hindsight.pai.toFixed(2)} (${pct(defPai, hindsight.pai)}); baseline chosen on the tuning windows ${tuned.name} ${tuned.pai.toFixed(2)} (${pct(defPai, tuned.pai)}); window by window the default is ahead of it in ${ahead}, behind in ${behind} (two-sided sign test p = ${signP < 0.001 ? '< 0.001' : signP.toFixed(3)}).`, '');
        summary.push(`| ${category} | ${h} | ${def.model}, ${def.cellSize} | ${defPai.toFixed(2)} | ${hindsight.name} | ${hindsight.pai.toFixed(2)} | ${tuned.name} | ${tuned.pai.toFixed(2)} |`);
        overall.def.push(defPai); overall.hindsight.push(hindsight.pai); overall.tuned.push(tuned.pai);
      }
    }
  }
  if (overall.def.length > 0) {
    const d = meanOf(overall.def)!, b = meanOf(overall.hindsight)!, t = meanOf(overall.tuned)!;
    const wins = overall.def.filter((x, i) => x > overall.hindsight[i]!).length;
    summary.push('', `Over the ${overall.def.length} crime type x horizon cells: default mean PAI ${d.toFixed(2)}; best baseline in hindsight ${b.toFixed(2)} (${(((d - b) / b) * 100).toFixed(1)}%; the default is ahead in ${wins} of ${overall.def.length}); baseline chosen on the tuning windows ${t.toFixed(2)} (${(((d - t) / t) * 100).toFixed(1)}%).`, '');
    return [...summary, '', ...lines].join('\n');
  }
  return lines.join('\n');
}

/** Two-sided exact sign test (binomial, p = 1/2) of `a` successes against `b` failures; ties dropped. */
export function signTestTwoSided(a: number, b: number): number {
  const n = a + b;
  if (n === 0) return 1;
  const k = Math.min(a, b);
  let p = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= k; i++) {
    p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * p) / 2 ** n);
}
