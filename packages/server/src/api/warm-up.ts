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
 * Limits: a write (an ingest batch, a live event) empties the cache, so the first view after it pays
 * again; accounts created after the start are not warmed.
 */
import type { Geography } from '@baseerat/engine';
import type { SecurityContext } from '../security/admin-operations.js';
import type { Principal } from '../security/policy-engine.js';
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

export async function warmDashboard(
  deps: { store: Store; security: Pick<SecurityContext, 'accounts' | 'policies'>; geography: Geography },
  opts: { maxViews?: number } = {},
): Promise<WarmUpResult> {
  const t0 = performance.now();
  const maxViews = opts.maxViews ?? 16;
  const users = (await deps.security.accounts.listUsers()).filter((u) => !u.disabled && u.lockedAt === undefined);
  const landingBase = baseFilter(IncidentQuerySchema.parse({ province: LANDING_PROVINCE }), deps.geography);
  const views = new Map<string, { filter: IncidentFilter; points: boolean }>();
  for (const u of users) {
    const principal: Principal = { id: u.id, role: u.role, clearance: u.clearance, compartments: u.compartments, districts: u.districts, active: true };
    const authz = deps.security.policies.forRequest(principal, { mfa: true });
    if (!authz.can('listIncidents', { kind: 'System', id: 'stats' })) continue;
    const scope = u.districts === null ? undefined : [...u.districts];
    const landing = filterWithinScope(authz, scope, undefined, landingBase);
    const sources = filterWithinScope(authz, scope, undefined, {});
    if (landing !== undefined) views.set(JSON.stringify(landing), { filter: landing, points: true });
    if (sources !== undefined && !views.has(JSON.stringify(sources))) views.set(JSON.stringify(sources), { filter: sources, points: false });
    if (views.size >= maxViews) break;
  }
  for (const { filter, points } of views.values()) {
    const stats = await deps.store.stats(filter);
    if (stats.total > 0) await highestPresent(deps.store, filter, stats.total);
    if (points) await deps.store.listPoints(filter, LANDING_POINTS);
  }
  return { views: views.size, accounts: users.length, ms: performance.now() - t0 };
}
