import type { Principal, RequestContext, SessionContext } from '../../context';
import { ForbiddenError, UnauthenticatedError, type AppError } from '../../errors';
import { rawExecute } from '../../db/raw';
import type { AuditService } from '../audit/audit.service';
import type { AuditAction } from '../audit/audit-vocabulary';
import type { MemberRef } from '../common/ids';

/**
 * THE access policy (docs/product.md rules 1, 2, 3b, 4, 10, 22): the one place that answers "may
 * this principal do this operation to this target?". GraphQL's authChecker (every root field
 * carries `@Authorized(Op.X)`, admin-or-self object fields too), the REST route table (every
 * route carries `access: Op.X`) and the services all ask it; nothing else decides. The doors ask
 * before the call (the target-free part: session, kind, impersonation, admin); the service asks
 * again with the target (self, externalRef lookups) and is the one that counts, so both doors get
 * the same answer from the same code. Tenancy (a foreign or missing target is NOT_FOUND) comes
 * after, from common/tenancy.ts.
 *
 * One refusal per condition, the same code and message on both doors:
 * | condition                                                    | code             |
 * |--------------------------------------------------------------|------------------|
 * | no session (or an ended one)                                 | UNAUTHENTICATED  |
 * | an MFA challenge / enrollment session, for anything but its step | FORBIDDEN    |
 * | a full session, for an MFA step it is not at                 | FORBIDDEN        |
 * | an impersonation session, for admin / own-account operations | FORBIDDEN        |
 * | not an active admin of the org (or not oneself, where allowed) | FORBIDDEN      |
 */
