/**
 * Wiring of the live monitor for one server-mode process (an API process or a worker), the
 * counterpart of openEmbeddedMonitor: the rule set from files (the engine's example set by default,
 * as `serve`), alerts in the shared repository (PostgreSQL), a warm-up from the stored history, and,
 * given a NATS connection, the cross-process alert bus (alert-bus.ts): local changes are published,
 * other processes' changes are adopted and, in API processes (`deliverRemote`), delivered to this
 * process's SSE clients. Webhooks are sent for local changes only, so each change is sent once
 * across all processes (give every process the same webhooks file).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import { AlertHub } from '../monitor/alert-hub.js';
import type { AlertRepository } from '../monitor/alert-repository.js';
import { DEFAULT_RETRIGGER_DEBOUNCE_MS, LiveMonitor, type LiveMonitorOptions } from '../monitor/live-monitor.js';
import { loadRuleSet } from '../monitor/rule-config.js';
import { loadWebhookFile, WebhookDispatcher } from '../monitor/webhooks.js';
import type { Store } from '../store/port.js';
import { AlertBus, SharedLiveMonitor, type AlertBusOptions } from './alert-bus.js';

export interface SharedMonitorOptions {
  store: Pick<Store, 'readColumns'>;
  repository: AlertRepository;
  rules?: string | undefined;
  zones?: string | undefined;
  webhooks?: string | undefined;
  /** The alert bus's connection; without it alerts stay in this process (as before the bus). */
  nats?: NatsConnection | undefined;
  bus?: Omit<AlertBusOptions, 'nats' | 'registry'>;
  /** Feed other processes' alert changes to this process's hub (API processes: true; workers: false). */
  deliverRemote: boolean;
  /** Prometheus registry for the bus metrics. */
  registry?: Registry;
  now?: () => Date;
  onError?: LiveMonitorOptions['onError'];
  /** Skip reading the stored history (tests of a fresh database). */
  skipWarmUp?: boolean;
  /** See LiveMonitorOptions; default DEFAULT_RETRIGGER_DEBOUNCE_MS (0: each re-trigger written and published with its batch). */
  retriggerDebounceMs?: number;
}

export interface SharedMonitor {
  monitor: LiveMonitor;
  hub: AlertHub;
  bus: AlertBus | undefined;
  webhooks: WebhookDispatcher | undefined;
  warm: { incidents: number; alerts: number };
  /** Waits for the monitor's queue, webhook deliveries in flight and bus publications, then detaches. */
  close(): Promise<void>;
}

export async function openSharedMonitor(o: SharedMonitorOptions): Promise<SharedMonitor> {
  const ruleSet = loadRuleSet({ rules: o.rules, zones: o.zones });
  const webhookFile = o.webhooks === undefined ? undefined : loadWebhookFile(o.webhooks);
  const bus = o.nats === undefined ? undefined : await AlertBus.open({ ...o.bus, nats: o.nats, ...(o.registry === undefined ? {} : { registry: o.registry }) });
  // a worker's hub has no SSE clients: a small replay buffer is enough
  const hub = new AlertHub(o.deliverRemote ? 10_000 : 100);
  const options: LiveMonitorOptions = { ruleSet, repository: o.repository, hub, retriggerDebounceMs: o.retriggerDebounceMs ?? DEFAULT_RETRIGGER_DEBOUNCE_MS, ...(o.now === undefined ? {} : { now: o.now }), ...(o.onError === undefined ? {} : { onError: o.onError }) };
  const monitor = bus === undefined ? new LiveMonitor(options) : new SharedLiveMonitor(options, bus);
  const warm = o.skipWarmUp === true ? { incidents: 0, alerts: 0 } : await monitor.warmUp(o.store);
  try {
    await bus?.attach(monitor, hub, { deliverRemote: o.deliverRemote });
  } catch (e) {
    await bus?.close();
    throw e;
  }
  const webhooks = webhookFile === undefined ? undefined : new WebhookDispatcher({ config: webhookFile, repository: o.repository, ...(o.now === undefined ? {} : { now: o.now }) });
  const listener = { accepts: () => true, deliver: (e: Parameters<WebhookDispatcher['dispatch']>[0]) => webhooks?.dispatch(e) };
  const unsubscribe = webhooks === undefined ? undefined : hub.subscribe(bus === undefined ? listener : bus.localOnly(listener));
  return {
    monitor, hub, bus, webhooks, warm,
    async close() {
      await monitor.idle();
      unsubscribe?.();
      await webhooks?.drain();
      await bus?.close();
    },
  };
}
