/**
 * Types for linking reports of the same incident across agencies (engine/link implements the rules;
 * the store persists the plan). A link never deletes a report: it attaches it to an incident, records
 * the rule and distances, and can be undone.
 */
import type { CategoryCode } from './taxonomy.js';
import type { Link, LocationPrecision, Report, TimePrecision } from './incident.js';

export interface LinkRules {
  /** Largest distance between two exactly located reports of one incident, km (default 2). */
  maxDistanceKm: number;
  /** Largest time between two exactly timed reports of one incident, hours (default 6). */
  maxHours: number;
}

export const DEFAULT_LINK_RULES: LinkRules = { maxDistanceKm: 2, maxHours: 6 };

/** What linking needs to know about an incident already stored. */
export interface LinkCandidate {
  incidentId: string;
  /** occurredAt, epoch ms. */
  time: number;
  timePrecision: TimePrecision;
  /** NaN when unknown. */
  lat: number;
  lon: number;
  locationPrecision: LocationPrecision;
  district: string | undefined;
  category: CategoryCode;
  agencies: string[];
  /**
   * Source key (`agency:sourceId`) of the report the fields above come from, the incident's anchor
   * for linking (its most precise report). Links to the incident name it; absent: the incident id.
   */
  anchorKey?: string;
  /** killed + injured + abducted of that report: the casualty tie-break between district-level matches. Absent: unknown. */
  casualties?: number;
}

export interface NewIncident {
  id: string;
  reports: Report[];
  links: Link[];
}

export interface Attachment {
  incidentId: string;
  reports: Report[];
  links: Link[];
}

/** The outcome of linking a batch: incidents to create and reports to attach to stored incidents. */
export interface LinkPlan {
  newIncidents: NewIncident[];
  attachments: Attachment[];
}