export const Op = {
  // No session needed.
  SignIn: 'SignIn',
  ActivateAccount: 'ActivateAccount',
  ConfirmEmailChange: 'ConfirmEmailChange',
  // Any live session.
  SignOut: 'SignOut',
  // The MFA steps (rule 10): the session's own membership, never impersonated.
  MfaEnroll: 'MfaEnroll',
  MfaVerify: 'MfaVerify',
  // Any member, full session (an impersonation session acts as the member).
  WhoAmI: 'WhoAmI',
  StopImpersonating: 'StopImpersonating',
  MembersList: 'MembersList',
  MemberRead: 'MemberRead',
  OrgMfaRead: 'OrgMfaRead',
  // Admin, or the member themself (rule 4: own record in full).
  MemberPrivateRead: 'MemberPrivateRead',
  MemberProfileUpdate: 'MemberProfileUpdate',
  // Admin, or oneself but never under impersonation (the account's sign-in address).
  EmailChangeRequest: 'EmailChangeRequest',
  // One's own account, full session, never impersonated (rule 22).
  PasswordChange: 'PasswordChange',
  RecoveryCodesRegenerate: 'RecoveryCodesRegenerate',
  // An active admin of the org acting as themself (rule 2).
  MembersFilter: 'MembersFilter',
  MemberLookupByRef: 'MemberLookupByRef',
  MemberCreate: 'MemberCreate',
  MemberRefUpdate: 'MemberRefUpdate',
  MemberDelete: 'MemberDelete',
  MembershipUpdate: 'MembershipUpdate',
  MfaReset: 'MfaReset',
  MfaExemptionsRead: 'MfaExemptionsRead',
  OrgMfaSet: 'OrgMfaSet',
  Impersonate: 'Impersonate',
  PasswordResetIssue: 'PasswordResetIssue',
  MembersExport: 'MembersExport',
  SeatCountsRead: 'SeatCountsRead',
  AuditRead: 'AuditRead',
  RolesRead: 'RolesRead',
  RoleCreate: 'RoleCreate',
  RoleAssign: 'RoleAssign',
  GroupsRead: 'GroupsRead',
  GroupCreate: 'GroupCreate',
  GroupMemberChange: 'GroupMemberChange',
  RoleFeedRead: 'RoleFeedRead',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

type SessionKind = Principal['kind'];

/** Who may do an operation. */
type Rule =
  | { who: 'anyone' }
  | { who: 'any-session' }
  /** The session's own membership in one of `kinds`, never an impersonation. */
  | { who: 'own'; kinds: readonly SessionKind[] }
  /** A full session of any member (an impersonation session included). */
  | { who: 'member' }
  /** An admin, or the target themself (`impersonation`: whether an impersonation session counts as themself). */
  | { who: 'admin-or-self'; impersonation: boolean }
  | { who: 'admin' };

const ADMIN: Rule = { who: 'admin' };
const MEMBER: Rule = { who: 'member' };
const OWN_FULL: Rule = { who: 'own', kinds: ['full'] };

/** Every operation's rule. A Record over Op: an operation without a rule does not compile. */
const RULES: Record<Op, Rule> = {
  SignIn: { who: 'anyone' },
  ActivateAccount: { who: 'anyone' },
  ConfirmEmailChange: { who: 'anyone' },
  SignOut: { who: 'any-session' },
  MfaEnroll: { who: 'own', kinds: ['full', 'mfa_enrollment'] },
  MfaVerify: { who: 'own', kinds: ['mfa_challenge'] },
  WhoAmI: MEMBER,
  StopImpersonating: MEMBER,
  MembersList: MEMBER,
  MemberRead: MEMBER,
  // Every member sees their org's setting (me.org.mfaRequired, GET /user/users/me): the REST read is the same.
  OrgMfaRead: MEMBER,
  MemberPrivateRead: { who: 'admin-or-self', impersonation: true },
  MemberProfileUpdate: { who: 'admin-or-self', impersonation: true },
  EmailChangeRequest: { who: 'admin-or-self', impersonation: false },
  PasswordChange: OWN_FULL,
  RecoveryCodesRegenerate: OWN_FULL,
  MembersFilter: ADMIN,
  MemberLookupByRef: ADMIN,
  MemberCreate: ADMIN,
  MemberRefUpdate: ADMIN,
  MemberDelete: ADMIN,
  MembershipUpdate: ADMIN,
  MfaReset: ADMIN,
  MfaExemptionsRead: ADMIN,
  OrgMfaSet: ADMIN,
  Impersonate: ADMIN,
  PasswordResetIssue: ADMIN,
  MembersExport: ADMIN,
  SeatCountsRead: ADMIN,
  AuditRead: ADMIN,
  RolesRead: ADMIN,
  RoleCreate: ADMIN,
  RoleAssign: ADMIN,
  GroupsRead: ADMIN,
  GroupCreate: ADMIN,
  GroupMemberChange: ADMIN,
  RoleFeedRead: ADMIN,
};

/** Every operation name (the door-parity test walks them). */
export const OPERATIONS: readonly Op[] = Object.keys(RULES) as Op[];

export function isOp(value: unknown): value is Op {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RULES, value);
}

/** What an operation is done to, when that matters to the decision. */
export interface Target {
  /** The target user, when known before loading (admin-or-self rules need it). */
  userId?: number | null;
}

/** A refusal: the error the client gets. */
export interface Refusal {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
}

const REFUSALS = {
  noSession: { code: 'UNAUTHENTICATED', message: 'Not signed in, or the session has ended.' },
  stepSession: { code: 'FORBIDDEN', message: 'This session may only complete the MFA step it was issued for.' },
  noStep: { code: 'FORBIDDEN', message: 'This session has no such MFA step to complete.' },
  impersonating: { code: 'FORBIDDEN', message: 'Not allowed while impersonating.' },
  notAdmin: { code: 'FORBIDDEN', message: 'Only an admin of this org may do this.' },
} as const satisfies Record<string, Refusal>;

const isImpersonation = (p: Principal): boolean => p.impersonatorUserId !== null;

/** An active admin acting as themself (SessionService.resolve never marks an impersonation session admin). */
function actsAsAdmin(p: Principal): boolean {
  return p.kind === 'full' && p.isAdmin && !isImpersonation(p);
}

/**
 * The decision, pure: null when allowed, else the refusal. Without a target it decides what can
 * be decided before the call (admin-or-self then needs only a full session); with one, all of it.
 */
