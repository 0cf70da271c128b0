/**
 * `baseerat risk`: the area risk index of districts or H3 cells for the period after the data, each
 * with the factors' contributions, its band and the data mix; the same service as `GET /api/risk`.
 * Terrain layers are GeoJSON files the analyst gives (`--layer roads=roads.geojson`,
 * `--layer checkpoints=cp.geojson:density:10`); patrol dosage a JSON object of area -> share.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BaseeratError, KARACHI_OFFSET_MS } from '@baseerat/engine';
import type { AnalysisContext } from '../../analysis/analysis-request.js';
import { loadGeography } from '../../reference/geography.js';
import { riskService, RISK_PERIODS, type RiskResult, type RiskServiceOptions } from '../../risk/risk-service.js';
import { parseTerrainLayer, TerrainLayerSpecSchema, type TerrainLayer } from '../../risk/terrain-layers.js';
import { formatTable, printJson } from '../output.js';
import { filterOf, int, list, type FilterFlags } from '../flags.js';
import { withStore } from '../services.js';

export interface RiskFlags extends FilterFlags {
  level: 'district' | 'h3';
  res: number;
  period: keyof typeof RISK_PERIODS;
  history: number;
  target: 'count' | 'harm';
  perCapita?: boolean;
  layer?: string[];
  patrolShare?: string;
  top: number;
  json?: boolean;
}

const repeat = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];


/** `name=file.geojson[:distance|density[:km]]` -> a parsed layer. */
export function parseLayerFlag(text: string): TerrainLayer {
  const m = /^([^=]+)=([^:]+)(?::(distance|density)(?::([0-9.]+))?)?$/.exec(text);
  if (m === null) throw new BaseeratError('VALIDATION', `--layer is name=file.geojson[:distance|density[:km]], got ${JSON.stringify(text)}`, { field: 'layer' });
  const spec = TerrainLayerSpecSchema.safeParse({ name: m[1], measure: m[3] ?? 'distance', ...(m[4] === undefined ? {} : { radiusKm: Number(m[4]) }) });
  if (!spec.success) throw new BaseeratError('VALIDATION', `--layer ${text}: ${spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { field: 'layer' });
  let json: unknown;
  try { json = JSON.parse(readFileSync(m[2]!, 'utf8')); } catch (e) {
    throw new BaseeratError('VALIDATION', `--layer ${m[1]}: cannot read ${m[2]} as JSON (${(e as Error).message})`, { field: 'layer' });
  }
  return parseTerrainLayer(spec.data, json);
}

export function readPatrolShare(file: string): Record<string, number> {
  let v: unknown;
  try { v = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new BaseeratError('VALIDATION', `--patrol-share: cannot read ${file} as JSON (${(e as Error).message})`, { field: 'patrolShare' });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'number' || !(x >= 0 && x <= 1))) {
    throw new BaseeratError('VALIDATION', `--patrol-share ${file} must be a JSON object of area -> share of patrol time in [0, 1]`, { field: 'patrolShare' });
  }
  return v as Record<string, number>;
}

export function withRiskOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--province <name>', 'only this province')
    .option('--district <names>', 'only these districts (comma-separated or repeated)', list)
    .option('--from <date>', 'history starts (YYYY-MM-DD, Pakistan time); default the first incident')
    .option('--to <date>', 'history ends and the scored period starts (a month start); default the month after the latest incident')
    .option('--group <groups>', 'only these category groups', list)
    .option('--category <codes>', 'only these taxonomy codes', list)
    .option('--max-classification <level>', 'only incidents at or below this level')
    .addOption(new Option('--level <level>', 'rank districts or H3 cells').choices(['district', 'h3']).default('district'))
    .option('--res <n>', 'H3 resolution for --level h3 (4-7; 5 is about 250 km^2)', int('res', 4, 7), 5)
    .addOption(new Option('--period <p>', 'calendar period of the model').choices(Object.keys(RISK_PERIODS)).default('quarter'))
    .option('--history <n>', 'most periods of history', int('history', 4, 400), 40)
    .addOption(new Option('--target <t>', 'what the index predicts').choices(['count', 'harm']).default('count'))
    .option('--per-capita', 'offset by census population; rates per 100,000 (districts)')
    .option('--layer <spec>', 'terrain layer name=file.geojson[:distance|density[:km]] (repeatable)', repeat)
    .option('--patrol-share <file>', 'JSON {area: share of patrol time}: down-weights incidents discovered by patrols (Ensign et al. 2018)')
    .option('--top <n>', 'areas listed', int('top', 1, 5000), 20)
    .option('--json', 'print the full result as JSON');
}

export function riskOptionsOf(o: RiskFlags): RiskServiceOptions {
  return {
    filter: filterOf(o), level: o.level, resolution: o.res, period: o.period, historyPeriods: o.history, target: o.target, top: o.top,
    ...(o.perCapita === true ? { perCapita: true } : {}),
    ...(o.layer === undefined ? {} : { layers: o.layer.map(parseLayerFlag) }),
    ...(o.patrolShare === undefined ? {} : { patrolShare: readPatrolShare(o.patrolShare) }),
  };
}

export async function runWithStore<T>(o: { db?: string }, fn: (ctx: AnalysisContext) => Promise<T>): Promise<T> {
  return withStore(o.db, (store) => fn({ store, geography: loadGeography() }));
}

export const pkDate = (iso: string, inclusiveEnd = false): string => new Date(Date.parse(iso) + KARACHI_OFFSET_MS - (inclusiveEnd ? 1 : 0)).toISOString().slice(0, 10);
export const r2 = (v: number, d = 2): number => Number(v.toFixed(d));

export function mixText(m: { public: number; discovered: number; unknown: number }): string {
  return `${m.public} reported by the public, ${m.discovered} discovered by patrols, ${m.unknown} unknown`;
}

export function registerRisk(program: Command): void {
  withRiskOptions(program.command('risk').description('Area risk index: districts or H3 cells ranked by expected incidents next period, with each factor\'s contribution, calibrated bands and the data mix'))
    .action(async (o: RiskFlags) => {
      const env = await runWithStore(o, (ctx) => riskService(ctx, riskOptionsOf(o)));
      if (o.json === true) return printJson(env);
      const r = env.result as unknown as RiskResult;
      console.log(`[${env.classification}] Risk index, ${r.level === 'h3' ? `H3 cells (resolution ${r.resolution})` : 'districts'}: ${env.filter.districts?.join(', ') ?? env.filter.province ?? 'all provinces'}`);
      console.log(`Scored period ${pkDate(r.scoredPeriod.from)} to ${pkDate(r.scoredPeriod.to, true)} (Pakistan time), from ${r.periods.count} ${r.period} periods since ${pkDate(r.periods.from)}.`);
      console.log(`Data mix: ${mixText(r.dataMix)}${r.feedbackLoopCorrection ? '; discovered incidents down-weighted by patrol dosage' : ''}.`);
      console.log(`Model: ridge Poisson, lambda ${r.model.lambda} chosen on held-out periods; rate ratio per standard deviation: ${r.model.factors.map((f) => `${f.name} ${f.used ? r2(f.rateRatioPerSd) : '(constant)'}`).join(', ')}.`);
      console.log(`${bandsText(r.model.thresholds, r.model.target === 'harm' ? 'harm' : 'incidents', r.period)}; areas: ${Object.entries(r.bandCounts).map(([b, n]) => `${b} ${n}`).join(', ')}.\n`);
      const names = r.model.factors.map((f) => f.name);
      // Outside the training range the RR against the training average is an extrapolation (x78,846 on the demo at 2024-04): show it against this period's average area instead.
      const outside = r.levelAdjustment !== undefined && r.levelAdjustment !== 1;
      console.log(formatTable(['rank', 'area', 'district', 'expected', ...(r.model.perCapita ? ['per 100k'] : []), 'band', `past ${r.pastPeriods}`, ...names.map((n) => `RR ${n}`), 'public/disc/unk'], r.top.map((a) => [
        rankText(a), a.id, a.district ?? '-', r2(a.expected), ...(r.model.perCapita ? [a.per100k === undefined ? '-' : r2(a.per100k)] : []), a.band, r2(a.pastIncidents, 1),
        ...a.factors.map((f, j) => factorText(outside ? { ...f, relativeRisk: a.factorsVsAverage[j]?.relativeRisk ?? f.relativeRisk } : f)), `${a.dataMix.public}/${a.dataMix.discovered}/${a.dataMix.unknown}`,
      ])));
      const level = outside ? ` x level adjustment ${r2(r.levelAdjustment, 4)} (a factor lies outside the range the model was trained on: the period total is set to the most recent covered period's, see the caveats)` : '';
      console.log(outside
        ? `\nRR = relative risk from the factor against this period's average area (the scored factors lie outside the range the model was trained on, so against the training average they would be extrapolations); expected = baseline x product of the RR against the training average${level}.`
        : '\nRR = relative risk from the factor against an area at the training average (exp of coefficient x standardised value); expected = baseline x product of RR.');
      if (r.top.some((a) => a.uncertain || a.factors.some((f) => !f.known || f.lowCoverage))) {
        console.log('n/k = the factor is not known (too little of its time is covered by a feed); * = it rests on little covered time; a rank "4 (2-9)" could be anywhere in that range for what is not known.');
      }
      if (env.caveats.length > 0) { console.log('\nCaveats:'); for (const c of env.caveats) console.log(`- ${c.message}`); }
      console.log(`\n[${env.classification}]`);
    });
}

