/**
 * Security labels: what need-to-know decisions depend on. A label is a classification, the
 * compartments a reader must all hold, and the districts the data concerns. Derived results
 * (aggregates, analyses, reports, exports) carry the label of everything they were computed from:
 * the highest classification and the unions of compartments and districts.
 */
import { CLASSIFICATION_LEVELS, classificationRank, highestClassification, type Classification } from '@baseerat/engine';

/** Stands for "district not known", so that a district-scoped reader never sees an unplaced record. */
export const UNKNOWN_DISTRICT = '(unknown)';

export interface SecurityLabel {
  classification: Classification;
  /** Sorted, distinct. */
  compartments: readonly string[];
  /** Sorted, distinct, never empty for a record (UNKNOWN_DISTRICT when unknown). */
  districts: readonly string[];
}

const sortedDistinct = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** The label of one record. */
export function recordLabel(r: { classification: Classification; compartments?: readonly string[]; district?: string | undefined }): SecurityLabel {
  return {
    classification: r.classification,
    compartments: sortedDistinct(r.compartments ?? []),
    districts: [r.district === undefined || r.district === '' ? UNKNOWN_DISTRICT : r.district],
  };
}

/** The label of a sensitive field of a record: the record's, raised to the field's own classification and compartments. */
export function fieldLabel(record: SecurityLabel, field: { classification: Classification; compartments?: readonly string[] }): SecurityLabel {
  return {
    classification: highestClassification([record.classification, field.classification]),
    compartments: sortedDistinct([...record.compartments, ...(field.compartments ?? [])]),
    districts: record.districts,
  };
}

/** The label of a result derived from data with these labels. UNCLASSIFIED and no districts for none. */
export function derivedLabel(labels: Iterable<SecurityLabel>): SecurityLabel {
  let rank = 0;
  const comps = new Set<string>(), dists = new Set<string>();
  for (const l of labels) {
    rank = Math.max(rank, classificationRank(l.classification));
    for (const c of l.compartments) comps.add(c);
    for (const d of l.districts) dists.add(d);
  }
  return { classification: CLASSIFICATION_LEVELS[rank]!, compartments: sortedDistinct(comps), districts: sortedDistinct(dists) };
}

/**
 * A stable key: decisions for one principal depend on nothing else of a data resource. JSON, so
 * that no district or compartment name (a comma, a bar) can make two labels share a key.
 */
export function labelKey(l: SecurityLabel): string {
  const one = (xs: readonly string[]) => (xs.length < 2 ? xs : [...xs].sort());
  return JSON.stringify([l.classification, one(l.compartments), one(l.districts)]);
}
