/**
 * Wiring for one process in embedded mode: the live monitor on the store's DuckDB instance (alert
 * tables beside the incidents), its SSE hub, optional webhooks, and a warm-up from the stored
 * history so that a restart neither forgets the near-repeat and spike history nor re-opens alerts
 * still inside their suppression window. Used by `serve`, `consume` and bench/realtime.
 */
import type { Store } from '../store/port.js';
import { AlertHub } from './alert-hub.js';
import { DuckDBAlertRepository, duckdbInstanceOf } from './duckdb-alert-repository.js';
import { DEFAULT_RETRIGGER_DEBOUNCE_MS, LiveMonitor, type LiveMonitorOptions } from './live-monitor.js';
import { loadRuleSet } from './rule-config.js';
import { loadWebhookFile, WebhookDispatcher } from './webhooks.js';

export interface EmbeddedMonitorOptions {
  store: Store;
  rules?: string | undefined;
  zones?: string | undefined;
  webhooks?: string | undefined;
  now?: () => Date;
  clock?: LiveMonitorOptions['clock'];
  /** Skip reading the stored history (a fresh store, a benchmark). */
  skipWarmUp?: boolean;
  /** See LiveMonitorOptions; default DEFAULT_RETRIGGER_DEBOUNCE_MS (0: each re-trigger written and published with its batch). */
  retriggerDebounceMs?: number;
}

export interface EmbeddedMonitor {
  monitor: LiveMonitor;
  hub: AlertHub;
  repository: DuckDBAlertRepository;
  webhooks: WebhookDispatcher | undefined;
  warm: { incidents: number; alerts: number };
  close(): Promise<void>;
}

export async function openEmbeddedMonitor(o: EmbeddedMonitorOptions): Promise<EmbeddedMonitor> {
  const ruleSet = loadRuleSet({ rules: o.rules, zones: o.zones });
  const webhookFile = o.webhooks === undefined ? undefined : loadWebhookFile(o.webhooks);
  const repository = await DuckDBAlertRepository.open(duckdbInstanceOf(o.store), o.now);
  const hub = new AlertHub();
  const monitor = new LiveMonitor({ ruleSet, repository, hub, retriggerDebounceMs: o.retriggerDebounceMs ?? DEFAULT_RETRIGGER_DEBOUNCE_MS, ...(o.now === undefined ? {} : { now: o.now }), ...(o.clock === undefined ? {} : { clock: o.clock }) });
  const warm = o.skipWarmUp === true ? { incidents: 0, alerts: 0 } : await monitor.warmUp(o.store);
  const webhooks = webhookFile === undefined ? undefined : new WebhookDispatcher({ config: webhookFile, repository, ...(o.now === undefined ? {} : { now: o.now }) }).attach(hub);
  return {
    monitor, hub, repository, webhooks, warm,
    async close() {
      await monitor.idle();
      webhooks?.detach();
      await webhooks?.drain();
      repository.close();
    },
  };
}
