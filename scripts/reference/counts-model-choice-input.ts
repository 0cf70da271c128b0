/**
 * Input of the model-choice reference check: the province panel a count forecast is made from (the
 * periods no feed covers cut out, as the service does) and the engine's choice, i.e. every candidate's
 * mean CRPS, MAE and 50/90% coverage on the 24 origins before the forecast origin (horizon 1).
 *
 * Run: npx tsx scripts/reference/counts-model-choice-input.ts <store.duckdb> <origin YYYY-MM> <out.json>
 * Then: python3 scripts/reference/counts-model-choice-check.py <out.json>
 */
import { writeFileSync } from 'node:fs';
import { parseOrigin } from '@baseerat/engine/forecast/counts/index';
import { openStore } from '../../packages/server/src/store/index.js';
import { leaveOutUncovered, loadProvinceCountPanel, runCountForecast } from '../../packages/server/src/forecast/counts-service.js';

const [db, originLabel, out] = process.argv.slice(2);
if (db === undefined || originLabel === undefined || out === undefined) throw new Error('usage: counts-model-choice-input.ts <store.duckdb> <origin YYYY-MM> <out.json>');
const store = await openStore(db);
try {
  const origin = parseOrigin(originLabel, 'month');
  const loaded = await loadProvinceCountPanel(store, { province: 'Balochistan', period: 'month', beforePeriod: origin });
  const cut = await leaveOutUncovered(store, loaded.panel, origin);
  const f = await runCountForecast({ db: store, province: 'Balochistan', period: 'month', origin: originLabel, horizon: 1, backtestOrigins: 0 });
  writeFileSync(out, JSON.stringify({ U: cut.panel.units.length, T: cut.panel.nPeriods, counts: Array.from(cut.panel.counts), leftOut: cut.leftOut, selection: f.horizons[0]!.selection }));
  console.log(`${out}: ${cut.panel.units.length} districts x ${cut.panel.nPeriods} months (left out: ${cut.leftOut.join(', ') || 'none'}), chosen ${f.horizons[0]!.model}`);
} finally {
  await store.close();
}
