/**
 * Incident and source-record schemas: one schema feeds ingest, the store, the API and OpenAPI.
 *
 * A `Report` is what one agency said about one event (one source record, normalised). An
 * `Incident` is the consolidated picture: one or more reports of the same event linked across
 * agencies, with the provenance of each and the link that joined them.
 *
 * Times are ISO-8601 strings in UTC (`2024-03-01T10:15:00.000Z`); a time known only to the day,
 * month or year says so in its precision and is stored at the start of that span (local time).
 */
import { z } from 'zod';
import { ClassificationSchema } from './classification.js';
import { CategoryCodeSchema } from './taxonomy.js';

export const TIME_PRECISIONS = ['exact', 'day', 'month', 'year'] as const;
export type TimePrecision = (typeof TIME_PRECISIONS)[number];
export const TimePrecisionSchema = z.enum(TIME_PRECISIONS);

/** exact: a point; near: within 25 km (UCDP where_prec 2); district / province: only the area is known. */
export const LOCATION_PRECISIONS = ['exact', 'near', 'district', 'province', 'unknown'] as const;
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number];
export const LocationPrecisionSchema = z.enum(LOCATION_PRECISIONS);

/** How the incident came to notice: reported by the public, or discovered by patrols / operations. */
export const REPORTING_MODES = ['public', 'discovered', 'unknown'] as const;
export type ReportingMode = (typeof REPORTING_MODES)[number];

const isoUtc = z.iso.datetime({ offset: false });

export const LocationSchema = z.strictObject({
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  precision: LocationPrecisionSchema,
  /** Canonical 2023-census district name (see geo/gazetteer). */
  district: z.string().min(1).optional(),
  province: z.string().min(1).optional(),
  /** H3 cell at the configured resolution; absent unless precision is exact or near. */
  h3: z.string().regex(/^[0-9a-f]{15}$/).optional(),
  placeName: z.string().optional(),
});
export type Location = z.infer<typeof LocationSchema>;

export const SeveritySchema = z.strictObject({
  killed: z.number().int().nonnegative(),
  injured: z.number().int().nonnegative(),
  abducted: z.number().int().nonnegative(),
});
export type Severity = z.infer<typeof SeveritySchema>;

export const SourceRecordSchema = z.strictObject({
  agency: z.string().min(1),
  sourceId: z.string().min(1),
  receivedAt: isoUtc,
  /** Name of the adapter or mapping that read it (e.g. `ucdp-ged`, `mapping:levies`). */
  format: z.string().min(1),
  /** The raw record as received (a CSV line, a JSON object): kept for provenance, encrypted at rest. */
  raw: z.string(),
});
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

/** The fields every report and incident share. */
const eventFields = {
  occurredAt: isoUtc,
  timePrecision: TimePrecisionSchema,
  reportedAt: isoUtc.optional(),
  location: LocationSchema,
  category: CategoryCodeSchema,
  severity: SeveritySchema,
  targetType: z.string().optional(),
  perpetrator: z.string().optional(),
  narrative: z.string().optional(),
  classification: ClassificationSchema,
  reportingMode: z.enum(REPORTING_MODES),
};

export const ReportSchema = z.strictObject({
  ...eventFields,
  source: SourceRecordSchema,
});
export type Report = z.infer<typeof ReportSchema>;

/** Why two reports were joined: the rule and the measured distances, so that a link can be checked and undone. */
export const LinkSchema = z.strictObject({
  /** `agency:sourceId` of the two reports joined. */
  a: z.string(),
  b: z.string(),
  rule: z.string(),
  distanceKm: z.number().nonnegative().optional(),
  hoursApart: z.number().nonnegative(),
});
export type Link = z.infer<typeof LinkSchema>;

export const IncidentSchema = z.strictObject({
  id: z.string().min(1),
  ...eventFields,
  sources: z.array(SourceRecordSchema).min(1),
  links: z.array(LinkSchema),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** `agency:sourceId`, the idempotency key of a source record. */
export function sourceKey(s: { agency: string; sourceId: string }): string {
  return `${s.agency}:${s.sourceId}`;
}
