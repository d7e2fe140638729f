import type { Principal, RequestContext, SessionContext } from '../../context';
import type { SessionKindValue } from '../../entities/session.entity';
import { ForbiddenError, UnauthenticatedError } from '../../errors';
import { rawExecute, rawQuery } from '../../db/raw';
import type { AuditService } from '../audit/audit.service';

/**
 * Who may do what, checked in the service whatever door the call came through (GraphQL
 * decorators do not protect the REST shim, and input-type decorators protect nothing).
 * A refusal is audited (outside the caller's transaction) before it is thrown.
 */

/** The session's principal, or UNAUTHENTICATED. Services that need a session start with this. */
export function requireSession(ctx: RequestContext): SessionContext {
  if (!ctx.principal) {
    throw new UnauthenticatedError();
  }
  return ctx as SessionContext;
}

/**
 * Reads of org data need a full session: an MFA challenge or enrollment session may only finish
 * its MFA step (the GraphQL authChecker says the same; this holds for the REST door too).
 */
export function requireFullSession(ctx: RequestContext): SessionContext {
  const s = requireSession(ctx);
  if (s.principal.kind !== 'full') {
    throw new ForbiddenError('This session may only complete the MFA step it was issued for.');
  }
  return s;
}

/** An admin acting as themself (an impersonation session is never admin). */
export function actsAsAdmin(p: Principal): boolean {
  return p.kind === 'full' && p.isAdmin && p.impersonatorUserId === null;
}

/** A full session of an active admin of the org, not impersonated (docs/product.md rule 2). */
export async function requireAdmin(
  ctx: RequestContext,
  audit: AuditService,
  action: string,
  targetUserId?: number | null,
): Promise<SessionContext> {
  const s = requireSession(ctx);
  const p = s.principal;
  if (!actsAsAdmin(p)) {
    await audit.recordDenied(s, { action, targetUserId: targetUserId ?? null }, 'FORBIDDEN');
    throw new ForbiddenError(p.impersonatorUserId !== null ? 'Not allowed while impersonating.' : 'Only an admin of this org may do this.');
  }
  return s;
}

/**
 * One's own session of one of `kinds`, never under impersonation (rule 22: MFA and password
 * operations on one's own account). Refusals audited.
 */
export async function requireOwnSession(
  ctx: RequestContext,
  audit: AuditService,
  action: string,
  kinds: readonly SessionKindValue[] = ['full'],
): Promise<SessionContext> {
  const s = requireSession(ctx);
  const p = s.principal;
  if (!kinds.includes(p.kind) || p.impersonatorUserId !== null) {
    await audit.recordDenied(s, { action, targetUserId: p.userId }, 'FORBIDDEN');
    throw new ForbiddenError(p.impersonatorUserId !== null ? 'Not allowed while impersonating.' : 'This session may not do this.');
  }
  return s;
}

/**
 * An admin of org A must not take over an account that also opens org B (changing its email,
 * issuing it a password reset): the caller must be an active admin of EVERY org the target user
 * belongs to. One query; a refusal is audited. Acting on oneself is always allowed.
 */
export async function requireAdminOfAllOrgsOf(s: SessionContext, audit: AuditService, action: string, targetUserId: number): Promise<void> {
  if (targetUserId === s.principal.userId) {
    return;
  }
  const rows = await rawQuery<{ n: unknown }>(
    s.manager,
    `SELECT COUNT(*) AS n FROM memberships t
       LEFT JOIN memberships a ON a.orgId = t.orgId AND a.userId = :caller AND a.isActive = :yes AND a.isAdmin = :yes
      WHERE t.userId = :target AND a.id IS NULL`,
    { caller: s.principal.userId, target: targetUserId, yes: true },
  );
  if (Number(rows[0]?.n ?? 0) > 0) {
    await audit.recordDenied(s, { action, targetUserId }, 'FORBIDDEN');
    throw new ForbiddenError('This user also belongs to orgs you do not administer; only an admin of all of them may do this.');
  }
}

/**
 * Inside the caller's transaction: re-reads (and row-locks) the caller's own membership and
 * fails unless it is still an active admin. Used where rule 5 (an org keeps at least one active
 * admin) must hold under concurrency: when the caller removes someone else, the caller remains,
 * and two admins removing each other at once serialise on these row locks (one then finds
 * itself gone). The UPDATE writes nothing; rawExecute counts matched rows on both engines.
 */
export async function lockCallerAsActiveAdmin(tx: RequestContext, callerMembershipId: number): Promise<void> {
  const matched = await rawExecute(
    tx.manager,
    'UPDATE memberships SET isAdmin = isAdmin WHERE id = :id AND isActive = :yes AND isAdmin = :yes',
    { id: callerMembershipId, yes: true },
  );
  if (matched === 0) {
    throw new ForbiddenError('Only an admin of this org may do this.');
  }
}
