/**
 * The data scope of the request being served, carried with the request's asynchronous work
 * (AsyncLocalStorage), so that the PostgreSQL store's row-level security applies each user's
 * need-to-know to every read made while serving them, without any route passing a scope along.
 *
 * Three situations, as `currentDataScope()` reports them:
 *
 * - **outside any request** (`{ kind: 'outside' }`): system work (workers, the live monitor's
 *   warm-up, schedules, the CLI): a store uses its own scope, as before;
 * - **inside a request** (`{ kind: 'request', scope }`): the API opens a frame for every request
 *   before authentication (`runInRequestFrame`) and the authentication hook fills in the user's scope
 *   (`setFrameScope`). A request whose frame has no scope (public routes, a hook that failed to set
 *   one) gets `NO_DATA`: the store sees nothing and can write nothing. Fail closed;
 * - **system work inside a request** (`{ kind: 'system' }`, `asSystem(fn)`): what a route does on
 *   the system's behalf once Cedar has allowed it, such as ingest, which must see every stored source
 *   key and link candidate whatever the caller's clearance. Deliberate and visible at the call site.
 *
 * A scope can only be narrowed inside a frame: `setFrameScope` on a frame that has one already
 * keeps the intersection. The DuckDB store has no row-level security and ignores all this (embedded
 * mode relies on the Cedar checks alone, in one process).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BaseeratError, CLASSIFICATION_LEVELS, classificationRank, type Classification } from '@baseerat/engine';

/** What a session may see: the row-level security scope (the same shape as PostgresScope). */
export interface DataScope {
  /** Visible districts, or 'all'. Incidents with no district are visible only to 'all'. */
  districts: readonly string[] | 'all';
  /** Highest visible classification. */
  maxClassification: Classification;
}

/** A scope that sees nothing: no district (so no incident and no system table) at the lowest level. */
export const NO_DATA: DataScope = Object.freeze({ districts: Object.freeze([]) as readonly string[], maxClassification: CLASSIFICATION_LEVELS[0]! });

/** One request's frame: created before authentication, its scope set once the session is known. */
export interface RequestFrame {
  readonly kind: 'request';
  scope: DataScope | undefined;
}

type Frame = RequestFrame | { readonly kind: 'system' };

const storage = new AsyncLocalStorage<Frame>();
const SYSTEM: Frame = Object.freeze({ kind: 'system' as const });

export function newRequestFrame(): RequestFrame {
  return { kind: 'request', scope: undefined };
}

/** Runs `fn` (and every asynchronous continuation it starts) inside `frame`. */
export function runInRequestFrame<T>(frame: RequestFrame, fn: () => T): T {
  return storage.run(frame, fn);
}

/** Sets the frame's scope; a second call can only narrow it (the intersection is kept). */
export function setFrameScope(frame: RequestFrame, scope: DataScope): void {
  frame.scope = frame.scope === undefined ? scope : intersectScopes(frame.scope, scope);
}

/**
 * Runs `fn` as system work: the store uses its own scope even inside a request. Only for work a
 * route does on the system's behalf after the authorization check (ingest); never for a user's reads.
 */
export function asSystem<T>(fn: () => T): T {
  return storage.run(SYSTEM, fn);
}

export type CurrentDataScope = { kind: 'outside' } | { kind: 'system' } | { kind: 'request'; scope: DataScope };

/** The scope the current asynchronous context runs under (see the module comment). */
export function currentDataScope(): CurrentDataScope {
  const f = storage.getStore();
  if (f === undefined) return { kind: 'outside' };
  if (f.kind === 'system') return { kind: 'system' };
  return { kind: 'request', scope: f.scope ?? NO_DATA };
}

/** What both scopes may see: the common districts and the lower ceiling. */
export function intersectScopes(a: DataScope, b: DataScope): DataScope {
  const districts = a.districts === 'all' ? b.districts : b.districts === 'all' ? a.districts : a.districts.filter((d) => (b.districts as readonly string[]).includes(d));
  const ra = classificationRank(a.maxClassification), rb = classificationRank(b.maxClassification);
  if (ra < 0 || rb < 0) throw new BaseeratError('VALIDATION', `unknown classification in a data scope: ${a.maxClassification} / ${b.maxClassification}`, { field: 'maxClassification' });
  return { districts, maxClassification: ra <= rb ? a.maxClassification : b.maxClassification };
}
