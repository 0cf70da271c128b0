/**
 * Acceptance figure of issue 2: for UCDP events with where_prec 1-2, the district the UCDP adapter
 * assigns at ingest (from the coordinates, or the named adm_2 when the point contradicts it by more
 * than 25 km) against UCDP's own adm_2. Prints scope, events, agreeing, share, share counting
 * successors of split districts.
 *
 *   npx tsx scripts/acceptance/ucdp-district-agreement-at-ingest.ts
 */
import { readCsv, repoPath, context } from '../../packages/server/test/ingest/adapters/helpers.js';
import { ucdpAdapter } from '../../packages/server/src/ingest/adapters/ucdp.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
const rows = readCsv(repoPath('data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv'), { skipRowsAfterHeader: 1 });
const ctx = context('ucdp', undefined); const geo = loadGeography(); ctx.geocoder = geo;
for (const scope of ['Balochistan province', undefined]) {
let n = 0, same = 0, succ = 0;
for (const [i, r] of rows.entries()) {
  if (scope !== undefined && r.adm_1 !== scope) continue;
  if (!['1', '2'].includes(r.where_prec ?? '')) continue;
  const adm2 = r.adm_2 ?? '', adm1 = r.adm_1 ?? '';
  const x = ucdpAdapter.toReport(r, '', i, ctx); if (!x.ok) continue;
  n++;
  const det = geo.resolveDistrictDetailed(adm2, adm1);
  const named = geo.resolveDistrict(adm2, adm1);
  if (named?.district === x.value.location.district) same++;
  else if ((det as { candidates?: { district: string }[] } | undefined)?.candidates?.some((c) => c.district === x.value.location.district)) succ++;
}
console.log(scope, n, same, (same/n).toFixed(4), ((same+succ)/n).toFixed(4));
}
