/**
 * What the API is built from (`ApiDeps`) and what every authenticated request carries
 * (`RequestAuth`): the principal, its per-request authorizer (Cedar, memoised by label) and the
 * AccessGate that audits sensitive reads and denials.
 */
import type { Geography } from '@baseerat/engine';
import type { Adapter } from '../ingest/adapter.js';
import type { LinkFn } from '../ingest/pipeline.js';
import type { LiveMonitor } from '../monitor/live-monitor.js';
import type { PartnersFile } from '../release/partners.js';
import type { TerrainLayer } from '../risk/terrain-layers.js';
import type { AccessGate } from '../security/access-gate.js';
import type { SecurityContext } from '../security/admin-operations.js';
import type { KeyRing } from '../security/field-cipher.js';
import type { Principal, RequestAuthorizer } from '../security/policy-engine.js';
import type { Store } from '../store/port.js';
import type { BaseeratMetrics } from '../observability/metrics.js';
import type { RateLimitConfig } from './plugins/rate-limit.js';
import type { AccountWarmer } from './warm-up.js';

export interface ApiDeps {
  store: Store;
  /** From `openSecurity` on the store's DuckDB instance. */
  security: Pick<SecurityContext, 'accounts' | 'policies' | 'audit' | 'auditStore'>;
  geography: Geography;
  /** The clock; default the system clock. Tests pass a controllable one. */
  now?: () => Date;
  /** Ingest formats accepted by `POST /api/ingest` (name -> adapter); default the built-in adapters. */
  adapters?: Readonly<Record<string, Adapter>>;
  /** The linker used by ingest; default the engine's `linkBatch`. */
  link?: LinkFn;
  /** Where signed audit checkpoints and `audit-signing-key.pub.pem` live, for `GET /api/audit/verify`. */
  auditCheckpointDir?: string;
  /**
   * Research partners for `/api/releases`: the path of the reviewed partners JSON file (read on each
   * request) or its parsed content. With `releasesDir`; without both the release routes answer 404.
   */
  partners?: string | PartnersFile;
  /** Directory the server writes research releases under (one directory per release id). */
  releasesDir?: string;
  rateLimits?: Partial<RateLimitConfig>;
  /** Mark the session cookie `Secure` (default true; only a plain-http test may turn it off). */
  secureCookie?: boolean;
  /** Report archive directory (files and report-archive.duckdb) for `/api/reports`; without it those routes answer 404. */
  reportsDir?: string;
  /** Fastify's logger (default off: request logs would carry query strings). */
  logger?: boolean;
  /** Largest request body in bytes (default 16 MiB, for ingest batches). */
  bodyLimit?: number;
  /** Prometheus metrics (observability/metrics.ts): when given, request latency is recorded per route. */
  metrics?: Pick<BaseeratMetrics, 'httpRequestSeconds'>;
  /** The data-key ring, for key rotation while serving (`/api/keys/*`, 404 without it). */
  keys?: KeyRing | undefined;
  /** The live monitor: ingest runs new incidents through it; `/api/alerts` reads and streams its alerts (404 without it). */
  monitor?: LiveMonitor;
  /** Interval of the alert stream's heartbeat and session re-check (default 15 s). */
  alertStreamHeartbeatMs?: number;
  /** The built dashboard (packages/web/dist) to serve at `/` with `/geo/districts.geojson`; without it no dashboard routes. */
  webDir?: string;
  /** Risk-terrain layers (roads, border, CPEC routes...) that `GET /api/risk` and `POST /api/allocation` use as factors; none without it. */
  riskLayers?: readonly TerrainLayer[];
  /** Warms an account's landing view in the background when it is created and at each login (api/warm-up.ts); none without it. */
  accountWarmer?: AccountWarmer;
}

export interface RequestAuth {
  principal: Principal;
  authz: RequestAuthorizer;
  gate: AccessGate;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route not marked `config.public`. */
    auth: RequestAuth | null;
    cspNonce: string;
  }
  interface FastifyContextConfig {
    /** No session needed (health, docs, login). Everything else is authenticated: deny by default. */
    public?: boolean;
    /** Name of the rate-limit bucket this route draws from. */
    rateLimit?: 'login' | 'heavy';
  }
}

export const SESSION_COOKIE = 'baseerat_session';
