import type { RequestContext, SessionContext } from '../context';
import { ForbiddenError } from '../errors';
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
