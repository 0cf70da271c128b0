/**
 * `baseerat monitor replay`: runs a rule set over the stored history as if each incident had
 * arrived live at its own time, and prints the alerts that would have fired per rule and per
 * month: how a rule set is tuned before it pages anyone (engine `replayAlerts`).
 */
import type { Command } from 'commander';
import { replayAlerts } from '@baseerat/engine';
import { monitorIncidentsFromColumns } from '../../monitor/live-monitor.js';
import { loadRuleSet } from '../../monitor/rule-config.js';
import { formatTable, printJson } from '../output.js';
import { withEmbedded } from './serve.js';

export function registerMonitor(program: Command): void {
  const monitor = program.command('monitor').description('Live monitoring: replay a rule set over history');
  monitor
    .command('replay')
    .description('Alerts a rule set would have raised over the stored incidents (per rule, per month)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--rules <file>', 'alert rules (JSON array; default the example Balochistan rules)')
    .option('--zones <file>', 'watch zones (GeoJSON; default the example zones)')
    .option('--from <iso>', 'first occurredAt (inclusive, ISO UTC)')
    .option('--to <iso>', 'last occurredAt (exclusive, ISO UTC)')
    .option('--districts <list>', 'comma-separated districts')
    .option('--json', 'print the full result (alerts included) as JSON')
    .action(async (o: { db?: string; rules?: string; zones?: string; from?: string; to?: string; districts?: string; json?: boolean }) => {
      const ruleSet = loadRuleSet({ rules: o.rules, zones: o.zones });
      const cols = await withEmbedded(o.db, false, (e) => e.store.readColumns({
        ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }),
        ...(o.districts === undefined ? {} : { districts: o.districts.split(',').map((d) => d.trim()) }),
      }));
      const r = replayAlerts(monitorIncidentsFromColumns(cols), ruleSet);
      if (o.json === true) return printJson(r);
      console.log(`${cols.length} incidents over ${r.months} months: ${r.opened} alerts opened, ${r.suppressed} re-triggers suppressed`);
      console.log(formatTable(['rule', 'alerts', 'per month'], Object.entries(r.byRule).map(([id, n]) => [id, n, r.months === 0 ? 0 : Number((n / r.months).toFixed(2))])));
      for (const c of r.caveats) console.log(`note: ${c.message}`);
      if (ruleSet.rules.some((x) => x.kind === 'category' && x.targetTypes !== undefined)) console.log('note: stored columns carry no target type: rules on target types are not replayed here');
    });
}
