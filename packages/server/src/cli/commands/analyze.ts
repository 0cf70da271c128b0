/**
 * `baseerat analyze trends|seasonality|hotspots|emerging|near-repeat|actors|aggregate`: the pattern
 * analyses over the store, as readable tables (default), JSON (--json), CSV (--csv FILE) and, for maps,
 * GeoJSON (--geojson FILE). A thin layer over server/analysis: the numbers are the services'.
 * Dates given as YYYY-MM-DD are Pakistan dates (midnight PKT); --to is exclusive.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BaseeratError, KARACHI_OFFSET_MS, mergeCaveats, type Caveat } from '@baseerat/engine';
import {
  actorsCsv, actorsService, aggregateCsv, aggregateGeoJSON, aggregateService, emergingCsv, emergingGeoJSON, emergingHotspotsService,
  hotspotsCsv, hotspotsGeoJSON, hotspotsService, nearRepeatCsv, nearRepeatService, seasonalityCsv, seasonalityService, trendsCsv, trendsService,
  type AnalysisContext, type FilterEcho,
} from '../../analysis/index.js';
import { loadDistrictsGeoJSON, loadGeography } from '../../reference/geography.js';
import { formatTable, printJson } from '../output.js';
import { createProgress } from '../progress.js';
import { filterOf, int, list, num, type FilterFlags } from '../flags.js';
import { withStore } from '../services.js';

interface CommonFlags extends FilterFlags {
  json?: boolean;
  csv?: string;
  quiet?: boolean;
}

function numbers(name: string, text: string): number[] {
  const out = text.split(',').map((s) => Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isFinite(n) || n < 0)) throw new BaseeratError('VALIDATION', `--${name} needs comma-separated non-negative numbers, got ${JSON.stringify(text)}`, { field: name });
  return out;
}

/** `--bands 1,5,10,25/7,14,30,60`: space band edges in km, then time band edges in days. */
export function parseBands(text: string): { spaceBandsMetres: number[]; timeBandsDays: number[] } {
  const parts = text.split('/');
  if (parts.length !== 2) throw new BaseeratError('VALIDATION', `--bands is "km,km,.../days,days,...", e.g. 1,5,10,25/7,14,30,60, got ${JSON.stringify(text)}`, { field: 'bands' });
  return { spaceBandsMetres: numbers('bands', parts[0]!).map((km) => km * 1000), timeBandsDays: numbers('bands', parts[1]!) };
}

function withCommon(cmd: Command, opts: { csv?: boolean } = {}): Command {
  cmd
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--province <name>', 'only this province (any spelling the gazetteer knows)')
    .option('--district <names>', 'only these districts (comma-separated or repeated)', list)
    .option('--from <date>', 'occurred on or after (YYYY-MM-DD, Pakistan time, or ISO date-time)')
    .option('--to <date>', 'occurred before (exclusive)')
    .option('--group <groups>', 'only these category groups: terrorism, crime, public_order, security_operations', list)
    .option('--category <codes>', 'only these taxonomy codes, e.g. TI.CLASH', list)
    .option('--max-classification <level>', 'only incidents at or below UNCLASSIFIED | RESTRICTED | CONFIDENTIAL | SECRET')
    .option('--json', 'print the full result as JSON')
    .option('-q, --quiet', 'no progress display');
  if (opts.csv !== false) cmd.option('--csv <file>', 'write the result table as CSV');
  return cmd;
}

/** Opens the store and the geography, with progress on stderr unless --json or --quiet. */
async function run<T>(o: CommonFlags, fn: (ctx: AnalysisContext) => Promise<T>): Promise<T> {
  const progress = createProgress({ quiet: o.quiet === true || o.json === true });
  return withStore(o.db, (store) => fn({
    store,
    geography: loadGeography(),
    onProgress: (e) => {
      if (e.phase === 'start') progress.start(e.total ?? 1, e.label);
      else if (e.phase === 'progress') progress.update(e.done ?? 0, `${e.done ?? 0}/${e.total ?? '?'}`);
      else progress.stop();
    },
  }));
}

