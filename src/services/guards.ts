import type { RequestContext, SessionContext } from '../context';
import { ForbiddenError } from '../errors';
import { rawExecute, rawQuery } from '../db/raw';
import type { AuditService } from './audit.service';
import { requireSession } from './tenancy';

/**
 * Write rights are checked here, in the service, whatever door the call came through (GraphQL
 * decorators do not protect the REST shim, and input-type decorators protect nothing).
 * A refusal is audited (outside the caller's transaction) before it is thrown.
 */
export async function requireAdmin(
  ctx: RequestContext,
  audit: AuditService,
  action: string,
  targetUserId?: number | null,
): Promise<SessionContext> {
  const s = requireSession(ctx);
  const p = s.principal;
  if (p.kind !== 'full' || !p.isAdmin || p.impersonatorUserId !== null) {
    await audit.recordDenied(s, { action, targetUserId: targetUserId ?? null }, 'FORBIDDEN');
    throw new ForbiddenError(p.impersonatorUserId !== null ? 'Not allowed while impersonating.' : 'Only an admin of this org may do this.');
  }
  return s;
}

/** A full session, not an impersonation (MFA and password operations on one's own account). */
export async function requireOwnFullSession(ctx: RequestContext, audit: AuditService, action: string): Promise<SessionContext> {
  const s = requireSession(ctx);
  if (s.principal.impersonatorUserId !== null) {
    await audit.recordDenied(s, { action, targetUserId: s.principal.userId }, 'FORBIDDEN');
    throw new ForbiddenError('Not allowed while impersonating.');
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
