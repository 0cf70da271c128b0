/**
 * `baseerat allocate`: place K units with a coverage radius to reach the most expected harm of the
 * next period (risk index as demand), against the plans a staff officer would draw, with each
 * site's coverage probability under a randomised schedule; the same service as `POST /api/allocation`.
 */
import type { Command } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { allocationService, type AllocationResult } from '../../risk/allocation-service.js';
import { formatTable, printJson } from '../output.js';
import { int, list, num } from '../flags.js';
import { mixText, pkDate, r2, riskOptionsOf, runWithStore, withRiskOptions, type RiskFlags } from './risk.js';


function minimums(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(.+)=(\d+)$/.exec(part);
    if (m === null) throw new BaseeratError('VALIDATION', `--min-per-district is District=n,District=n, got ${JSON.stringify(part)}`, { field: 'minUnitsPerDistrict' });
    out[m[1]!.trim()] = Number(m[2]);
  }
  return out;
}

export function registerAllocate(program: Command): void {
  withRiskOptions(program.command('allocate').description('Place K units (coverage radius) to reach the most expected harm next period; compare with proportional and uniform plans; randomised schedule'))
    .requiredOption('--units <k>', 'units to place', int('units', 1, 500))
    .requiredOption('--radius-km <km>', 'straight-line reach of a unit, km', num('radius-km', 0.1, 500))
    .option('--mandatory <ids>', 'sites always staffed (area ids: district names or H3 cells)', list)
    .option('--exclude <ids>', 'sites never staffed', list)
    .option('--min-per-district <rules>', 'District=n,District=n', undefined)
    .option('--unpredictability <a>', '0 = the greedy plan every day, 1 = coverage proportional to risk reached', num('unpredictability', 0, 1), 0.5)
    .option('--seed <s>', 'seed of the schedule draws', 'allocation')
    .action(async (o: RiskFlags & { units: number; radiusKm: number; mandatory?: string[]; exclude?: string[]; minPerDistrict?: string; unpredictability: number; seed: string }) => {
      const mins = minimums(o.minPerDistrict);
      const env = await runWithStore(o, (ctx) => allocationService(ctx, {
        ...riskOptionsOf(o), units: o.units, radiusKm: o.radiusKm, unpredictability: o.unpredictability, seed: o.seed,
        ...(o.mandatory === undefined ? {} : { mandatorySiteIds: o.mandatory }),
        ...(o.exclude === undefined ? {} : { excludedSiteIds: o.exclude }),
        ...(mins === undefined ? {} : { minUnitsPerDistrict: mins }),
      }));
      if (o.json === true) return printJson(env);
      const r = env.result as unknown as AllocationResult;
      console.log(`[${env.classification}] Allocation of ${r.units} units, reach ${r.radiusKm} km, for ${pkDate(r.scoredPeriod.from)} to ${pkDate(r.scoredPeriod.to, true)} (Pakistan time)`);
      console.log(`Demand: the risk index's expected ${env.parameters['target'] === 'harm' ? 'harm' : 'incidents'} of every area, total ${r2(r.totalExpected)}. Data mix: ${mixText(r.dataMix)}${r.feedbackLoopCorrection ? '; discovered incidents down-weighted by patrol dosage' : ''}.\n`);
      console.log('Greedy maximal-covering plan (order placed, marginal gain = what that unit adds):');
      console.log(formatTable(['#', 'site', 'district', 'band', 'gain'], r.plans.greedy.sites.map((s, i) => [i + 1, s.id, s.district ?? '-', s.band ?? '-', r2(s.marginalGain ?? 0, 3)])));
      const rows: (string | number)[][] = [['greedy', r2(r.plans.greedy.covered), `${r2(100 * r.plans.greedy.coveredShare, 1)}%`]];
      if (r.plans.exact !== undefined) rows.push([`exact${r.plans.exact.provenOptimal ? ' (proven optimal)' : ' (node budget hit)'}`, r2(r.plans.exact.covered), `${r2(100 * r.plans.exact.covered / Math.max(r.totalExpected, 1e-300), 1)}%`]);
      rows.push(['proportional to past incidents', r2(r.plans.proportional.covered), `${r2(100 * r.plans.proportional.coveredShare, 1)}%`]);
      rows.push(['uniform across districts', r2(r.plans.uniform.covered), `${r2(100 * r.plans.uniform.coveredShare, 1)}%`]);
      console.log('\n' + formatTable(['plan', 'expected covered', 'share'], rows));
      console.log(`\nGreedy / proportional = ${r.ratios.greedyOverProportional === null ? '-' : r2(r.ratios.greedyOverProportional)}; greedy / uniform = ${r.ratios.greedyOverUniform === null ? '-' : r2(r.ratios.greedyOverUniform)}.`);
      const s = r.schedule;
      console.log(`\nRandomised schedule (unpredictability ${s.unpredictability}): expected covered ${r2(s.expectedCovered)} over ${s.draws} draws, price of unpredictability ${r2(100 * s.priceOfUnpredictability, 1)}%. Coverage probability per site (top 15 of ${s.coverage.length}):`);
      console.log(formatTable(['site', 'district', 'P(staffed)'], s.coverage.slice(0, 15).map((c) => [c.id, c.district ?? '-', r2(c.probability, 3)])));
      if (env.caveats.length > 0) { console.log('\nCaveats:'); for (const c of env.caveats) console.log(`- ${c.message}`); }
      console.log(`\n[${env.classification}]`);
    });
}
