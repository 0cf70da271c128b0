/**
 * `baseerat release`: a de-identified research release for a university partner, under its privacy
 * budget (docs/research-releases.md); `baseerat release-budgets`: what each partner has spent.
 * The audit trail is both the record of every release and the budget ledger, so the command opens
 * the store together with the security tables.
 */
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { loadPartnersFile, partnerBudgets, ReleaseRequestBodySchema, runRelease, toReleaseRequest } from '../../release/index.js';
import { formatTable, printJson } from '../output.js';
import { withEmbedded } from './serve.js';

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));
const actor = () => ({ id: `cli:${userInfo().username}`, from: `cli@${hostname()}` });

interface ReleaseOptions {
  partner: string; kind: string; epsilon?: string; from: string; to: string; provinces?: string; levels?: string;
  time?: string; category?: string; microTime?: string; place?: string; h3Resolution?: string; sensitive?: string;
  partners: string; out: string; approvedBy?: string; purpose?: string; db?: string; json?: boolean;
}

export function registerRelease(program: Command): void {
  program
    .command('release')
    .description('Write a de-identified research release for a partner (aggregate counts under differential privacy, or k-anonymous microdata), recorded in the audit trail and charged to the partner\'s budget')
    .requiredOption('--partner <id>', 'partner id in the partners file')
    .requiredOption('--kind <kind>', 'aggregate | microdata')
    .option('--epsilon <e>', 'privacy budget to spend (aggregate releases)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD')
    .option('--provinces <list>', 'provinces to release (default: the partner\'s)')
    .option('--levels <list>', 'aggregate levels: total,province,district')
    .option('--time <t>', 'aggregate period: month | week')
    .option('--category <c>', 'aggregate categories: group | all')
    .option('--micro-time <t>', 'microdata time generalisation: week | month | quarter | year')
    .option('--place <p>', 'microdata place generalisation: district | h3 | province')
    .option('--h3-resolution <n>', 'microdata H3 resolution (at most 7)')
    .option('--sensitive <a>', 'l-diversity attribute: category | casualty_band')
    .requiredOption('--partners <file>', 'partners file (JSON)')
    .requiredOption('--out <dir>', 'release directory to create (must not exist)')
    .option('--approved-by <id>', 'who approves the release (default: the operating-system user)')
    .option('--purpose <text>', 'study name or purpose, for the manifest and the audit trail')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--json', 'print the summary as JSON')
    .action(async (o: ReleaseOptions) => {
      const parsed = ReleaseRequestBodySchema.safeParse({
        partner: o.partner, kind: o.kind,
        ...(o.epsilon === undefined ? {} : { epsilon: Number(o.epsilon) }),
        period: { from: o.from, to: o.to },
        ...(o.provinces === undefined ? {} : { provinces: list(o.provinces) }),
        ...(o.kind === 'aggregate' ? { groupings: { ...(o.levels === undefined ? {} : { levels: list(o.levels) }), ...(o.time === undefined ? {} : { time: o.time }), ...(o.category === undefined ? {} : { category: o.category }) } } : {}),
        ...(o.kind === 'microdata' ? { microdata: { ...(o.microTime === undefined ? {} : { time: o.microTime }), ...(o.place === undefined ? {} : { place: o.place }), ...(o.h3Resolution === undefined ? {} : { h3Resolution: Number(o.h3Resolution) }), ...(o.sensitive === undefined ? {} : { sensitive: o.sensitive }) } } : {}),
        ...(o.purpose === undefined ? {} : { purpose: o.purpose }),
      });
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        throw new BaseeratError('VALIDATION', `${i.path.join('.')}: ${i.message}`, { field: i.path.join('.') });
      }
      const by = o.approvedBy === undefined ? actor() : { id: o.approvedBy, from: actor().from };
      const summary = await withEmbedded(o.db, true, (e) => runRelease({
        ...toReleaseRequest(parsed.data, o.out, by), db: e.store, audit: e.security.audit, partners: o.partners,
      }));
      if (o.json === true) return printJson(summary);
      console.log(JSON.stringify(summary, null, 2));
    });

  program
    .command('release-budgets')
    .description('Each partner\'s privacy budget: agreed, spent (from the audit trail) and remaining')
    .requiredOption('--partners <file>', 'partners file (JSON)')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--json', 'print as JSON')
    .action(async (o: { partners: string; db?: string; json?: boolean }) => {
      const budgets = await withEmbedded(o.db, true, (e) => partnerBudgets({ audit: e.security.audit, partners: loadPartnersFile(o.partners) }));
      if (o.json === true) return printJson(budgets);
      console.log(formatTable(['partner', 'name', 'kinds', 'budget ε', 'spent ε', 'remaining ε', 'agreement expires'], budgets.map((b) => [
        b.id, b.name, b.kinds.join(', '), b.epsilonBudget, b.epsilonSpent, b.epsilonRemaining, b.agreementExpires,
      ])));
    });
}
