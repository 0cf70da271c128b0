/**
 * The release request as it arrives at the API or CLI edge (zod, strict: unknown keys are refused).
 * `out` and `approvedBy` are not part of it: the server chooses the directory and takes the approver
 * from the authenticated session.
 */
import { z } from 'zod';
import type { ReleaseRequest } from './approve-release.js';
import { RELEASE_KINDS } from './partners.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const level = z.enum(['total', 'province', 'district']);

export const ReleaseRequestBodySchema = z.strictObject({
  partner: z.string().min(1),
  kind: z.enum(RELEASE_KINDS),
  epsilon: z.number().positive().max(20).optional(),
  period: z.strictObject({ from: isoDate, to: isoDate }),
  provinces: z.array(z.string().min(1)).min(1).optional(),
  groupings: z.strictObject({
    levels: z.array(level).min(1).optional(),
    levelEpsilon: z.strictObject({ total: z.number().positive().optional(), province: z.number().positive().optional(), district: z.number().positive().optional() }).optional(),
    time: z.enum(['month', 'week']).optional(),
    category: z.enum(['group', 'all']).optional(),
  }).optional(),
  microdata: z.strictObject({
    time: z.enum(['week', 'month', 'quarter', 'year']).optional(),
    place: z.enum(['district', 'h3', 'province']).optional(),
    h3Resolution: z.number().int().min(0).max(7).optional(),
    sensitive: z.enum(['category', 'casualty_band']).optional(),
  }).optional(),
  purpose: z.string().max(500).optional(),
});
export type ReleaseRequestBody = z.infer<typeof ReleaseRequestBodySchema>;

/** Drops keys whose value is undefined, recursively (zod's optional output vs exactOptionalPropertyTypes). */
function defined<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, defined(x)])) as T;
}

/** A validated body plus what the server supplies, as the service's request. */
export function toReleaseRequest(body: ReleaseRequestBody, out: string, approvedBy: { id: string; from: string }): ReleaseRequest {
  return { ...(defined(body) as Omit<ReleaseRequest, 'out' | 'approvedBy'>), out, approvedBy };
}
