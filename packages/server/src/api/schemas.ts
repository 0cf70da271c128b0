/**
 * Shared zod schemas of the API's edges: query filters and the incident as a user may see it. The
 * same schemas validate requests and produce the OpenAPI document.
 */
import {
  CATEGORY_CODES, CATEGORY_GROUPS, ClassificationSchema, LinkSchema, LocationSchema, SeveritySchema, TimePrecisionSchema, REPORTING_MODES,
  CategoryCodeSchema, BaseeratError, type Geography,
} from '@baseerat/engine';
import { z } from 'zod';
import type { IncidentFilter } from '../store/port.js';

const isoUtc = z.iso.datetime({ offset: false });
const csv = (what: string) => z.string().max(4000).describe(`comma-separated ${what}`)
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

export const IncidentQuerySchema = z.strictObject({
  from: isoUtc.optional().describe('inclusive lower bound on occurredAt (ISO UTC)'),
  to: isoUtc.optional().describe('exclusive upper bound on occurredAt (ISO UTC)'),
  districts: csv('district names (2023 census; aliases accepted)').optional(),
  province: z.string().min(1).max(100).optional(),
  categories: csv(`category codes (${CATEGORY_CODES.slice(0, 3).join(', ')}...)`).pipe(z.array(CategoryCodeSchema)).optional(),
  groups: csv(`category groups (${CATEGORY_GROUPS.join(', ')})`).pipe(z.array(z.enum(CATEGORY_GROUPS))).optional(),
  agencies: csv('agency names').optional(),
  maxClassification: ClassificationSchema.optional(),
});
export type IncidentQuery = z.infer<typeof IncidentQuerySchema>;

export const PageQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Canonical district names (aliases and spellings resolved), or VALIDATION naming the one not known. */
export function canonicalDistricts(names: readonly string[] | undefined, geography: Geography): string[] | undefined {
  if (names === undefined || names.length === 0) return undefined;
  return [...new Set(names.map((n) => {
    const m = geography.resolveDistrict(n);
    if (m === undefined) throw new BaseeratError('VALIDATION', `districts: ${JSON.stringify(n)} is not a known district`, { field: 'districts' });
    return m.district;
  }))];
}

/** The non-scope part of a store filter (scope is added by `scopedFilter`). */
export function baseFilter(q: IncidentQuery, geography: Geography): IncidentFilter {
  const f: IncidentFilter = {};
  if (q.from !== undefined) f.from = q.from;
  if (q.to !== undefined) f.to = q.to;
  if (q.province !== undefined) {
    const p = geography.resolveProvince(q.province);
    if (p === undefined) throw new BaseeratError('VALIDATION', `province: ${JSON.stringify(q.province)} is not a known province`, { field: 'province' });
    f.provinces = [p];
  }
  if (q.categories !== undefined && q.categories.length > 0) f.categories = q.categories;
  if (q.groups !== undefined && q.groups.length > 0) f.groups = q.groups;
  if (q.agencies !== undefined && q.agencies.length > 0) f.agencies = q.agencies;
  return f;
}

export const SourceViewSchema = z.object({
  agency: z.string(),
  sourceId: z.string(),
  receivedAt: z.string(),
  format: z.string(),
  raw: z.string().optional().describe('the raw record; present only on GET /api/incidents/{id} for users allowed to read it (audited)'),
});

export const IncidentViewSchema = z.object({
  id: z.string(),
  occurredAt: z.string(),
  timePrecision: TimePrecisionSchema,
  reportedAt: z.string().optional(),
  location: LocationSchema,
  category: CategoryCodeSchema,
  severity: SeveritySchema,
  targetType: z.string().optional(),
  perpetrator: z.string().optional(),
  narrative: z.string().optional().describe('sensitive: present only when the policy allows; every read is audited'),
  classification: ClassificationSchema,
  reportingMode: z.enum(REPORTING_MODES),
  sources: z.array(SourceViewSchema),
  links: z.array(LinkSchema),
  withheld: z.array(z.string()).describe('sensitive fields present in the record but withheld from you'),
}).meta({ id: 'Incident' });
export type IncidentView = z.infer<typeof IncidentViewSchema>;
