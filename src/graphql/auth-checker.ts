import type { GraphQLResolveInfo } from 'graphql';
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

/** Whether the principal may resolve a field with these roles (no side effects, no await). */
function allows(context: GraphQLContext, roles: readonly RoleName[], root: unknown): boolean {
  const p = context.principal;
  if (roles.includes(Role.PUBLIC)) {
    return true;
  }
  if (!p) {
    return false;
  }
  if (roles.includes(Role.ANY_SESSION)) {
    return true;
  }
  if (roles.includes(Role.MFA_CHALLENGE)) {
    return p.kind === 'mfa_challenge';
  }
  if (roles.includes(Role.MFA_ENROLLMENT)) {
    return p.kind === 'full' || p.kind === 'mfa_enrollment';
  }
  if (p.kind !== 'full') {
    return false;
  }
  if (roles.includes(Role.ADMIN)) {
    return p.isAdmin;
  }
  if (roles.includes(Role.ADMIN_OR_SELF)) {
    return p.isAdmin || ownerIdOf(root) === p.userId;
  }
  return true;
}

/** The refusal: UNAUTHENTICATED without a session, else FORBIDDEN, audited (root fields always, object fields once per request). */
async function deny(audit: AuditService, context: GraphQLContext, roles: readonly RoleName[], info: GraphQLResolveInfo): Promise<never> {
  const p = context.principal;
  if (!p) {
    throw new UnauthenticatedError();
  }
  const isRoot = info.parentType.name === 'Query' || info.parentType.name === 'Mutation';
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
}

/**
 * The one authChecker. It throws (rather than returning false) so the client gets our error
 * vocabulary: UNAUTHENTICATED without a session, FORBIDDEN for a session that may not do this.
 * Denials of root fields are audited; a denied object field is audited once per request.
 */
export function createAuthChecker(audit: AuditService): AuthCheckerFn<GraphQLContext, RoleName> {
  return async ({ context, root, info }, roles) => (allows(context, roles, root) ? true : deny(audit, context, roles, info));
}

/**
 * The same decision for a scalar field of a hot list type, without type-graphql's @Authorized:
 * that wraps the field in an async middleware, so each of a page's 50 `email` cells became a
 * promise (about 5% of a page request's CPU, `npm run bench`). Allowed: the value, synchronously;
 * refused: the authChecker's refusal (audited the same way).
 */
export type FieldGuard = <T>(context: GraphQLContext, root: unknown, info: GraphQLResolveInfo, value: () => T) => T | Promise<never>;

export function createFieldGuard(audit: AuditService, roles: readonly RoleName[]): FieldGuard {
  return (context, root, info, value) => (allows(context, roles, root) ? value() : deny(audit, context, roles, info));
}
