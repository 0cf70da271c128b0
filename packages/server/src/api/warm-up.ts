/**
 * Start-up warm-up of the dashboard's landing view, run before the server reports ready.
 *
 * What a first page after a start paid (measured, docs/benchmarks.md "API and dashboard"): not
 * route compilation, Cedar or the read pool's connections (the first `/api/auth/me` after a start
 * takes 5 ms), but the landing view's own aggregate queries, each cold: the province's stats
 * (0.3-1.2 s on 1,000,000 incidents, most of it the breakdown by agency, a join of every report
 * with the filtered incidents), their classification counts, the map's 500 points, and the stats
 * behind `/api/sources` (the agencies of the filter panel). The store caches such results until the
 * next write (ReadCache) under the exact filter, scope included, so a warm-up helps only if it asks
 * with the filters the requests will build: here they are built by the same function the routes
 * use (`filterWithinScope`, from each active account's principal and the policy), for the landing
 * view (`?province=Balochistan`, the whole range) and the sources panel, one computation per
 * distinct filter. Nothing is released to anyone here: the results only sit in the store's cache,
 * and each request still decides, audits and releases as before.
 *
 * Accounts that did not exist at the start (created through `POST /api/users`) are warmed by
 * `AccountWarmer` (`ApiDeps.accountWarmer`): in the background when the account is created and at
 * each of its logins, one account at a time, never delaying the request that started it. A
 * login's warm-up races the landing requests that follow it; the store's single flight (ReadCache)
 * makes those requests wait for the warm-up's computation instead of starting their own, so they
 * cost no more than without it.
 *
 * Limits: a write (an ingest batch, a live event) empties the cache, so the first view after it pays
 * again (until the next login of that account warms it).
 */
import type { Geography } from '@baseerat/engine';
import type { SecurityContext } from '../security/admin-operations.js';
import type { Principal } from '../security/policy-engine.js';
import type { UserRecord } from '../security/security-repo.js';
import type { IncidentFilter, Store } from '../store/port.js';
import { filterWithinScope } from './need-to-know.js';
import { baseFilter, IncidentQuerySchema } from './schemas.js';
import { highestPresent } from './scoped-stats.js';

/** The dashboard's landing province and its map's point count (packages/web map-page.ts). */
export const LANDING_PROVINCE = 'Balochistan';
export const LANDING_POINTS = 500;

export interface WarmUpResult {
  /** Distinct filters computed. */
  views: number;
  accounts: number;
  ms: number;
}

type WarmDeps = { store: Store; security: Pick<SecurityContext, 'accounts' | 'policies'>; geography: Geography };
type Account = Pick<UserRecord, 'id' | 'role' | 'clearance' | 'compartments' | 'districts' | 'disabled' | 'lockedAt'>;
interface View { filter: IncidentFilter; points: boolean }

/** The filters an account's landing view and sources panel will ask for (none when it may not list incidents). */
function landingViews(deps: WarmDeps, u: Account): View[] {
  if (u.disabled || u.lockedAt !== undefined) return [];
  const principal: Principal = { id: u.id, role: u.role, clearance: u.clearance, compartments: u.compartments, districts: u.districts, active: true };
  const authz = deps.security.policies.forRequest(principal, { mfa: true });
  if (!authz.can('listIncidents', { kind: 'System', id: 'stats' })) return [];
  const scope = u.districts === null ? undefined : [...u.districts];
  const landing = filterWithinScope(authz, scope, undefined, baseFilter(IncidentQuerySchema.parse({ province: LANDING_PROVINCE }), deps.geography));
  const sources = filterWithinScope(authz, scope, undefined, {});
  return [...(landing === undefined ? [] : [{ filter: landing, points: true }]), ...(sources === undefined ? [] : [{ filter: sources, points: false }])];
}

/** Computes each view's stats, classification counts and (landing only) map points; the store keeps them. */
async function computeViews(store: Store, views: Iterable<View>): Promise<void> {
  for (const { filter, points } of views) {
    const stats = await store.stats(filter);
    if (stats.total > 0) await highestPresent(store, filter, stats.total);
    if (points) await store.listPoints(filter, LANDING_POINTS);
  }
}

export async function warmDashboard(deps: WarmDeps, opts: { maxViews?: number } = {}): Promise<WarmUpResult> {
  const t0 = performance.now();
  const maxViews = opts.maxViews ?? 16;
  const users = (await deps.security.accounts.listUsers()).filter((u) => !u.disabled && u.lockedAt === undefined);
  const views = new Map<string, View>();
  for (const u of users) {
    for (const v of landingViews(deps, u)) {
      const key = JSON.stringify(v.filter);
      // the landing filter (with points) wins over an identical sources filter
      if (!views.has(key) || v.points) views.set(key, v);
    }
    if (views.size >= maxViews) break;
  }
  await computeViews(deps.store, views.values());
  return { views: views.size, accounts: users.length, ms: performance.now() - t0 };
}

/**
 * Warms single accounts' landing views in the background: `warm(userId)` returns at once; the
 * warm-ups run one after another (a burst of logins does not start a burst of queries), a failure
 * goes to `onError` and is otherwise ignored (the request computes its own view, as without it).
 * `settle()` waits for the queue to drain (the API calls it when it closes).
 */
export class AccountWarmer {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Since the start: accounts warmed, skipped (no landing view: administrators, auditors, disabled) and failed. */
  readonly counts = { warmed: 0, skipped: 0, failed: 0 };

  constructor(private readonly deps: WarmDeps, private readonly onError: (e: unknown) => void = () => undefined) {}

  warm(userId: string): void {
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        const u = await this.deps.security.accounts.getUser(userId);
        const views = u === undefined ? [] : landingViews(this.deps, u);
        await computeViews(this.deps.store, views);
        if (views.length > 0) this.counts.warmed++; else this.counts.skipped++;
      } catch (e) {
        this.counts.failed++;
        this.onError(e);
      } finally {
        this.pending--;
      }
    });
  }

  /** Warm-ups queued or running. */
  get busy(): number {
    return this.pending;
  }

  settle(): Promise<void> {
    return this.queue;
  }
}
