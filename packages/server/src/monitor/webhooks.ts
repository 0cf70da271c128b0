/**
 * Webhooks: alert changes POSTed to configured receivers, signed with HMAC-SHA256, retried with
 * exponential backoff, every attempt written to the delivery log (AlertRepository.logDelivery).
 *
 * Request: `POST <url>`, `content-type: application/json`, body
 * `{"event":"alert","change":"opened","seq":12,"classification":"RESTRICTED","alert":{...engine Alert...}}`
 * and headers
 *   `baseerat-delivery: <id>`   the same on every retry of one delivery (receivers dedupe on it)
 *   `baseerat-timestamp: <unix seconds>` when this attempt was signed
 *   `baseerat-signature: v1=<hex>` HMAC-SHA256 with the webhook's secret over `<timestamp>.<body>`
 * A receiver recomputes the HMAC over the raw body bytes, compares in constant time, and rejects a
 * timestamp more than 5 minutes from its clock (replay). docs/monitoring.md has the recipe.
 *
 * Retries: on no answer, a timeout, 408, 429 or 5xx; delays initialDelayMs x 2^(attempt-1), capped
 * at maxDelayMs, up to `attempts` attempts. Any other 4xx is final (the receiver refused it).
 * Routing: the engine's `routeAlert` (scope: province or districts; minimum severity), and the
 * alert's classification must not exceed the webhook's `maxClassification` (default RESTRICTED):
 * a webhook leaves the building, so classified alerts reach it only when configured to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ALERT_SEVERITIES, BaseeratError, CLASSIFICATION_LEVELS, routeAlert, type Subscription } from '@baseerat/engine';
import { classificationRank, type AlertRepository, type StoredAlert } from './alert-repository.js';
import type { AlertEvent, AlertHub } from './alert-hub.js';

const WebhookSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  url: z.url({ protocol: /^https?$/ }),
  /** The shared secret, or the name of the environment variable holding it (preferred: keeps it out of the file). */
  secret: z.string().min(16).optional(),
  secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  scope: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('province') }),
    z.strictObject({ kind: z.literal('districts'), districts: z.array(z.string().min(1)).min(1) }),
  ]).default({ kind: 'province' }),
  minimumSeverity: z.enum(ALERT_SEVERITIES).default('low'),
  maxClassification: z.enum(CLASSIFICATION_LEVELS).default('RESTRICTED'),
  changes: z.array(z.enum(['opened', 'retriggered', 'acknowledged', 'resolved'])).min(1).default(['opened']),
}).refine((w) => (w.secret === undefined) !== (w.secretEnv === undefined), { message: 'give exactly one of secret and secretEnv', path: ['secret'] });

export const WebhookFileSchema = z.strictObject({
  webhooks: z.array(WebhookSchema),
  retry: z.strictObject({
    attempts: z.number().int().min(1).max(20).default(6),
    initialDelayMs: z.number().int().min(0).default(1000),
    maxDelayMs: z.number().int().min(0).default(300_000),
    timeoutMs: z.number().int().min(1).default(10_000),
  }).default({ attempts: 6, initialDelayMs: 1000, maxDelayMs: 300_000, timeoutMs: 10_000 }),
});
export type WebhookFile = z.infer<typeof WebhookFileSchema>;
export type WebhookConfig = z.infer<typeof WebhookSchema>;

/** Parses and checks a webhook configuration (zod strict); secrets named by `secretEnv` must be set. */
export function parseWebhookFile(input: unknown, env: Record<string, string | undefined> = process.env): WebhookFile {
  const r = WebhookFileSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new BaseeratError('VALIDATION', `webhooks file: ${i.path.join('.')}: ${i.message}`, { field: i.path.join('.'), details: { issues: r.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })) } });
  }
  const ids = new Set<string>();
  for (const w of r.data.webhooks) {
    if (ids.has(w.id)) throw new BaseeratError('VALIDATION', `webhooks file: webhook id '${w.id}' is used twice`, { field: 'webhooks.id' });
    ids.add(w.id);
    if (w.secretEnv !== undefined && (env[w.secretEnv] ?? '').length < 16) {
      throw new BaseeratError('CONFIG', `webhook ${w.id}: environment variable ${w.secretEnv} is unset or shorter than 16 characters`, { field: 'secretEnv' });
    }
  }
  return r.data;
}

