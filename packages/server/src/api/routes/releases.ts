/**
 * Research releases over the API (issue 11): each partner's privacy budget, and approving a release.
 * The service (`release/approve-release.ts`) does the checks, the building, the independent check
 * and the audit entry `release.approve` (which is also what spends the budget); this module only
 * authorises, picks the directory and maps refusals to problems.
 *
 * Who: whoever Cedar allows `approveRelease` (policies/roles.cedar; today the commander role), on
 * an Aggregate labelled with what the release may contain: the partner's classification ceiling
 * and every district of the provinces released, plus the unknown district (a release counts
 * unplaced incidents too). A denial is audited by the AccessGate, like every other route.
 *
 * Configuration: both the partners file and the releases directory must be given (`baseerat serve
 * --partners FILE [--releases-dir DIR]`); without them every route answers 404 problem+json.
 */
import { randomBytes } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BaseeratError } from '@baseerat/engine';
import {
  approveRelease, findPartner, loadPartnersFile, partnerBudgets, placeDirectory, RELEASE_KINDS, ReleaseRequestBodySchema, toReleaseRequest,
  type PartnersFile, type PlaceDirectory,
} from '../../release/index.js';
import { UNKNOWN_DISTRICT, type SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const PartnerBudgetSchema = z.object({
  id: z.string(), name: z.string(), kinds: z.array(z.enum(RELEASE_KINDS)),
  epsilonBudget: z.number(), epsilonSpent: z.number(), epsilonRemaining: z.number(), agreementExpires: z.string(),
}).meta({ id: 'PartnerBudget' });

const ReleaseSummarySchema = z.object({
  releaseId: z.string(),
  dir: z.string().describe('where the release directory is on the server (under the releases directory), named by the release id'),
  kind: z.enum(RELEASE_KINDS),
  partner: z.string(),
  epsilon: z.number(),
  budget: z.object({ total: z.number(), spentBefore: z.number(), spentAfter: z.number(), remaining: z.number() }),
  rows: z.number().int(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().int(), sha256: z.string() })),
  manifest: z.record(z.string(), z.unknown()).describe('the manifest.json written with the release'),
}).meta({ id: 'ReleaseSummary' });

/** The label of "any release at all": the least a principal must be allowed before anything is read. */
const ANY_RELEASE: SecurityLabel = { classification: 'UNCLASSIFIED', compartments: [], districts: [] };

const notConfigured = () => new BaseeratError('NOT_FOUND', 'releases are not configured on this server (start it with --partners FILE)', { field: 'partners' });

export const releaseRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  let places: PlaceDirectory | undefined;
  const config = (): { partners: PartnersFile; dir: string } => {
    if (deps.partners === undefined || deps.releasesDir === undefined) throw notConfigured();
    // A path is read on every request: the file is reviewed and edited like the policies, and a new
    // agreement should not need a restart. A bad file is a CONFIG error (500, detail in the log).
    return { partners: typeof deps.partners === 'string' ? loadPartnersFile(deps.partners) : deps.partners, dir: deps.releasesDir };
  };
  const may = async (req: Parameters<typeof authOf>[0], target: string, label: SecurityLabel, t: Date): Promise<void> => {
    const { gate } = authOf(req);
    if (!(await gate.check('approveRelease', { kind: 'Aggregate', id: target, label }, t))) {
      throw new BaseeratError('FORBIDDEN', `role ${gate.principal.role} may not approveRelease (${target})`, { field: 'role' });
    }
  };

  app.get('/api/releases/budgets', {
    schema: {
      tags: ['releases'], summary: "Each research partner's privacy budget: agreed, spent (from the audit trail) and remaining",
      response: { 200: z.object({ partners: z.array(PartnerBudgetSchema) }), ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req) => {
    const t = now();
    const { partners } = config();
    await may(req, 'releases', ANY_RELEASE, t);
    return { partners: await partnerBudgets({ audit: deps.security.audit, partners }) };
  });

  app.post('/api/releases', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['releases'],
      summary: 'Approve and write a research release for a partner (the approver is the session\'s user); refused with 403 when the budget, the agreement or the independent checker says no',
      body: ReleaseRequestBodySchema,
      response: { 201: ReleaseSummarySchema, ...PROBLEMS, 404: ProblemSchema, 409: ProblemSchema },
    },
  }, async (req, reply) => {
    const t = now();
    const { partners, dir } = config();
    const body = req.body;
    // Checked before the partner is looked up, so that someone who may not release learns nothing
    // about which partners exist.
    await may(req, `release:${body.partner}`, ANY_RELEASE, t);
    const partner = findPartner(partners, body.partner);
    places ??= placeDirectory();
    const provinces = body.provinces ?? partner.provinces ?? ['Balochistan'];
    const districts = new Set<string>([UNKNOWN_DISTRICT]);
    for (const p of provinces) for (const d of places.find((x) => x.name === p)?.districts ?? []) districts.add(d);
    await may(req, `release:${partner.id}`, { classification: partner.maxClassification, compartments: [], districts: [...districts].sort() }, t);

    const { principal } = authOf(req);
    // The service refuses an existing directory and moves a finished one into place atomically; a
    // hidden name first, renamed to the release id (which only the service knows) once it is done.
    const incoming = join(dir, `.incoming-${randomBytes(8).toString('hex')}`);
    let summary;
    try {
      summary = await approveRelease(
        { store: deps.store, audit: deps.security.audit, partners, places, now: t },
        toReleaseRequest(body, incoming, { id: principal.id, from: req.ip }),
      );
    } catch (e) {
      // The checker's refusal is recorded by the service (outcome failure); to the caller it is a refusal like the budget's.
      if (e instanceof BaseeratError && e.code === 'VALIDATION' && e.field === 'data.csv') throw new BaseeratError('FORBIDDEN', e.message, { field: 'data.csv' });
      throw e;
    }
    const final = join(dir, summary.releaseId);
    await rename(summary.dir, final);
    return reply.code(201).send({ ...summary, dir: final });
  });
};
