/**
 * The per-request data scope under the Cedar checks: every request runs inside its own frame
 * (`store/request-scope.ts`), opened before authentication; the authentication hook records the
 * user's scope in it (`setRequestDataScope`), and the PostgreSQL store's row-level security applies
 * it to every transaction opened while the request is served. No route passes anything: a route
 * whose Cedar check or store filter is wrong still cannot read rows outside the user's clearance and
 * districts. A request whose scope is not set (public routes) sees nothing. Embedded mode (DuckDB)
 * is unaffected: that store has no row-level security.
 *
 * Two hooks: the frame is entered in `onRequest` (so that authentication runs inside it) and again
 * in `preHandler`, right before the handler. With Fastify 5 here the context already survives the
 * reading of a POST body (test/api/data-scope.test.ts sends 1 MB over a socket), but a body is read
 * from socket events, which run in the connection's context, and @fastify/request-context re-enters
 * for that reason; re-entering costs one call, and losing the frame would silently mean the store's
 * own scope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../security/policy-engine.js';
import { NO_DATA, newRequestFrame, runInRequestFrame, setFrameScope, type DataScope, type RequestFrame } from '../../store/request-scope.js';

const frames = new WeakMap<FastifyRequest, RequestFrame>();

/** Opens a frame for every request; must be registered before the authentication hook. */
export function registerDataScope(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const frame = newRequestFrame();
    frames.set(req, frame);
    runInRequestFrame(frame, done);
  });
  app.addHook('preHandler', (req, _reply, done) => {
    const frame = frames.get(req);
    if (frame === undefined) { done(); return; }
    runInRequestFrame(frame, done);
  });
}

/** Records the authenticated user's scope for the rest of the request. */
export function setRequestDataScope(req: FastifyRequest, scope: DataScope): void {
  const frame = frames.get(req);
  // registerDataScope always runs first; without a frame the store would use its own (full) scope
  if (frame === undefined) throw new Error(`request ${req.id}: no data-scope frame (registerDataScope must come before registerAuth)`);
  setFrameScope(frame, scope);
}

/**
 * The row-level security scope of a principal, from its own attributes and not from a Cedar
 * decision, so that it holds even if the policies are wrong: its clearance and districts (none
 * given: every district), and for a researcher UNCLASSIFIED whatever clearance the account was
 * given (the `researcher-unclassified-only` rule of policies/need-to-know.cedar). An inactive
 * account sees nothing.
 */
export function dataScopeOf(p: Pick<Principal, 'role' | 'clearance' | 'districts' | 'active'>): DataScope {
  if (!p.active) return NO_DATA;
  return {
    districts: p.districts === null ? 'all' : [...p.districts],
    maxClassification: p.role === 'researcher' ? 'UNCLASSIFIED' : p.clearance,
  };
}
