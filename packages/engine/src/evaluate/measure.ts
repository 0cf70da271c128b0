/**
 * A security measure to evaluate, as the analyst declares it (JSON file for the CLI, body of the API
 * request): what was done, where, from when, and where to look for comparison and displacement.
 * Areas are districts (names as in the shipped geography), H3 cells, or GeoJSON polygons; the server
 * resolves them to incidents.
 */
import { z } from 'zod';
import type { Result, FieldIssue } from '../domain/errors.js';

export const MEASURE_TYPES = ['checkpoint', 'operation', 'patrol-plan', 'camera-coverage', 'curfew', 'other'] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD');

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z.array(position).min(4);
export const MeasurePolygonSchema = z.strictObject({
  type: z.literal('Polygon'),
  coordinates: z.array(ring).min(1),
});

/** One set of areas: exactly one of districts, h3 cells, polygons. */
export const AreaSetSchema = z.strictObject({
  districts: z.array(z.string().min(1)).min(1).optional(),
  h3: z.array(z.string().regex(/^[0-9a-f]{15}$/, 'expected an H3 cell index')).min(1).optional(),
  polygons: z.array(MeasurePolygonSchema).min(1).optional(),
}).refine((a) => [a.districts, a.h3, a.polygons].filter((v) => v !== undefined).length === 1, {
  message: 'give exactly one of districts, h3 or polygons',
});
export type AreaSet = z.infer<typeof AreaSetSchema>;

export const MeasureSchema = z.strictObject({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(300),
  type: z.enum(MEASURE_TYPES),
  description: z.string().max(5000).optional(),
  treated: AreaSetSchema,
  /** First day of the measure (Pakistan time). Its month is the first post-period month. */
  start: isoDate,
  /** Last day, when the measure ended; the post period stops at its month. */
  end: isoDate.optional(),
  /** Comparison areas; omitted: the other districts of the treated areas' province, matched on pre-period level and trend. */
  comparison: AreaSetSchema.optional(),
  /** Buffer areas for displacement or diffusion of benefits. */
  buffer: AreaSetSchema.optional(),
  /** Months before the start used as the pre-period. Default 36. */
  preMonths: z.number().int().min(6).max(240).optional(),
  /** Months after the start (capped by `end` and by the data). Default 12. */
  postMonths: z.number().int().min(1).max(120).optional(),
  /** Which incidents count as the outcome: category codes and/or groups of the taxonomy. */
  outcome: z.strictObject({
    categories: z.array(z.string().min(1)).optional(),
    groups: z.array(z.string().min(1)).optional(),
  }).optional(),
  /** How many comparison districts to keep when matching. Default 5. */
  matchComparisons: z.number().int().min(1).max(100).optional(),
  /** Declares that the measure is a made-up example (shown in every output). */
  illustrative: z.boolean().optional(),
}).refine((m) => m.end === undefined || m.end >= m.start, { message: 'end is before start', path: ['end'] });
export type Measure = z.infer<typeof MeasureSchema>;

/** Parses a measure declaration; never throws. */
export function parseMeasure(value: unknown): Result<Measure> {
  const r = MeasureSchema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issues: FieldIssue[] = r.error.issues.map((i) => ({ field: i.path.join('.') || '(measure)', message: i.message }));
  return { ok: false, error: issues };
}
