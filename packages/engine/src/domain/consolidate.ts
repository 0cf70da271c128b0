/**
 * Consolidation: the fields of an incident from the reports linked into it. Each field comes from
 * the report that knows it best, so linking never loses precision, and the rule is simple enough
 * for an analyst to check against the source records:
 * - time and location: the most precise report (ties: the earliest received);
 * - severity: the largest count of each kind reported by any agency (agencies under-report late);
 * - category, target, perpetrator: the first report that states them, in received order;
 * - narrative: each agency's narrative, labelled by agency;
 * - classification: the highest of the reports; reporting mode: `public` if any report came from the public.
 */
import { highestClassification } from './classification.js';
import type { Incident, Link, Report } from './incident.js';
import { LOCATION_PRECISIONS, TIME_PRECISIONS } from './incident.js';
import { BaseeratError } from './errors.js';

export function consolidate(id: string, reports: readonly Report[], links: readonly Link[]): Incident {
  if (reports.length === 0) throw new BaseeratError('VALIDATION', `incident ${id} has no reports`, { field: 'reports' });
  const ordered = [...reports].sort((a, b) => (a.source.receivedAt < b.source.receivedAt ? -1 : a.source.receivedAt > b.source.receivedAt ? 1 : 0));
  const first = ordered[0]!;
  const bestTime = ordered.reduce((best, r) => (TIME_PRECISIONS.indexOf(r.timePrecision) < TIME_PRECISIONS.indexOf(best.timePrecision) ? r : best), first);
  const bestPlace = ordered.reduce((best, r) => (LOCATION_PRECISIONS.indexOf(r.location.precision) < LOCATION_PRECISIONS.indexOf(best.location.precision) ? r : best), first);
  const firstWith = <K extends 'targetType' | 'perpetrator'>(k: K) => ordered.find((r) => r[k] !== undefined)?.[k];
  const narratives = ordered.filter((r) => r.narrative !== undefined && r.narrative !== '');
  const location = { ...bestPlace.location };
  // A report with a coarser place may still name the district when the precise one did not.
  if (location.district === undefined) {
    const d = ordered.find((r) => r.location.district !== undefined)?.location;
    if (d?.district !== undefined) location.district = d.district;
    if (location.province === undefined && d?.province !== undefined) location.province = d.province;
  }
  const incident: Incident = {
    id,
    occurredAt: bestTime.occurredAt,
    timePrecision: bestTime.timePrecision,
    location,
    category: first.category,
    severity: {
      killed: Math.max(...ordered.map((r) => r.severity.killed)),
      injured: Math.max(...ordered.map((r) => r.severity.injured)),
      abducted: Math.max(...ordered.map((r) => r.severity.abducted)),
    },
    classification: highestClassification(ordered.map((r) => r.classification)),
    reportingMode: ordered.some((r) => r.reportingMode === 'public')
      ? 'public'
      : ordered.some((r) => r.reportingMode === 'discovered') ? 'discovered' : 'unknown',
    sources: ordered.map((r) => r.source),
    links: [...links],
  };
  const reportedAt = ordered.map((r) => r.reportedAt).filter((t): t is string => t !== undefined).sort()[0];
  if (reportedAt !== undefined) incident.reportedAt = reportedAt;
  const target = firstWith('targetType');
  if (target !== undefined) incident.targetType = target;
  const perp = firstWith('perpetrator');
  if (perp !== undefined) incident.perpetrator = perp;
  if (narratives.length === 1) incident.narrative = narratives[0]!.narrative!;
  else if (narratives.length > 1) incident.narrative = narratives.map((r) => `[${r.source.agency}] ${r.narrative}`).join('\n');
  return incident;
}
