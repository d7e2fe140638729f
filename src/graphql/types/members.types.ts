import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Membership } from '../../entities';
import type { MemberView } from '../../services/members/member-view';

export enum MemberStatus {
  INVITED = 'invited',
  ACTIVE = 'active',
}
registerEnumType(MemberStatus, {
  name: 'MemberStatus',
  description:
    'INVITED: invited by createUser, not joined yet (not active, no seat; the email is the address the admin typed). ACTIVE: joined.',
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

  @Field(() => String)
  firstName: string;

  @Field(() => String)
  lastName: string;

  email: string;
  externalRef: string | null;
  language: string;
  lastLoginAt: Date | null;
  createdAt: Date;
  status: MemberView['status'];
  membership: Membership;
}

export enum UserOrderField {
  LAST_NAME = 'LAST_NAME',
  EMAIL = 'EMAIL',
  LAST_LOGIN_AT = 'LAST_LOGIN_AT',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(UserOrderField, {
  name: 'UserOrderField',
  description:
    'LAST_NAME: last name, then first name. LAST_LOGIN_AT: members who never signed in sort lowest (first ASC, last DESC). CREATED_AT: member since. Ties are broken by user id in the same direction. Every order except LAST_NAME is admin-only.',
});

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType({ description: 'All filters are admin-only (a filter on an admin-only field would leak it). Unset fields do not filter.' })
export class UserFilter {
  @Field(() => Boolean, { nullable: true, description: 'Enabled (true) or inactive (false) members.' })
  isActive?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isAdmin?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  allAccess?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  mfaOptOut?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Has (or has not) a confirmed TOTP factor in this org.' })
  mfaEnrolled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  excludeFromMembershipCount?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Portal URL Access.' })
  portalAccess?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Advanced permissions.' })
  hasAdvancedPermissions?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Currently holds this role.' })
  roleId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Is in this user group.' })
  groupId?: string | null;
}

@InputType()
export class UserOrder {
  @Field(() => UserOrderField)
  field: UserOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

@ObjectType({ description: 'The seat header ("100 Licensed Users | 11 Enabled | 0 Inactive"), from counters.' })
export class UserCounts {
  @Field(() => Int, { nullable: true, description: 'Seat limit; null means unlimited.' })
  licensedSeats: number | null;

  @Field(() => Int)
  enabled: number;

  @Field(() => Int)
  inactive: number;

  @Field(() => Int, { description: 'Enabled members not excluded from the membership count.' })
  countedTowardSeats: number;

  @Field(() => Int, { description: 'Pending invitations: neither enabled nor inactive, no seat.' })
  invited: number;
}
