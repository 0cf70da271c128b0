/**
 * `baseerat forecast places|backtest|counts|counts-backtest`: place forecasts (NIJ challenge mode, from
 * a file, no store), their Portland backtest, and probabilistic district count forecasts from the store.
 */
import type { Command } from 'commander';
import { runForecastPlacesCommand } from '../../forecast/forecast-places.js';
import { runBacktest } from '../../forecast/backtest-runner.js';
import { runCountForecast } from '../../forecast/counts-service.js';
import { runCountBacktest } from '../../forecast/counts-backtest.js';
import { dbPath, referencePath } from '../config.js';
import { formatTable, printJson } from '../output.js';

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

export function registerForecast(program: Command): void {
  const forecast = program.command('forecast').description('Forecast incidents by place (where next) and by district (how many), honestly backtested');

  forecast
    .command('places')
    .description('NIJ challenge mode: flag cells for a window from a Portland NIJ CSV, using only events before the origin')
    .requiredOption('--input <file>', 'NIJ calls-for-service CSV (e.g. data/reference/portland-nij/portland_cfs_burglary_2012-03_2017-02.csv)')
    .option('--format <format>', 'input format', 'portland-nij')
    .requiredOption('--origin <date>', 'first day of the window, yyyy-MM-01')
    .requiredOption('--horizon <h>', '1w | 2w | 1m | 2m | 3m')
    .option('--rules <rules>', 'scoring rules', 'nij')
    .option('--category <c>', 'burglary | theft-of-auto (default: from the file name)')
    .option('--model <name>', 'model (default: the cross-validated default for the category and horizon)')
    .option('--cell-size <ft>', 'cell side in feet (250 to 600)')
    .option('--area <sqmi>', 'flagged area in square miles (0.25 to 0.75)')
    .option('--geojson <file>', 'write the flagged cells as GeoJSON polygons in the input\'s coordinates (EPSG:2913 feet)')
    .option('--json', 'print the result as JSON')
    .action((o: { input: string; format: string; origin: string; horizon: string; rules: string; category?: string; model?: string; cellSize?: string; area?: string; geojson?: string; json?: boolean }) => {
      if (o.format !== 'portland-nij') throw new Error(`--format ${o.format}: only portland-nij is supported by the NIJ mode`);
      runForecastPlacesCommand({
        input: o.input, format: 'portland-nij', origin: o.origin, horizon: o.horizon, rules: 'nij',
        ...(o.category === undefined ? {} : { category: o.category }),
        ...(o.model === undefined ? {} : { model: o.model }),
        ...(o.cellSize === undefined ? {} : { cellSize: Number(o.cellSize) }),
        ...(o.area === undefined ? {} : { areaSqMi: Number(o.area) }),
        ...(o.geojson === undefined ? {} : { output: o.geojson }),
        ...(o.json === true ? { json: true } : {}),
      });
    });

  forecast
    .command('backtest')
    .description('Portland NIJ backtest: choose models on tuning origins, score every model beside the baselines on later origins (takes minutes)')
    .option('--categories <list>', 'burglary,theft-of-auto')
    .option('--horizons <list>', '1w,2w,1m,2m,3m')
    .option('--out-json <file>', 'write the full result as JSON')
    .option('--out-markdown <file>', 'write the tables as Markdown')
    .option('--out-defaults <file>', 'write the selected defaults (the NIJ mode reads packages/server/src/forecast/place-forecast-defaults.json)')
    .action((o: { categories?: string; horizons?: string; outJson?: string; outMarkdown?: string; outDefaults?: string }) => {
      const r = runBacktest({
        dataDir: referencePath('portland-nij'),
        ...(o.categories === undefined ? {} : { categories: list(o.categories) as never }),
        ...(o.horizons === undefined ? {} : { horizons: list(o.horizons) as never }),
        ...(o.outJson === undefined ? {} : { outJson: o.outJson }),
        ...(o.outMarkdown === undefined ? {} : { outMarkdown: o.outMarkdown }),
        ...(o.outDefaults === undefined ? {} : { outDefaults: o.outDefaults }),
        log: (l) => console.error(l),
      });
      console.log(r.markdown);
    });

  forecast
    .command('counts')
    .description('Predictive distribution of incident counts for every district of a province, from incidents before the origin')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .requiredOption('--province <name>', 'province, e.g. Balochistan')
    .option('--unit <unit>', 'district', 'district')
    .option('--period <p>', 'month | week', 'month')
    .requiredOption('--origin <period>', 'first forecast period: YYYY-MM (months) or YYYY-MM-DD (weeks)')
    .option('--horizon <n>', 'periods ahead, 1 to 3', '1')
    .option('--model <name>', 'model (default: chosen on backtests before the origin)')
    .option('--json', 'print as JSON, with P(count = k) for every district')
    .action(async (o: { db?: string; province: string; unit: string; period: string; origin: string; horizon: string; model?: string; json?: boolean }) => {
      const r = await runCountForecast({
        db: dbPath(o.db), province: o.province, unit: 'district', period: o.period as 'month' | 'week', origin: o.origin,
        horizon: Number(o.horizon), ...(o.model === undefined ? {} : { model: o.model as never }),
      });
      if (o.json === true) return printJson(r);
      for (const h of r.horizons) {
        console.log(`\n${o.province}, ${h.period} (horizon ${h.horizon}): predicted incidents per district, model ${h.model}`);
        // which model won the backtest before the origin, by how much, and whether its intervals held
        if (h.selection !== undefined) console.log(h.selection.statement);
        console.log(formatTable(['district', 'mean', 'median', '50% interval', '90% interval'], h.districts.map((d) => [
          d.district, Number(d.mean.toFixed(2)), d.median, `${d.interval50[0]}-${d.interval50[1]}`, `${d.interval90[0]}-${d.interval90[1]}`,
        ])));
      }
    });

  forecast
    .command('counts-backtest')
    .description('Rolling-origin backtest of the district count models beside the VIEWS benchmarks (MAE, CRPS, log score, coverage)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .requiredOption('--province <name>', 'province')
    .option('--period <p>', 'month | week', 'month')
    .requiredOption('--from <period>', 'first origin')
    .requiredOption('--to <period>', 'last origin')
    .option('--horizons <list>', 'e.g. 1,2,3', '1')
    .option('--json', 'print as JSON')
    .action(async (o: { db?: string; province: string; period: string; from: string; to: string; horizons: string; json?: boolean }) => {
      const r = await runCountBacktest({
        db: dbPath(o.db), province: o.province, period: o.period as 'month' | 'week', from: o.from, to: o.to,
        horizons: (list(o.horizons) ?? ['1']).map(Number),
      });
      if (o.json === true) return printJson(r);
      console.log(r.table);
    });
}