function writeOut(file: string | undefined, text: string, what: string): void {
  if (file === undefined) return;
  writeFileSync(file, text);
  process.stderr.write(`wrote ${what} to ${file}\n`);
}

/** Pakistan date of an ISO instant; `inclusiveEnd` shows the last day of a window ending at that instant. */
function pkDate(iso: string, inclusiveEnd = false): string {
  return new Date(Date.parse(iso) + KARACHI_OFFSET_MS - (inclusiveEnd ? 1 : 0)).toISOString().slice(0, 10);
}

function scope(f: FilterEcho): string {
  const parts = [f.districts?.join(', ') ?? f.province ?? 'all provinces'];
  if (f.groups !== undefined) parts.push(f.groups.join(', '));
  if (f.categories !== undefined) parts.push(f.categories.join(', '));
  if (f.maxClassification !== undefined) parts.push(`up to ${f.maxClassification}`);
  return parts.join('; ');
}

const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
/** Rounded number (right-aligned in tables) or '-'. */
const round = (v: number | null | undefined, digits = 2): number | string => (v === null || v === undefined ? '-' : Number(v.toFixed(digits)));
const fmtP = (p: number | null | undefined): string => (p === null || p === undefined ? '-' : p < 0.001 ? '<0.001' : p.toFixed(3));

function printHeader(classification: string, title: string): void {
  console.log(`[${classification}] ${title}`);
}

/** The caveats, each fact once (engine mergeCaveats): a merged one as its fact, then what follows from it, indented. */
function printCaveats(caveats: readonly { code?: string; message: string }[], classification: string): void {
  const said: Caveat[] = [];
  // the envelope's caveats are its JSON-safe copies: the same fields (periods' numbers are finite)
  for (const c of mergeCaveats(caveats.map((x) => ({ ...x, code: x.code ?? '' }) as Caveat))) if (!said.some((x) => x.message === c.message)) said.push(c);
  if (said.length > 0) {
    console.log('\nCaveats:');
    for (const c of said) {
      const parts = c.merged ?? [];
      if (parts.length < 2) { console.log(`- ${c.message}`); continue; }
      console.log(`- ${parts[0]!.message}; for the same reason:`);
      for (const m of parts.slice(1)) console.log(`    - ${m.then ?? m.message}`);
    }
  }
  console.log(`\n[${classification}]`);
}

function giBinLabel(bin: number | null | undefined): string {
  if (bin === null || bin === undefined || bin === 0) return 'not significant';
  return `${bin > 0 ? 'hot' : 'cold'} ${[90, 95, 99][Math.abs(bin) - 1]}%`;
}

