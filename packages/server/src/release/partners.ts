/**
 * Research partners and their agreements: who may receive which kinds of release, under which
 * licence, until when, and with what total privacy budget (ε).
 *
 * Persistence: the agreements are a reviewed JSON file (like the Cedar policies), validated by zod
 * with strict objects; `loadPartnersFile(path)`. The budget *spent* is not stored beside it: it is
 * summed from the audit trail's `release.approve` entries (outcome success), which are hash-chained
 * and checkpointed, so spending cannot be rolled back by editing one table.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BaseeratError, ClassificationSchema, type Result, type FieldIssue } from '@baseerat/engine';
import type { AuditStore } from '../security/audit-log.js';
import { decodeAuditEntry } from '../security/audit-log.js';

export const RELEASE_KINDS = ['aggregate', 'microdata'] as const;
export type ReleaseKind = (typeof RELEASE_KINDS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const PartnerSchema = z.strictObject({
  /** Stable id used on the command line and in the audit trail. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and hyphens'),
  name: z.string().min(1),
  contact: z.string().min(1),
  agreement: z.strictObject({
    reference: z.string().min(1),
    signed: isoDate,
    /** Last day (inclusive, UTC) on which a release may be made. */
    expires: isoDate,
  }),
  /** Total ε this partner may receive over the life of the agreement (sequential composition). */
  epsilonBudget: z.number().positive().max(20),
  kinds: z.array(z.enum(RELEASE_KINDS)).min(1),
  /** Only incidents at or below this level are ever released to the partner. */
  maxClassification: ClassificationSchema.default('UNCLASSIFIED'),
  /** Provinces the partner may receive (canonical names); all when absent. */
  provinces: z.array(z.string().min(1)).min(1).optional(),
  microdata: z.strictObject({
    k: z.number().int().min(5).default(10),
    l: z.number().int().min(2).default(2),
  }).default({ k: 10, l: 2 }),
  licence: z.string().min(1).default('Baseerat Research Data Licence 1.0'),
});
export type Partner = z.infer<typeof PartnerSchema>;

export const PartnersFileSchema = z.strictObject({
  partners: z.array(PartnerSchema),
}).superRefine((f, ctx) => {
  const ids = new Set<string>();
  f.partners.forEach((p, i) => {
    if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['partners', i, 'id'], message: `partner id ${p.id} appears twice` });
    ids.add(p.id);
    if (p.agreement.expires < p.agreement.signed) ctx.addIssue({ code: 'custom', path: ['partners', i, 'agreement', 'expires'], message: 'expires before it was signed' });
  });
});
export type PartnersFile = z.infer<typeof PartnersFileSchema>;

/** Parses a partners file without throwing. */
export function parsePartners(json: unknown): Result<PartnersFile> {
  const r = PartnersFileSchema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issues: FieldIssue[] = r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  return { ok: false, error: issues };
}

/** Reads and validates a partners JSON file; throws CONFIG naming the first bad field. */
export function loadPartnersFile(path: string): PartnersFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new BaseeratError('CONFIG', `partners file ${path} cannot be read as JSON`, { field: 'partners', cause });
  }
  const r = parsePartners(json);
  if (!r.ok) {
    const first = r.error[0]!;
    throw new BaseeratError('CONFIG', `partners file ${path}: ${first.field}: ${first.message}`, { field: first.field, details: { issues: r.error.length } });
  }
  return r.value;
}

export function findPartner(file: PartnersFile, id: string): Partner {
  const p = file.partners.find((x) => x.id === id);
  if (p === undefined) throw new BaseeratError('NOT_FOUND', `partner ${JSON.stringify(id)} is not in the partners file`, { field: 'partner' });
  return p;
}

/** ε already spent by a partner: the sum over successful `release.approve` entries of the audit trail. */
export async function epsilonSpent(audit: AuditStore, partnerId: string): Promise<number> {
  const size = await audit.size();
  let spent = 0;
  for (let from = 0; from < size; from += 5000) {
    for (const row of await audit.read(from, Math.min(size, from + 5000))) {
      const e = decodeAuditEntry(row.entry);
      if (e.action !== 'release.approve' || e.outcome !== 'success' || e.details === undefined) continue;
      if (e.details['partner'] !== partnerId) continue;
      const eps = e.details['epsilon'];
      if (typeof eps === 'number' && eps > 0) spent += eps;
    }
  }
  return spent;
}
