import type { GraphQLResolveInfo } from 'graphql';
import type { AuthCheckerFn } from 'type-graphql';
import { ForbiddenError } from '../errors';
import type { AuditService } from '../services/audit/audit.service';
import { decide, isOp, refusalError, type Op, type Refusal } from '../services/access/policy';
import type { GraphQLContext } from './context';

/** The member a `User` object (services/members/member-view.ts) or a Membership is about. */
function ownerIdOf(root: unknown): number | null {
  if (root && typeof root === 'object') {
    const r = root as { userId?: unknown; id?: unknown };
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
 * The one authChecker: `@Authorized(Op.X)` names the operation and the access policy
 * (services/access/policy.ts) decides, as it does for the REST routes and inside the services.
 * Root fields are decided without a target (the service decides again with it); object fields
 * with the object's member as the target (admin-or-self). It throws rather than returning false
 * so the client gets our error vocabulary. Denials of root fields are audited; a denied object
 * field is audited once per request.
 */
export function createAuthChecker(audit: AuditService): AuthCheckerFn<GraphQLContext, Op> {
  return async ({ context, root, info }, ops) => {
    const [op] = ops;
    if (ops.length !== 1 || !isOp(op)) {
      // A declaration the policy does not know decides nothing: refuse (test/security/door-parity catches it first).
      throw new ForbiddenError();
    }
    const isRoot = isRootField(info);
    const refusal = decide(context.principal, op, isRoot ? undefined : { userId: ownerIdOf(root) });
    return refusal ? refuse(audit, context, info, refusal) : true;
  };
}

const isRootField = (info: GraphQLResolveInfo): boolean => info.parentType.name === 'Query' || info.parentType.name === 'Mutation';

/** Audits a refusal (root fields always, object fields once per request) and throws the policy's error. */
async function refuse(audit: AuditService, context: GraphQLContext, info: GraphQLResolveInfo, refusal: Refusal): Promise<never> {
  if (refusal.code === 'FORBIDDEN' && (isRootField(info) || !context.deniedAudited)) {
    context.deniedAudited = true;
    await audit.recordDenied(context, { action: `graphql.${info.parentType.name}.${info.fieldName}` }, 'FORBIDDEN');
  }
  throw refusalError(refusal);
}

/**
 * The same decision for a scalar object field of a hot list type, without type-graphql's
 * @Authorized: that wraps the field in an async middleware, so each of a page's 50 `email` cells
 * became a promise (about 5% of a page request's CPU, `npm run bench`). Allowed: the value,
 * synchronously; refused: the authChecker's refusal, audited the same way. The operation is the
 * one the object's other fields declare with @Authorized.
 */
export type FieldGuard = <T>(context: GraphQLContext, root: unknown, info: GraphQLResolveInfo, value: () => T) => T | Promise<never>;

export function createFieldGuard(audit: AuditService, op: Op): FieldGuard {
  return (context, root, info, value) => {
    const refusal = decide(context.principal, op, { userId: ownerIdOf(root) });
    return refusal ? refuse(audit, context, info, refusal) : value();
  };
}
