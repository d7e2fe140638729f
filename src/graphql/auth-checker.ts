import type { AuthCheckerFn } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { AuditService } from '../services/audit/audit.service';
import type { GraphQLContext } from './context';
import { Role, type RoleName } from './roles';

function ownerIdOf(root: unknown): number | null {
  if (root && typeof root === 'object') {
    const r = root as { userId?: unknown; id?: unknown; __typename?: string };
    if (typeof r.userId === 'number') {
      return r.userId;
    }
    if (r.id !== undefined) {
      return Number(r.id);
    }
  }
  return null;
}

/**
 * The one authChecker. It throws (rather than returning false) so the client gets our error
 * vocabulary: UNAUTHENTICATED without a session, FORBIDDEN for a session that may not do this.
 * Denials of root fields are audited; a denied object field is audited once per request.
 */
export function createAuthChecker(audit: AuditService): AuthCheckerFn<GraphQLContext, RoleName> {
  return async ({ context, root, info }, roles) => {
    if (roles.includes(Role.PUBLIC)) {
      return true;
    }
    const p = context.principal;
    if (!p) {
      throw new UnauthenticatedError();
    }
    const isRoot = info.parentType.name === 'Query' || info.parentType.name === 'Mutation';
    let allowed: boolean;
    if (roles.includes(Role.ANY_SESSION)) {
      allowed = true;
    } else if (roles.includes(Role.MFA_CHALLENGE)) {
      allowed = p.kind === 'mfa_challenge';
    } else if (roles.includes(Role.MFA_ENROLLMENT)) {
      allowed = p.kind === 'full' || p.kind === 'mfa_enrollment';
    } else if (p.kind !== 'full') {
      allowed = false;
    } else if (roles.includes(Role.ADMIN)) {
      allowed = p.isAdmin;
    } else if (roles.includes(Role.ADMIN_OR_SELF)) {
      allowed = p.isAdmin || ownerIdOf(root) === p.userId;
    } else {
      allowed = true;
    }
    if (allowed) {
      return true;
    }
    if (isRoot || !context.deniedAudited) {
      context.deniedAudited = true;
      await audit.recordDenied(context, { action: `graphql.${info.parentType.name}.${info.fieldName}` }, 'FORBIDDEN');
    }
    if (p.kind !== 'full' && !roles.includes(Role.MFA_CHALLENGE)) {
      throw new ForbiddenError('This session may only complete the MFA step it was issued for.');
    }
    throw new ForbiddenError(
      isRoot ? 'Only an admin of this org may do this.' : `Only an admin may read ${info.parentType.name}.${info.fieldName}.`,
    );
  };
}
