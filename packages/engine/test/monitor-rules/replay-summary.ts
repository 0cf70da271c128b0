/**
 * Prints the replay of the example rule set over UCDP Balochistan 1989-2021: alerts by rule, alerts
 * per month, and per year. Run: TZ=UTC npx tsx packages/engine/test/monitor-rules/replay-summary.ts
 */
import { EXAMPLE_RULES, EXAMPLE_WATCH_ZONES } from '../../src/monitor/rules/example-rules.js';
import { parseRuleSet } from '../../src/monitor/rules/rule-engine.js';
import { replayAlerts } from '../../src/monitor/rules/replay.js';
import { parseWatchZones } from '../../src/monitor/rules/watch-zone.js';
import { loadUcdpBalochistan } from './ucdp.js';

const incidents = loadUcdpBalochistan();
const z = parseWatchZones(EXAMPLE_WATCH_ZONES);
if (!z.ok) throw new Error(JSON.stringify(z.error));
const rs = parseRuleSet(EXAMPLE_RULES, z.value.zones);
if (!rs.ok) throw new Error(JSON.stringify(rs.error));
for (const s of [360]) {
  const r = replayAlerts(incidents, rs.value, { suppressionMinutes: s });
  const span = incidents.map((i) => i.occurredAt.slice(0, 10)).sort();
  console.log(`${span[0]} to ${span[span.length - 1]}; suppression ${s} min (rules may set their own): ${incidents.length} incidents, ${r.months} months, ${r.candidates} candidates, ${r.opened} alerts, ${r.suppressed} suppressed`);
  for (const [rule, n] of Object.entries(r.byRule)) {
    const months = Object.values(r.byRuleMonth[rule] ?? {});
    console.log(`  ${rule.padEnd(24)} ${String(n).padStart(4)} alerts  ${(n / r.months).toFixed(3)}/month  months with any ${months.length}  max in a month ${Math.max(0, ...months)}`);
  }
  if (s === 360) {
    const years = new Map<string, number>();
    for (const a of r.alerts) years.set(a.openedAt.slice(0, 4), (years.get(a.openedAt.slice(0, 4)) ?? 0) + 1);
    console.log('  by year:', [...years].map(([y, n]) => `${y} ${n}`).join(', '));
    const rules = Object.keys(r.byRule);
    console.log(`| year | ${rules.join(' | ')} |`);
    console.log(`|---|${rules.map(() => '---:').join('|')}|`);
    for (const y of [...years.keys()].sort()) {
      const row = rules.map((rule) => Object.entries(r.byRuleMonth[rule] ?? {}).filter(([m]) => m.startsWith(y)).reduce((n, [, x]) => n + x, 0));
      console.log(`| ${y} | ${row.join(' | ')} |`);
    }
    console.log('  caveats:', r.caveats.map((c) => c.message).join('; '));
  }
}