export function registerAnalyze(program: Command): void {
  const analyze = program.command('analyze').description('Pattern analyses over the store: trends, seasonality, hot spots, emerging hot spots, near repeat, actors, aggregates');

  withCommon(analyze.command('trends').description('Is the incident rate up or down? Window vs previous window and vs last year (exact Poisson test), per district (Benjamini-Hochberg), Mann-Kendall on the monthly series'))
    .addOption(new Option('--window <unit>', 'without --from/--to: the calendar unit holding the latest incident').choices(['month', 'quarter', 'year']).default('month'))
    .option('--months <n>', 'months in the Mann-Kendall series', int('months', 3), 36)
    .option('--top <n>', 'districts listed', int('top', 1), 15)
    .action(async (o: CommonFlags & { window: 'month' | 'quarter' | 'year'; months: number; top: number }) => {
      const env = await run(o, (ctx) => trendsService(ctx, { filter: filterOf(o), window: o.window, seriesMonths: o.months }));
      writeOut(o.csv, trendsCsv(env), 'per-district changes');
      if (o.json === true) return printJson(env);
      const w = env.annotations.window;
      printHeader(env.classification, `Trends: ${scope(env.filter)}`);
      console.log(`Window ${pkDate(w.from)} to ${pkDate(w.to, true)} (Pakistan time${w.chosen === 'default' ? `; the ${o.window} with the latest incident` : ''})\n`);
      console.log(`Against the previous window (${pkDate(w.previousFrom)} to ${pkDate(w.from, true)}): ${env.annotations.sentences.previous}`);
      console.log(`Against the same window a year earlier (${pkDate(w.lastYearFrom)} to ${pkDate(w.lastYearTo, true)}): ${env.annotations.sentences.lastYear}`);
      console.log(`Monthly series ${pkDate(w.seriesFrom).slice(0, 7)} to ${pkDate(w.to, true).slice(0, 7)}: ${env.annotations.sentences.trend ?? 'no trend test (see caveats)'}`);
      const areas = env.result.byDistrict.areas;
      if (areas.length > 0) {
        console.log(`\nBy district, against the previous window (${areas.length} districts; p adjusted by Benjamini-Hochberg across them):`);
        console.log(formatTable(['district', 'now', 'before', 'change', 'p', 'p adj', 'significant'], areas.slice(0, o.top).map((a) => [
          a.area, a.current.count ?? 0, a.baseline.count ?? 0, a.percentChange === null ? (a.current.count === 0 ? '-' : 'new') : `${a.percentChange >= 0 ? '+' : ''}${Math.round(a.percentChange)}%`,
          fmtP(a.pValue), fmtP(a.pAdjusted), a.significantAfterAdjustment ? 'yes' : 'no',
        ])));
      }
      printCaveats([...env.caveats, ...(env.result.comparison.previous?.caveats ?? []), ...(env.result.comparison.lastYear?.caveats ?? []), ...env.result.byDistrict.caveats, ...(env.result.trend?.caveats ?? [])], env.classification);
    });

  withCommon(analyze.command('seasonality').description('Hour, weekday, month and Hijri month profiles with exposure-adjusted chi-square tests'))
    .action(async (o: CommonFlags) => {
      const env = await run(o, (ctx) => seasonalityService(ctx, { filter: filterOf(o) }));
      writeOut(o.csv, seasonalityCsv(env), 'profiles');
      if (o.json === true) return printJson(env);
      const w = env.annotations.window;
      printHeader(env.classification, `Seasonality: ${scope(env.filter)}, ${pkDate(w.from)} to ${pkDate(w.to, true)} (Pakistan time)`);
      const all: { message: string }[] = [...env.caveats];
      for (const k of ['hour', 'weekday', 'month', 'hijriMonth'] as const) {
        const p = env.result[k];
        const t = p.test;
        const name = { hour: 'Hour of day', weekday: 'Day of week', month: 'Month', hijriMonth: `Hijri month (${env.result.hijriMethod})` }[k];
        console.log(`\n${name}: ${p.events ?? 0} incidents; ${t === null ? 'no test' : `chi-square ${fmt(t.statistic, 1)} on ${t.df} df, p ${fmtP(t.pValue)}, adjusted across the four profiles ${fmtP(t.pAdjusted)}${(t.pAdjusted ?? 1) < 0.05 ? ' (not flat)' : ' (consistent with flat)'}`}`);
        if ((p.events ?? 0) > 0) {
          console.log(formatTable(['', 'observed', 'expected', 'ratio', 'residual'], p.labels.map((l, i) => [
            l, p.observed[i] ?? 0, round(p.expected[i], 1), round(p.ratio[i]), round(p.residuals[i]),
          ])));
        }
        all.push(...p.caveats);
      }
      printCaveats(all, env.classification);
    });

  withCommon(analyze.command('hotspots').description('Getis-Ord Gi* hot and cold spots with FDR on H3 cells (or a square grid); optional Local Moran'))
    .option('--res <n>', 'H3 resolution 5-9 (5: about 15 km between cell centres, 7: 2 km, 9: 300 m)', int('res', 5, 9), 5)
    .option('--grid-metres <m>', 'square cells of this size instead of H3', num('grid-metres', 50))
    .option('--k <n>', 'neighbours: cells within k rings', int('k', 1, 10), 1)
    .option('--moran', 'also Local Moran\'s I with permutations')
    .option('--permutations <n>', 'Local Moran permutations', int('permutations', 99), 999)
    .option('--seed <n>', 'seed of the permutations', int('seed', 0), 12345)
    .option('--exact-only', 'leave out incidents located only within 25 km')
    .addOption(new Option('--measure <m>', 'analyse incident counts or harm (killed + 0.5 injured + 0.5 abducted)').choices(['count', 'harm']).default('count'))
    .option('--top <n>', 'hot cells listed', int('top', 1), 15)
    .option('--geojson <file>', 'write the study cells as GeoJSON polygons with their statistics')
    .action(async (o: CommonFlags & { res: number; gridMetres?: number; k: number; moran?: boolean; permutations: number; seed: number; exactOnly?: boolean; measure: 'count' | 'harm'; top: number; geojson?: string }) => {
      const env = await run(o, (ctx) => hotspotsService(ctx, {
        filter: filterOf(o), resolution: o.res, k: o.k, moran: o.moran === true, permutations: o.permutations, seed: o.seed,
        includeNear: o.exactOnly !== true, measure: o.measure, top: o.top, ...(o.gridMetres === undefined ? {} : { squareMetres: o.gridMetres }),
      }));
      writeOut(o.csv, hotspotsCsv(env), 'cells');
      if (o.geojson !== undefined) writeOut(o.geojson, JSON.stringify(hotspotsGeoJSON(env)), 'cell polygons');
      if (o.json === true) return printJson(env);
      const s = env.result.summary;
      const grid = o.gridMetres === undefined ? `H3 resolution ${o.res}` : `${o.gridMetres} m squares`;
      printHeader(env.classification, `Hot spots (Gi*, ${o.measure === 'harm' ? 'harm' : 'incident counts'}, ${grid}, ${o.k}-ring): ${scope(env.filter)}${env.filter.from === undefined ? '' : ` from ${pkDate(env.filter.from)}`}${env.filter.to === undefined ? '' : ` to ${pkDate(env.filter.to, true)}`}`);
      console.log(`${s.nBinned} of ${s.nEvents} incidents placed in ${s.nOccupiedCells} cells; study area ${s.nCells} cells.`);
      if (s.giStar !== undefined) {
        const [h99, h95, h90] = s.giStar.hotFdr, [c99, c95, c90] = s.giStar.coldFdr;
        console.log(`After FDR: hot cells ${h99} at 99%, ${h95} at 95%, ${h90} at 90%; cold cells ${c99} at 99%, ${c95} at 95%, ${c90} at 90%.`);
      }
      if (env.annotations.topHot.length > 0) {
        console.log(`\nHot cells, strongest first (district of the cell's centre; Gi* sums each cell with its neighbours, so a cell without incidents of its own can be hot):`);
        const headers = ['cell', 'district', 'centre', 'incidents', `with ${o.k}-ring`, ...(o.measure === 'harm' ? ['harm'] : []), 'z', 'p (FDR)', 'bin'];
        console.log(formatTable(headers, env.annotations.topHot.map((c) => {
          const row: (string | number)[] = [c.id, c.district ?? '(outside)', `${fmt(c.lat, 3)}, ${fmt(c.lon, 3)}`, c.count ?? 0, c.neighbourhoodCount ?? 0];
          if (o.measure === 'harm') row.push(c.value ?? 0);
          row.push(round(c.giZ), fmtP(c.giPFdr), giBinLabel(c.giBinFdr));
          return row;
        })));
      } else console.log('\nNo cell is a hot spot after the FDR correction.');
      if (s.lisa !== undefined) console.log(`\nLocal Moran clusters (permutation p <= 0.05, not FDR-adjusted): HH ${s.lisa.HH}, LL ${s.lisa.LL}, HL ${s.lisa.HL}, LH ${s.lisa.LH}, not significant ${s.lisa['not significant']}`);
      printCaveats(env.caveats, env.classification);
    });

  withCommon(analyze.command('emerging').description('Emerging hot spots: space-time Gi* on a monthly or weekly cube, Mann-Kendall per cell, 17 categories'))
    .addOption(new Option('--period <p>', 'time step').choices(['month', 'week']).default('month'))
    .option('--steps <n>', 'without --from/--to: steps ending with the latest incident (default 36 months or 52 weeks)', int('steps', 3))
    .option('--res <n>', 'H3 resolution 5-9', int('res', 5, 9), 5)
    .option('--k <n>', 'spatial neighbours: cells within k rings', int('k', 1, 10), 1)
    .option('--exact-only', 'leave out incidents located only within 25 km')
    .option('--top <n>', 'cells listed per category', int('top', 1), 10)
    .option('--geojson <file>', 'write the cells as GeoJSON polygons with their category')
    .action(async (o: CommonFlags & { period: 'month' | 'week'; steps?: number; res: number; k: number; exactOnly?: boolean; top: number; geojson?: string }) => {
      const env = await run(o, (ctx) => emergingHotspotsService(ctx, {
        filter: filterOf(o), period: o.period, resolution: o.res, k: o.k, includeNear: o.exactOnly !== true, ...(o.steps === undefined ? {} : { steps: o.steps }),
      }));
      writeOut(o.csv, emergingCsv(env), 'cells');
      if (o.geojson !== undefined) writeOut(o.geojson, JSON.stringify(emergingGeoJSON(env)), 'cell polygons');
      if (o.json === true) return printJson(env);
      const w = env.annotations.window;
      printHeader(env.classification, `Emerging hot spots (${o.period}ly, H3 resolution ${o.res}): ${scope(env.filter)}, ${env.annotations.steps[0]} to ${env.annotations.steps[env.annotations.steps.length - 1]} (${env.result.summary.nSteps} steps, ${pkDate(w.from)} to ${pkDate(w.to, true)})`);
      console.log(`${env.annotations.cube.nInCube} of ${env.annotations.cube.nEvents} incidents in the cube; ${env.result.summary.nCells} cells.\n`);
      const counts = Object.entries(env.result.summary.byCategory).filter(([, n]) => (n ?? 0) > 0);
      console.log(formatTable(['category', 'cells'], counts.map(([c, n]) => [c, n ?? 0])));
      const order = ['new hot spot', 'consecutive hot spot', 'intensifying hot spot', 'persistent hot spot', 'oscillating hot spot', 'diminishing hot spot', 'historical hot spot'];
      const listed = env.result.cells.filter((c) => order.includes(c.category))
        .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category) || (b.totalCount ?? 0) - (a.totalCount ?? 0));
      const shown = order.flatMap((cat) => listed.filter((c) => c.category === cat).slice(0, o.top));
      if (shown.length > 0) {
        console.log(`\nCells in the categories that call for attention (up to ${o.top} each, most incidents first):`);
        console.log(formatTable(['category', 'cell', 'district', 'incidents', 'hot steps', 'last 6 steps'], shown.map((c) => [
          c.category, c.id, env.annotations.districtOfCell[c.id] ?? '(outside)', c.totalCount ?? 0, c.status.filter((s) => s === 1).length,
          c.status.slice(-6).map((s) => (s === 1 ? 'H' : s === -1 ? 'C' : '.')).join(''),
        ])));
      }
      printCaveats(env.caveats, env.classification);
    });

  withCommon(analyze.command('near-repeat').description('Knox test: are incidents close in space also close in time more often than chance?'))
    .option('--bands <km/days>', 'space band edges in km / time band edges in days', '1,5,10,25/7,14,30,60')
    .option('--include-near', 'also use incidents located only within 25 km (unreliable in bands under 25 km)')
    .option('--permutations <n>', 'Monte Carlo permutations', int('permutations', 99), 999)
    .option('--seed <n>', 'seed of the permutations', int('seed', 0), 1)
    .action(async (o: CommonFlags & { bands: string; includeNear?: boolean; permutations: number; seed: number }) => {
      const bands = parseBands(o.bands);
      const env = await run(o, (ctx) => nearRepeatService(ctx, { filter: filterOf(o), ...bands, exactOnly: o.includeNear !== true, permutations: o.permutations, seed: o.seed }));
      writeOut(o.csv, nearRepeatCsv(env), 'Knox table');
      if (o.json === true) return printJson(env);
      const r = env.result;
      printHeader(env.classification, `Near repeat (Knox, ${r.permutations} permutations, seed ${r.seed}): ${scope(env.filter)}; ${r.events} incidents, ${(r.totalPairs ?? 0).toLocaleString('en-US')} pairs`);
      const significant = new Set(r.significantBands);
      console.log('\nObserved / expected pairs (* = excess significant after Benjamini-Hochberg at 5%; the far-far corner is never marked):');
      console.log(formatTable(['distance \\ time', ...r.timeLabels], r.spaceLabels.map((s, i) => [s, ...r.timeLabels.map((_, j) => {
        const ratio = r.ratio[i]?.[j];
        return ratio === null || ratio === undefined ? '-' : `${ratio.toFixed(2)}${significant.has(`${s} x ${r.timeLabels[j]}`) ? '*' : ''}`;
      })])));
      console.log('\nObserved pairs:');
      console.log(formatTable(['distance \\ time', ...r.timeLabels], r.spaceLabels.map((s, i) => [s, ...r.timeLabels.map((_, j) => r.observed[i]?.[j] ?? 0)])));
      console.log(`\nSignificant near-repeat bands: ${r.significantBands.length === 0 ? 'none' : r.significantBands.join('; ')}`);
      const t = r.repeatTargeting;
      console.log(`Repeat locations (identical coordinates): ${t.repeatLocations} places with ${t.incidentsAtRepeatLocations} incidents; median ${fmt(t.medianDaysToRepeat, 0)} days between repeats; same category in ${t.sameCategoryShare === null ? '-' : `${Math.round(t.sameCategoryShare * 100)}%`} of same-place pairs (${t.sameCategoryShareAllPairs === null ? '-' : `${Math.round(t.sameCategoryShareAllPairs * 100)}%`} of all pairs).`);
      printCaveats(env.caveats, env.classification);
    });

  withCommon(analyze.command('actors').description('Threat-actor profiles: activity, districts, tactics, lethality and change against the previous window'))
    .addOption(new Option('--window <unit>', 'without --from/--to: the calendar unit holding the latest incident').choices(['month', 'quarter', 'year']).default('year'))
    .option('--top <n>', 'actors listed', int('top', 1), 15)
    .action(async (o: CommonFlags & { window: 'month' | 'quarter' | 'year'; top: number }) => {
      const env = await run(o, (ctx) => actorsService(ctx, { filter: filterOf(o), window: o.window }));
      writeOut(o.csv, actorsCsv(env), 'actor profiles');
      if (o.json === true) return printJson(env);
      const w = env.annotations.window;
      printHeader(env.classification, `Threat actors: ${scope(env.filter)}, ${pkDate(w.from)} to ${pkDate(w.to, true)} against ${pkDate(w.previousFrom)} to ${pkDate(w.from, true)}`);
      const active = env.result.actors.filter((a) => (a.incidents ?? 0) > 0);
      console.log(formatTable(['actor', 'incidents', 'share', 'killed', 'killed/incident (95% CI)', 'before', 'change', 'p adj', 'main districts', 'main tactics'], active.slice(0, o.top).map((a) => [
        a.actor, a.incidents ?? 0, `${Math.round((a.share ?? 0) * 100)}%`, a.killed ?? 0,
        a.lethality === undefined || a.lethality === null ? '-' : `${fmt(a.lethality.perIncident, 1)} (${fmt(a.lethality.lower, 1)}-${fmt(a.lethality.upper, 1)})`,
        a.change.baseline.count ?? 0,
        a.change.percentChange === null ? (a.change.current.count === 0 ? '-' : 'new') : `${a.change.percentChange >= 0 ? '+' : ''}${Math.round(a.change.percentChange)}%`,
        `${fmtP(a.change.pAdjusted)}${a.change.significantAfterAdjustment ? ' *' : ''}`,
        a.districts.slice(0, 2).map((d) => `${d.name} ${d.count}`).join(', '),
        a.tactics.slice(0, 2).map((d) => `${d.name} ${d.count}`).join(', '),
      ])));
      const gone = env.result.actors.filter((a) => a.incidents === 0);
      if (gone.length > 0) console.log(`\nActive before but not in this window: ${gone.map((a) => `${a.actor} (${a.change.baseline.count})`).join(', ')}`);
      console.log('* change significant after Benjamini-Hochberg across actors at 5%');
      printCaveats(env.caveats, env.classification);
    });

  withCommon(analyze.command('aggregate').description('Counts and harm by district (or H3 cell) and period, with rates per 100,000 (census 2023)'))
    .addOption(new Option('--period <p>', 'rows per period').choices(['month', 'week', 'day', 'none']).default('month'))
    .option('--res <n>', 'H3 cells of this resolution (5-9) instead of districts', int('res', 5, 9))
    .option('--by-group', 'split rows by category group')
    .option('--top <n>', 'districts listed', int('top', 1), 20)
    .option('--geojson <file>', 'write district polygons (2023) with the window\'s totals and rates')
    .action(async (o: CommonFlags & { period: 'month' | 'week' | 'day' | 'none'; res?: number; byGroup?: boolean; top: number; geojson?: string }) => {
      if (o.geojson !== undefined && o.res !== undefined) throw new BaseeratError('VALIDATION', '--geojson draws districts: leave out --res', { field: 'geojson' });
      const env = await run(o, (ctx) => aggregateService(ctx, { filter: filterOf(o), period: o.period, byGroup: o.byGroup === true, ...(o.res === undefined ? {} : { space: { h3: o.res } }) }));
      writeOut(o.csv, aggregateCsv(env), `${env.result.rows.length} rows`);
      if (o.geojson !== undefined) writeOut(o.geojson, JSON.stringify(aggregateGeoJSON(env, loadDistrictsGeoJSON(env.filter.province), loadGeography())), 'district polygons');
      if (o.json === true) return printJson(env);
      const t = env.result.totals;
      printHeader(env.classification, `Aggregate: ${scope(env.filter)}${env.filter.from === undefined ? '' : ` from ${pkDate(env.filter.from)}`}${env.filter.to === undefined ? '' : ` to ${pkDate(env.filter.to, true)}`}`);
      console.log(`${t.count ?? 0} incidents counted (of ${env.result.eventsInWindow ?? 0} read), ${t.killed ?? 0} killed, ${t.injured ?? 0} injured, ${t.abducted ?? 0} abducted; harm ${fmt(t.harm, 1)} (weights killed ${env.result.harmWeights.killed}, injured ${env.result.harmWeights.injured}, abducted ${env.result.harmWeights.abducted}); ${env.result.rows.length} rows${o.period === 'none' ? '' : ` by ${o.period}`}.`);
      if (o.res === undefined) {
        console.log(`\nBy district over the whole window (rates per 100,000 residents, census 2023, over the window, not per year):`);
        console.log(formatTable(['district', 'incidents', 'killed', 'harm', 'population', 'incidents/100k', 'harm/100k'], env.annotations.districtTotals.slice(0, o.top).map((d) => [
          d.district, d.count ?? 0, d.killed ?? 0, round(d.harm, 1), d.population ?? '-', round(d.countPer100k), round(d.harmPer100k),
        ])));
      } else {
        const top = [...env.result.rows].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).slice(0, o.top);
        console.log(formatTable(['cell', 'period', 'group', 'incidents', 'killed', 'harm'], top.map((r) => [r.area ?? '', r.period ?? '', r.group ?? '', r.count ?? 0, r.killed ?? 0, fmt(r.harm, 1)])));
      }
      if (o.csv === undefined && o.period !== 'none') console.log(`\nThe ${env.result.rows.length} district x ${o.period} rows are in --json or --csv FILE.`);
      printCaveats(env.caveats, env.classification);
    });
}
