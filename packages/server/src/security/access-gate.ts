/**
 * The one place request handlers pass through to touch classified data: it asks the policy
 * (memoised per label), and writes the audit trail for every read of a sensitive field and every
 * denial, so that "who read what" never depends on each handler remembering to log.
 */
import type { AuditEvent, AuditLog } from './audit-log.js';
import type { Action, RequestAuthorizer, Resource } from './policy-engine.js';
import type { SecurityLabel } from './security-label.js';

export class AccessGate {
  constructor(private readonly authz: RequestAuthorizer, private readonly audit: AuditLog, private readonly from: string) {}

  get principal() { return this.authz.principal; }

  /** Decides and, on denial, records it. Use for request-level checks (one per request). */
  async check(action: Action, resource: Resource, now: Date): Promise<boolean> {
    const ok = this.authz.can(action, resource);
    if (!ok) {
      await this.audit.record({
        actor: this.authz.principal.id, action: 'authz.denied', from: this.from, outcome: 'denied',
        ...(resource.id === undefined ? {} : { target: resource.id }),
        details: { action, kind: resource.kind, policy: this.authz.explain(action, resource).join('; ') },
      }, now);
    }
    return ok;
  }

  /**
   * Returns the decrypted field when the principal may see it (and records the read), or
   * undefined when not (and records the denial). `decrypt` runs only after the decision.
   */
  async readField(recordId: string, field: string, label: SecurityLabel, decrypt: () => string, now: Date): Promise<string | undefined> {
    const resource: Resource = { kind: 'Field', id: recordId, field, label };
    if (!(await this.check('viewField', resource, now))) return undefined;
    const value = decrypt();
    await this.audit.record({ actor: this.authz.principal.id, action: 'data.read', target: recordId, from: this.from, outcome: 'success', details: { field, classification: label.classification } }, now);
    return value;
  }

  /**
   * The batch form for list views: decides each field (memoised by label), decrypts only the
   * allowed ones, and writes all the reads and denials in one audit append.
   */
  async readFields(
    items: readonly { recordId: string; field: string; label: SecurityLabel; decrypt: () => string }[], now: Date,
  ): Promise<Array<string | undefined>> {
    const events: AuditEvent[] = [];
    const out: Array<string | undefined> = [];
    const actor = this.authz.principal.id;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const ok = this.authz.can('viewField', { kind: 'Field', id: it.recordId, field: it.field, label: it.label });
      events.push(ok
        ? { actor, action: 'data.read', target: it.recordId, from: this.from, outcome: 'success', details: { field: it.field, classification: it.label.classification } }
        : { actor, action: 'authz.denied', target: it.recordId, from: this.from, outcome: 'denied', details: { action: 'viewField', kind: 'Field', field: it.field } });
      out.push(ok ? it.decrypt() : undefined);
    }
    if (events.length > 0) await this.audit.recordMany(events, now);
    return out;
  }
}
