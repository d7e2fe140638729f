import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role, UserGroup } from '../../entities';
import type { MemberView } from '../../services/members/member-view';
import { registerDescribedEnum } from './common.types';

export enum MemberStatus {
  INVITED = 'invited',
  ACTIVE = 'active',
}
registerDescribedEnum(MemberStatus, 'MemberStatus', 'Whether a member has joined the org.', {
  INVITED: 'Invited by createUser, not joined yet: not active, no seat; the email is the address the admin typed.',
  ACTIVE: 'Joined (the invitation was accepted, or the member was added directly).',
});

/**
 * The GraphQL `User`: a member as the caller's org sees them (services/members/member-view.ts),
 * never the shared account. id, firstName and lastName are for every member; the other fields
 * (UserFieldsResolver) are for an admin or the member themself.
 */
@ObjectType('User', {
  simpleResolvers: true,
  description:
    "A member of the caller's org, as this org sees them: its profile of the person (names, language, externalRef), the last sign-in to this org, member since, and the account's email once they have joined.",
})
export class MemberNode implements MemberView {
  @Field(() => ID, { description: 'The user id (the same in every org the person belongs to).' })
  id: number;

  @Field(() => String, { description: "This org's first name for the person (every member may read it)." })
  firstName: string;

  @Field(() => String, { description: "This org's last name for the person (every member may read it)." })
  lastName: string;

  // The fields below are for an admin or the member themself (UserFieldsResolver resolves and
  // guards them). They are nullable so that a refusal nulls that one field, with a FORBIDDEN error
  // whose path points at it, instead of the member (and with it the whole list) it is part of.

  @Field(() => GraphQLEmailAddress, {
    nullable: true,
    description:
      "Admin or self. The account's sign-in address; while invited, the address the invitation went to. Null, with a FORBIDDEN error at this path, for anyone else.",
  })
  email: string;

  @Field(() => String, {
    nullable: true,
    description: "Admin or self. This org's reference for the person (unique within the org); null when unset or refused.",
  })
  externalRef: string | null;

  @Field(() => String, { nullable: true, description: 'Admin or self. BCP 47 language tag, e.g. en-US.' })
  language: string;

  @Field(() => Date, { nullable: true, description: 'Admin or self. The last sign-in to this org; null when never or refused.' })
  lastLoginAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Admin or self. Member (or invited) since.' })
  createdAt: Date;

  @Field(() => MemberStatus, { nullable: true, description: 'Admin or self. Invited or joined.' })
  status: MemberView['status'];

  @Field(() => Membership, { nullable: true, description: "Admin or self. The member's Account Status flags in the caller's org." })
  membership: Membership;

  @Field(() => [Role], { nullable: true, description: "Admin or self. Roles the member holds in the caller's org, by name." })
  roles?: Role[];

  @Field(() => [UserGroup], { nullable: true, description: "Admin or self. User groups of the caller's org the member is in, by name." })
  groups?: UserGroup[];

  @Field(() => Boolean, { nullable: true, description: "Admin or self. Has a confirmed TOTP factor for the caller's org." })
  mfaEnrolled?: boolean;
}

export enum UserOrderField {
  LAST_NAME = 'LAST_NAME',
  EMAIL = 'EMAIL',
  LAST_LOGIN_AT = 'LAST_LOGIN_AT',
  CREATED_AT = 'CREATED_AT',
}
registerDescribedEnum(
  UserOrderField,
  'UserOrderField',
  'What the member list is sorted by. Ties are broken by user id in the same direction. Every order except LAST_NAME is admin-only.',
  {
    LAST_NAME: 'Last name, then first name (case-insensitive). The default; for every member.',
    EMAIL: 'Email address, case-insensitive (admin-only).',
    LAST_LOGIN_AT: 'The last sign-in to this org; members who never signed in sort lowest (first in ASC, last in DESC). Admin-only.',
    CREATED_AT: 'Member (or invited) since (admin-only).',
  },
);

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerDescribedEnum(SortDirection, 'SortDirection', 'The direction of an order.', {
  ASC: 'Ascending: A to Z, oldest first.',
  DESC: 'Descending: Z to A, newest first.',
});

@InputType({ description: 'All filters are admin-only (a filter on an admin-only field would leak it). Unset fields do not filter.' })
export class UserFilter {
  @Field(() => Boolean, { nullable: true, description: 'Enabled (true) or inactive (false) members.' })
  isActive?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Admins (true) or standard users (false).' })
  isAdmin?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'With (or without) All Data Access.' })
  allAccess?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Opted out of (or subject to) the org's MFA enforcement, whether or not the opt-out has ended.",
  })
  mfaOptOut?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Has (or has not) a confirmed TOTP factor in this org.' })
  mfaEnrolled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Excluded from (or counted toward) the licensed seats.' })
  excludeFromMembershipCount?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'With (or without) Portal URL Access.' })
  portalAccess?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'With (or without) advanced permissions (the seed\'s "User permissions" filter).' })
  hasAdvancedPermissions?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Currently holds this role.' })
  roleId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Is in this user group.' })
  groupId?: string | null;
}

@InputType({ description: 'The order of the member list.' })
export class UserOrder {
  @Field(() => UserOrderField, { description: 'What to sort by.' })
  field: UserOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending (default) or descending.' })
  direction: SortDirection;
}

@ObjectType({ description: 'The seat header ("100 Licensed Users | 11 Enabled | 0 Inactive"), from counters.' })
export class UserCounts {
  @Field(() => Int, { nullable: true, description: 'Seat limit; null means unlimited.' })
  licensedSeats: number | null;

  @Field(() => Int, { description: 'Active (enabled) members.' })
  enabled: number;

  @Field(() => Int, { description: 'Members who joined and are not active.' })
  inactive: number;

  @Field(() => Int, { description: 'Enabled members not excluded from the membership count.' })
  countedTowardSeats: number;

  @Field(() => Int, { description: 'Pending invitations: neither enabled nor inactive, no seat.' })
  invited: number;
}
