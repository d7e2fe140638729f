import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_OUTCOMES,
  type AuditActionKind,
  type AuditActionName,
  type AuditOutcome,
  type AuditOutcomeKind,
} from '../../services/audit/audit-vocabulary';
import { registerDescribedEnum } from './common.types';

/**
 * What each audit action records. A total record: an action added to the vocabulary
 * (services/audit/audit-vocabulary.ts) fails the type check until it is described here.
 */
const ACTION_DESCRIPTIONS: Record<AuditActionName, string> = {
  'auth.sign_in': 'A password sign-in to the org (success: a session was issued; refused: wrong credentials or throttled).',
  'auth.sign_out': 'A session was signed out (revoked).',
  'auth.who_am_i': 'A refused `me` (a session that may not ask).',
  'user.impersonate': 'An admin started an impersonation session as the target (changes: expiresAt).',
  'user.impersonate_stop': 'An impersonation session was ended.',
  'user.create': 'A person was invited into the org (createUser), or added by the CLI.',
  'user.update': "This org's profile of the member changed (names, language, externalRef): before and after per field.",
  'user.email_change_requested':
    'An email change was requested: a confirmation went to the new address (the email is unchanged until it is confirmed).',
  'user.email_change': 'An email change was confirmed: the sign-in address changed (recorded in every org of the person).',
  'user.delete': 'The member was removed from the org, or their invitation withdrawn.',
  'user.password_reset_issued': 'An admin had a password-reset token sent to the member (changes: expiresAt).',
  'user.activate':
    'A one-time token was redeemed: an invitation accepted with a new password, or a password reset (changes: purpose, sessionsRevoked).',
  'user.invitation_accept': 'An invitation was accepted with the password of an existing account.',
  'user.change_password': 'A member changed their own password (changes: otherSessionsRevoked).',
  'users.list': 'A refused member-list request (a filter, order or search the session may not use).',
  'users.get': 'A refused lookup of one member.',
  'users.get_by_external_ref': 'A refused lookup of a member by externalRef (admin-only).',
  'users.counts': 'A refused read of the seat counters (admin-only).',
  'users.export': 'The member CSV was exported (changes: rowCount, complete, filters); from the CLI without an actor.',
  'membership.update': 'Account Status flags changed (updateMembership): before and after per changed field.',
  'membership.list_mfa_exemptions': 'A refused read of the MFA exemptions (admin-only).',
  'membership.mfa_opt_out_expired': 'An MFA opt-out reached its end date and the member was notified (no actor; changes: mfaOptOutUntil).',
  'org.create': 'The org was created (CLI).',
  'org.set_mfa_required': "The org's MFA enforcement was turned on or off: before and after.",
  'org.read_mfa_required': "A refused read of the org's MFA setting.",
  'mfa.generate_temp_secret': 'An MFA enrollment was started (a temporary secret issued; the secret is never recorded).',
  'mfa.validate_code': 'A code was checked to confirm an MFA enrollment (refused: wrong, malformed, replayed or rate-limited code).',
  'mfa.factor_confirmed': 'An MFA factor was confirmed: the member is enrolled.',
  'mfa.verify': 'A sign-in MFA challenge was answered (success: a full session; refused: wrong, malformed, replayed or rate-limited code).',
  'mfa.recovery_code_used': 'A recovery code was used instead of a TOTP code (changes: how many remain).',
  'mfa.regenerate_recovery_codes': 'The member replaced their recovery codes (the codes are never recorded).',
  'mfa.reset': "An admin removed the member's MFA factor and recovery codes.",
  'mfa.reset_own': 'A member removed their own pending or voluntary MFA enrollment.',
  'mfa.batched_attempts':
    'A request carried several MFA-verification fields and was refused whole (each counted as a failed attempt; changes: fields).',
  'roles.list': 'A refused read of the roles (admin-only).',
  'role.create': 'A role was created (changes: name, id).',
  'role.assign': 'A member was given a role (changes: role).',
  'role.unassign': 'A role was taken from a member (changes: role).',
  'roles.removed_feed': 'A refused read of the usersRemovedFromRole feed (admin-only).',
  'roles.updated_feed': 'A refused read of the usersUpdatedByRole feed (admin-only).',
  'groups.list': 'A refused read of the user groups (admin-only).',
  'group.create': 'A user group was created (changes: name, id).',
  'group.add_member': 'A member was added to a user group (changes: group).',
  'group.remove_member': 'A member was removed from a user group (changes: group).',
  'audit.read': 'A refused read of the audit trail (admin-only).',
};

/** The GraphQL name of a stored action: role.assign → ROLE_ASSIGN. */
const enumName = (stored: string): string => stored.toUpperCase().replace(/\./g, '_');

