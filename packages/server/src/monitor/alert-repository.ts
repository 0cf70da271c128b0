/**
 * Where alerts and their lifecycle live: a small port (`AlertRepository`) so that the live monitor
 * and the alerts API do not care whether alerts sit in the embedded DuckDB file or, in server mode,
 * in PostgreSQL. Each stored alert is the engine's `Alert` (history of who did what and when
 * included) plus the classification it inherits from the incidents that triggered it, which is
 * what need-to-know decides on.
 */
import { CLASSIFICATION_LEVELS, type Alert, type AlertSeverity, type AlertState, type Classification } from '@baseerat/engine';
import type { Page } from '../store/port.js';

export interface StoredAlert {
  alert: Alert;
  /** The highest classification of the incidents that triggered it (the first and every suppressed one). */
  classification: Classification;
  /** ISO UTC of the last change (opened, re-triggered, acknowledged, resolved). */
  updatedAt: string;
}

export interface AlertQuery {
  states?: readonly AlertState[];
  /** Only alerts in these districts (alerts without a district are then left out); undefined: all. */
  districts?: readonly string[];
  /** Only alerts at or below this classification. */
  maxClassification?: Classification;
  minimumSeverity?: AlertSeverity;
  ruleIds?: readonly string[];
  /** Inclusive lower bound on openedAt (ISO UTC). */
  openedFrom?: string;
  /** Exclusive upper bound on openedAt (ISO UTC). */
  openedTo?: string;
}

/** One attempt to deliver one alert event to one webhook. */
export interface WebhookDelivery {
  deliveryId: string;
  webhookId: string;
  alertId: string;
  /** 1-based. */
  attempt: number;
  at: string;
  /** HTTP status, 0 when no answer (refused, timed out). */
  status: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  error?: string;
  durationMs: number;
}

export interface AlertRepository {
  migrate(): Promise<void>;
  /**
   * Inserts or replaces by alert id; all or nothing. `newIds`: alerts the caller has just opened
   * (a hint: the implementation may skip looking for an older version of them).
   */
  upsert(alerts: readonly StoredAlert[], options?: { newIds?: ReadonlySet<string> }): Promise<void>;
  get(id: string): Promise<StoredAlert | undefined>;
  /** Newest opened first (then id), with the total matching. */
  list(query: AlertQuery, page: { offset: number; limit: number }): Promise<Page<StoredAlert>>;
  /** For each dedup key, its latest alert if opened at or after `sinceIso`: rebuilds suppression after a restart. */
  latestPerKeySince(sinceIso: string): Promise<StoredAlert[]>;
  logDelivery(d: WebhookDelivery): Promise<void>;
  /** Deliveries in the order attempted; of one alert when given. */
  listDeliveries(alertId?: string): Promise<WebhookDelivery[]>;
}

export function classificationRank(c: Classification): number {
  return CLASSIFICATION_LEVELS.indexOf(c);
}

/** The higher of two classifications. */
export function higherClassification(a: Classification, b: Classification): Classification {
  return classificationRank(a) >= classificationRank(b) ? a : b;
}
