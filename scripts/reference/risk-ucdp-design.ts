/**
 * Writes the training design of the area risk index on real data for the R reference
 * (scripts/reference/risk-ridge-poisson-ucdp.R): UCDP GED Balochistan districts, half-year periods,
 * 40 periods ending 2022-01-01, through the same buildRiskInputs as `baseerat risk`. Rows are
 * (district, origin) for every origin with a full history window; columns the raw factors
 * (intensity, harm, trend, nearRepeat) and the outcome (incidents in the period).
 * Run: TZ=UTC npx tsx scripts/reference/risk-ucdp-design.ts > packages/server/test/fixtures/reference/risk-ucdp-design.json
 */
import { factorNames, firstFullOrigin, observedAt, riskFactorsAt } from '../../packages/engine/src/index.js';
import { ingestOne } from '../../packages/server/src/cli/services.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { buildRiskInputs } from '../../packages/server/src/risk/risk-service.js';
import { openStore } from '../../packages/server/src/store/index.js';

const store = await openStore(':memory:');
await ingestOne(store, new URL('../../data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv', import.meta.url).pathname, { format: 'ucdp', quiet: true, receivedAt: '2026-01-01T00:00:00.000Z' });
const inp = await buildRiskInputs({ store, geography: loadGeography() }, { filter: { province: 'Balochistan', to: '2022-01-01' }, level: 'district', period: 'half-year', historyPeriods: 40 });
await store.close();
const { panel } = inp;
const names = factorNames(panel);
const p = names.length;
const x: number[] = [], y: number[] = [];
const first = firstFullOrigin(panel);
for (let t = first; t < panel.nPeriods; t++) {
  const f = riskFactorsAt(panel, t);
  const o = observedAt(panel, t);
  for (let a = 0; a < panel.areas.length; a++) {
    for (let j = 0; j < p; j++) x.push(f[a * p + j]!);
    y.push(o.count[a]!);
  }
}
process.stdout.write(JSON.stringify({
  generator: 'scripts/reference/risk-ucdp-design.ts',
  data: 'UCDP GED Balochistan, districts, half-years, 40 periods to 2022-01-01',
  factors: names, firstOrigin: first, endOrigin: panel.nPeriods, areas: panel.areas.length, n: y.length, p, x, y,
}) + '\n');