export function decide(p: Principal | null, op: Op, target?: Target): Refusal | null {
  const rule = RULES[op];
  if (rule.who === 'anyone') {
    return null;
  }
  if (!p) {
    return REFUSALS.noSession;
  }
  if (rule.who === 'any-session') {
    return null;
  }
  if (rule.who === 'own') {
    if (!rule.kinds.includes(p.kind)) {
      return p.kind === 'full' ? REFUSALS.noStep : REFUSALS.stepSession;
    }
    return isImpersonation(p) ? REFUSALS.impersonating : null;
  }
  if (p.kind !== 'full') {
    return REFUSALS.stepSession;
  }
  if (rule.who === 'member' || actsAsAdmin(p)) {
    return null;
  }
  if (rule.who === 'admin-or-self') {
    if (target === undefined || target.userId === p.userId) {
      return isImpersonation(p) && !rule.impersonation ? REFUSALS.impersonating : null;
    }
  }
  return isImpersonation(p) ? REFUSALS.impersonating : REFUSALS.notAdmin;
}

/** The decision as a yes/no (for what a caller may see rather than do: email search, full records). */
export function allows(p: Principal | null, op: Op, target?: Target): boolean {
  return decide(p, op, target) === null;
}

/** The refusal as our error vocabulary. */
export function refusalError(r: Refusal): AppError {
  return r.code === 'UNAUTHENTICATED' ? new UnauthenticatedError(r.message) : new ForbiddenError(r.message);
}

export interface AuthorizeOptions {
  /** The audit action of a refusal: the service's action name. */
  action: AuditAction;
  target?: Target;
}

/**
 * Asks the policy and acts on the answer: returns the session context when allowed, otherwise
 * audits a FORBIDDEN (outside the caller's transaction) and throws the refusal. Services call it
 * first, with the target when the rule needs one.
 */
export async function authorize(ctx: RequestContext, audit: AuditService, op: Op, o: AuthorizeOptions): Promise<SessionContext> {
  const refusal = decide(ctx.principal, op, o.target);
  if (refusal) {
    if (refusal.code === 'FORBIDDEN') {
      // An operation on one's own account names oneself as the target.
      const own = RULES[op].who === 'own' ? (ctx.principal?.userId ?? null) : null;
      await audit.recordDenied(ctx, { action: o.action, targetUserId: o.target?.userId ?? own }, 'FORBIDDEN');
    }
    throw refusalError(refusal);
  }
  if (!ctx.principal) {
    // Only public operations get here without a session; they take a RequestContext, not this.
    throw new UnauthenticatedError();
  }
  return ctx as SessionContext;
}

/**
 * A member named by externalRef (REST `byRef=true`, GraphQL `user(externalRef:)`): resolving an
 * externalRef is admin-only, whatever the operation (externalRef is admin-only data, rule 4, and
 * a lookup by it would tell a member whose reference is whose). A numeric id needs nothing more.
 */
export async function authorizeMemberRef(s: SessionContext, audit: AuditService, ref: MemberRef, action: AuditAction): Promise<void> {
  if ('externalRef' in ref) {
    await authorize(s, audit, Op.MemberLookupByRef, { action });
  }
}

/**
 * Inside the caller's transaction: re-reads (and row-locks) the caller's own membership and
 * fails unless it is still an active admin. Used where rule 5 (an org keeps at least one active
 * admin) must hold under concurrency: when the caller removes someone else, the caller remains,
 * and two admins removing each other at once serialise on these row locks (one then finds
 * itself gone). The UPDATE writes nothing; rawExecute counts matched rows on both engines. A
 * write that changes nothing is not replicated, so on Galera it serialises nothing: callers claim
 * the org row first (claimRow, src/db/locks.ts), which is a real write and conflicts across nodes.
 */
export async function lockCallerAsActiveAdmin(tx: RequestContext, callerMembershipId: number): Promise<void> {
  const matched = await rawExecute(
    tx.manager,
    'UPDATE memberships SET isAdmin = isAdmin WHERE id = :id AND isActive = :yes AND isAdmin = :yes',
    { id: callerMembershipId, yes: true },
  );
  if (matched === 0) {
    throw refusalError(REFUSALS.notAdmin);
  }
}
