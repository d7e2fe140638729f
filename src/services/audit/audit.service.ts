import type { RequestContext } from '../../context';
import { AuditEvent } from '../../entities';
import type { AuditAction, AuditOutcome } from './audit-vocabulary';

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  action: AuditAction;
  targetUserId?: number | null;
  changes?: FieldChanges | Record<string, unknown> | null;
  /** Needed when there is no session yet (sign-in); otherwise taken from the principal. */
  orgId?: number | null;
  actorUserId?: number | null;
}

/** Keys that must never reach an audit row, whatever a caller passes. */
const FORBIDDEN_KEYS = /secret|password|token|code|hash|otp/i;

function scrub(changes: AuditEntry['changes']): string | null {
  if (!changes) {
    return null;
  }
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (!FORBIDDEN_KEYS.test(k)) {
      clean[k] = v;
    }
  }
  return JSON.stringify(clean);
}

/** Append-only audit trail. Nothing in the service layer updates or deletes an audit row. */
export class AuditService {
  /** Records a successful change through ctx.manager, i.e. inside the caller's transaction. */
  async recordChange(ctx: RequestContext, entry: AuditEntry): Promise<void> {
    await this.insert(ctx, entry, 'success', false);
  }

  /**
   * Records a denied attempt (FORBIDDEN, RATE_LIMITED, REPLAY, ...). Written outside any
   * transaction, because the caller is about to throw and roll its own work back.
   */
  async recordDenied(ctx: RequestContext, entry: AuditEntry, outcome: Exclude<AuditOutcome, 'success'>): Promise<void> {
    try {
      await this.insert(ctx, entry, outcome, true);
    } catch (e) {
      // A failed denial record must not turn a clean refusal into a 500; the log keeps it.
      ctx.log.error({ err: e, action: entry.action, outcome }, 'could not record denied attempt');
    }
  }

  private async insert(ctx: RequestContext, entry: AuditEntry, outcome: AuditOutcome, detached: boolean): Promise<void> {
    const manager = detached ? ctx.manager.connection.manager : ctx.manager;
    const p = ctx.principal;
    const isImpersonated = p?.impersonatorUserId != null;
    await manager.insert(AuditEvent, {
      orgId: entry.orgId !== undefined ? entry.orgId : (p?.orgId ?? null),
      actorUserId: entry.actorUserId !== undefined ? entry.actorUserId : (p?.userId ?? null),
      impersonatorUserId: isImpersonated ? p!.impersonatorUserId : null,
      action: entry.action,
      outcome,
      targetUserId: entry.targetUserId ?? null,
      changes: scrub(entry.changes),
      requestId: ctx.requestId.slice(0, 64),
      ip: ctx.ip ? ctx.ip.slice(0, 64) : null,
      at: new Date(),
    });
  }
}