const AuditActionEnum: Record<string, AuditActionKind> = {
  ...Object.fromEntries(AUDIT_ACTION_NAMES.map((a) => [enumName(a), a])),
  GRAPHQL_FIELD_DENIED: 'graphql.*',
  REST_ROUTE_DENIED: 'rest.*',
  OTHER: 'other',
};
registerDescribedEnum(
  AuditActionEnum,
  'AuditAction',
  'What an audit event records. Its stored name (`actionName`) is the value in lower case with the first `_` as a dot: ROLE_ASSIGN is role.assign. Actions that only ever appear refused are the reads a session may not make.',
  {
    ...Object.fromEntries(AUDIT_ACTION_NAMES.map((a) => [enumName(a), `${a}: ${ACTION_DESCRIPTIONS[a]}`])),
    GRAPHQL_FIELD_DENIED:
      'graphql.<Type>.<field>: the GraphQL door refused a field (FORBIDDEN); actionName names it, e.g. graphql.User.email.',
    REST_ROUTE_DENIED:
      'rest.<METHOD> <path>: the REST shim refused a route (FORBIDDEN); actionName names it, e.g. rest.GET /user/users/export.csv.',
    OTHER: 'A name this version does not write (a row of an earlier version); actionName has it.',
  },
);

const OUTCOME_DESCRIPTIONS: Record<AuditOutcome, string> = {
  success: 'The change was made (or the read allowed).',
  FORBIDDEN: 'Refused by the access policy.',
  UNAUTHENTICATED: 'A sign-in refused: unknown org, email or membership, inactive member, or wrong password.',
  NOT_FOUND: 'The target is not a member of the org (or has nothing to act on).',
  RATE_LIMITED: 'Refused because of too many attempts (sign-ins, passwords or MFA codes).',
  WRONG_PASSWORD: 'The password given to confirm the action was wrong.',
  INVALID_TOKEN: 'An unknown, used, voided or expired one-time token.',
  INVALID_CODE: 'A wrong MFA code.',
  MALFORMED_CODE: 'An MFA code that is neither six digits nor a recovery code.',
  REPLAY: 'An MFA code that was already used in its time step.',
  BATCH_REJECTED: 'A request with several MFA-verification fields, refused whole.',
};

const AuditOutcomeEnum: Record<string, AuditOutcomeKind> = {
  ...Object.fromEntries(AUDIT_OUTCOMES.map((o) => [o.toUpperCase(), o])),
  OTHER: 'other',
};
registerDescribedEnum(
  AuditOutcomeEnum,
  'AuditOutcome',
  'How the attempt ended: SUCCESS, or why it was refused (the refusals are recorded too).',
  {
    ...Object.fromEntries(AUDIT_OUTCOMES.map((o) => [o.toUpperCase(), OUTCOME_DESCRIPTIONS[o]])),
    OTHER: 'An outcome this version does not write (a row of an earlier version).',
  },
);

@ObjectType({
  simpleResolvers: true,
  description: 'One field an audit event changed, or one fact it recorded (then `before` is null). Never a secret, code, token or hash.',
})
export class AuditChange {
  @Field(() => String, { description: 'The field or fact, e.g. isActive, role, expiresAt.' })
  field: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value before the change (any JSON value); null when there was none.' })
  before: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The value after the change, or the recorded fact (any JSON value); null when there is none.',
  })
  after: unknown;
}

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'An append-only record of a change or a denied attempt.' })
export class AuditEventNode {
  @Field(() => ID, { description: 'The event id; ids grow with time (the trail is ordered by it).' })
  id: number;

  @Field(() => Date, { description: 'When it was recorded.' })
  at: Date;

  @Field(() => AuditActionEnum, { description: 'What happened or was attempted.' })
  action: AuditActionKind;

  @Field(() => String, {
    description:
      'The stored action name, e.g. role.assign, graphql.User.email, rest.GET /user/users/export.csv (what `action` is the kind of).',
  })
  actionName: string;

  @Field(() => AuditOutcomeEnum, { description: 'SUCCESS, or why the attempt was refused.' })
  outcome: AuditOutcomeKind;

  @Field(() => ID, { nullable: true, description: 'Kept when the actor has left the org (actor is then null).' })
  actorId: number | null;

  @Field(() => ID, { nullable: true, description: 'The admin behind an impersonation session the actor acted in; null otherwise.' })
  impersonatorId: number | null;

  @Field(() => ID, { nullable: true, description: 'Kept when the target has left the org (target is then null).' })
  targetUserId: number | null;

  @Field(() => [AuditChange], {
    description: 'What changed, field by field (empty when nothing did); never secrets, codes, tokens or hashes.',
  })
  changes: AuditChange[];

  @Field(() => String, {
    nullable: true,
    description: 'The request that wrote it (its X-Request-Id header, also in the server log); null for the CLI and the server sweep.',
  })
  requestId: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The client's address (X-Forwarded-For only through TRUST_PROXY_HOPS trusted proxies); null when there was no client.",
  })
  ip: string | null;
}

@InputType({ description: 'Which audit events to list; unset fields do not filter, set ones all apply.' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'Events this user did (also after they left the org).' })
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Events about this user (also after they left the org).' })
  targetUserId?: string | null;

  @Field(() => AuditActionEnum, {
    nullable: true,
    description:
      'Events of this action; GRAPHQL_FIELD_DENIED and REST_ROUTE_DENIED match every refusal of their door. OTHER is not a filter (use actionName).',
  })
  action?: AuditActionKind | null;

  @Field(() => String, {
    nullable: true,
    description: 'Events with exactly this stored name, e.g. role.assign or graphql.User.email (at most 64 characters).',
  })
  actionName?: string | null;

  @Field(() => Date, { nullable: true, description: 'Events at or after this time (inclusive).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Events before this time (exclusive).' })
  to?: Date | null;
}