export function loadWebhookFile(path: string, env: Record<string, string | undefined> = process.env): WebhookFile {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new BaseeratError('NOT_FOUND', `webhooks file ${path} cannot be read: ${(e as Error).message}`, { field: 'webhooks', cause: e });
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) {
    throw new BaseeratError('VALIDATION', `webhooks file ${path} is not JSON: ${(e as Error).message}`, { field: 'webhooks', cause: e });
  }
  return parseWebhookFile(json, env);
}

/** `v1=<hex>` for a body signed at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: true when the signature matches and the timestamp is within `toleranceSeconds` of `nowSeconds`. */
export function verifyWebhook(secret: string, body: string, timestampHeader: string, signatureHeader: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const t = Number(timestampHeader);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const want = Buffer.from(signWebhook(secret, t, body));
  const got = Buffer.from(signatureHeader);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface WebhookDispatcherOptions {
  config: WebhookFile;
  repository: Pick<AlertRepository, 'logDelivery'>;
  env?: Record<string, string | undefined>;
  now?: () => Date;
  /** For tests: how to wait between attempts (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const RETRYABLE = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

/** Subscribes to the hub and delivers each matching alert change to each matching webhook. */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly subs: Array<{ hook: WebhookConfig; secret: string; subscription: Subscription }>;
  private unsubscribe: (() => void) | undefined;
  readonly counters = { delivered: 0, failed: 0, attempts: 0 };

  constructor(private readonly options: WebhookDispatcherOptions) {
    const env = options.env ?? process.env;
    this.subs = options.config.webhooks.map((hook) => ({
      hook,
      secret: hook.secret ?? env[hook.secretEnv!] ?? '',
      subscription: { recipient: `webhook:${hook.id}`, scope: hook.scope, minimumSeverity: hook.minimumSeverity },
    }));
  }

  attach(hub: AlertHub): this {
    this.unsubscribe = hub.subscribe({ accepts: () => true, deliver: (e) => this.dispatch(e) });
    return this;
  }

  detach(): void { this.unsubscribe?.(); }

  /** Starts the deliveries of one event (does not wait for them). */
  dispatch(event: AlertEvent): void {
    for (const s of this.subs) {
      if (!s.hook.changes.includes(event.change) || !this.allowed(s.hook, event.stored)) continue;
      if (routeAlert(event.stored.alert, [s.subscription]).recipients.length === 0) continue;
      const p = this.deliver(s.hook, s.secret, event).finally(() => { this.inFlight.delete(p); });
      this.inFlight.add(p);
    }
  }

  private allowed(hook: WebhookConfig, stored: StoredAlert): boolean {
    return classificationRank(stored.classification) <= classificationRank(hook.maxClassification);
  }

  private async deliver(hook: WebhookConfig, secret: string, event: AlertEvent): Promise<void> {
    const { retry } = this.options.config;
    const now = this.options.now ?? (() => new Date());
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const doFetch = this.options.fetch ?? fetch;
    const body = JSON.stringify({ event: 'alert', change: event.change, seq: event.seq, classification: event.stored.classification, alert: event.stored.alert });
    const deliveryId = `${hook.id}:${event.seq}:${event.stored.alert.id}`;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      const started = now();
      const ts = Math.floor(started.getTime() / 1000);
      let status = 0, error: string | undefined;
      const t0 = performance.now();
      try {
        const res = await doFetch(hook.url, {
          method: 'POST', body, signal: AbortSignal.timeout(retry.timeoutMs), redirect: 'error',
          headers: { 'content-type': 'application/json', 'baseerat-delivery': deliveryId, 'baseerat-timestamp': String(ts), 'baseerat-signature': signWebhook(secret, ts, body) },
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const ok = status >= 200 && status < 300;
      const last = attempt === retry.attempts || (!ok && !RETRYABLE(status));
      const outcome = ok ? 'delivered' : last ? 'failed' : 'retrying';
      this.counters.attempts++;
      await this.options.repository.logDelivery({
        deliveryId, webhookId: hook.id, alertId: event.stored.alert.id, attempt, at: started.toISOString(), status, outcome,
        ...(error === undefined ? (ok ? {} : { error: `HTTP ${status}` }) : { error }), durationMs: performance.now() - t0,
      }).catch(() => undefined);
      if (ok) { this.counters.delivered++; return; }
      if (last) { this.counters.failed++; return; }
      await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1)));
    }
  }

  /** Waits until every delivery started so far has finished (delivered or failed). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
