/**
 * Classification levels, lowest to highest. Every record carries one; every derived result carries
 * the highest level of what it was computed from (see `highestClassification`).
 */
import { z } from 'zod';

export const CLASSIFICATION_LEVELS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'] as const;
export type Classification = (typeof CLASSIFICATION_LEVELS)[number];
export const ClassificationSchema = z.enum(CLASSIFICATION_LEVELS);

/** Rank of a level: 0 for UNCLASSIFIED up to 3 for SECRET. */
export function classificationRank(level: Classification): number {
  return CLASSIFICATION_LEVELS.indexOf(level);
}

/** True when a clearance at `clearance` may read a record at `level`. */
export function dominates(clearance: Classification, level: Classification): boolean {
  return classificationRank(clearance) >= classificationRank(level);
}

/** The highest level among `levels`; UNCLASSIFIED for none. */
export function highestClassification(levels: Iterable<Classification>): Classification {
  let best = 0;
  for (const l of levels) best = Math.max(best, classificationRank(l));
  return CLASSIFICATION_LEVELS[best]!;
}
