/**
 * In-process token buckets for login (per client address, against password guessing beside the
 * per-account lockout) and heavy requests (per user: ingest, statistics). One process holds the
 * buckets; several API processes would each allow the configured rate (use a shared limiter, e.g.
 * at the reverse proxy, when scaling out). The clock is the app's, so tests can drive it.
 */
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from './problem-json.js';

export interface BucketConfig {
  /** Largest burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface RateLimitConfig {
  login: BucketConfig;
  heavy: BucketConfig;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  login: { capacity: 10, refillPerSecond: 1 / 6 },
  heavy: { capacity: 30, refillPerSecond: 1 },
};

/** Buckets beyond this many keys are evicted oldest first, so spoofed keys cannot exhaust memory. */
const MAX_KEYS = 100_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly config: BucketConfig) {}

  /** Takes one token for `key`; returns 0 when taken, else the seconds until one is available. */
  take(key: string, nowMs: number): number {
    const { capacity, refillPerSecond } = this.config;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: nowMs };
    b.tokens = Math.min(capacity, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * refillPerSecond);
    b.at = nowMs;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_KEYS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / refillPerSecond);
  }
}

export function registerRateLimits(app: FastifyInstance, config: RateLimitConfig, now: () => Date): void {
  const buckets = { login: new TokenBuckets(config.login), heavy: new TokenBuckets(config.heavy) };
  // preHandler: after authentication, so heavy buckets are per user rather than per address.
  app.addHook('preHandler', async (req, reply) => {
    const which = req.routeOptions.config.rateLimit;
    if (which === undefined) return;
    const key = which === 'login' ? `ip:${req.ip}` : `user:${req.auth?.principal.id ?? req.ip}`;
    const wait = buckets[which].take(key, now().getTime());
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      await sendProblem(reply, problem(429, 'RATE_LIMITED', `too many ${which} requests; retry after ${wait} s`, req.url.split('?')[0] ?? req.url));
      return reply;
    }
  });
}