/** The rank, with the ranks it could take when it rests on periods no feed covers. */
function rankText(a: { rank: number; rankRange: [number, number]; uncertain: boolean }): string {
  return a.uncertain && a.rankRange[0] !== a.rankRange[1] ? `${a.rank} (${a.rankRange[0]}-${a.rankRange[1]})` : a.uncertain ? `${a.rank} *` : String(a.rank);
}

/** A factor's relative risk, 'n/k' when it is not known and '*' when it rests on little covered time. */
function factorText(f: { relativeRisk: number; known: boolean; lowCoverage: boolean }): string {
  return !f.known ? 'n/k' : f.lowCoverage ? `${r2(f.relativeRisk)}*` : String(r2(f.relativeRisk));
}

/** The band thresholds in words, on the scale they were calibrated on (see engine risk-bands.ts). */
function bandsText(t: { severe: number; high: number; elevated: number; scale?: string }, what: string, period: string): string {
  const pct = (x: number) => `${Math.round(Math.max(0, 1 - x) * 100)}%`;
  if (t.scale === 'share') {
    return `Bands (ranked by expected ${what}): severe = the top areas until ${pct(t.severe)} of the ${period}'s expected total, high until ${pct(t.high)}, elevated until ${pct(t.elevated)}, low the rest`;
  }
  if (t.scale === 'ratio') {
    return `Bands (expected ${what} / mean area): severe >= ${r2(t.severe, 2)}x, high >= ${r2(t.high, 2)}x, elevated >= ${r2(t.elevated, 2)}x`;
  }
  return `Bands (expected ${what} per ${period}): severe >= ${r2(t.severe, 3)}, high >= ${r2(t.high, 3)}, elevated >= ${r2(t.elevated, 3)}`;
}
