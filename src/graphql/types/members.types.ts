import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role, UserGroup } from '../../entities';
import type { MemberQuery } from '../../services/members/member-query';
import type { MemberView } from '../../services/members/member-view';
import { PageInfo } from './common.types';

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

@ArgsType()
export class UsersArgs {
  @Field(() => Int, { nullable: true, description: '1 to 200, default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page (same search, filter and order).' })
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive prefix of first name, last name, "first last" or (admins only) email. % and _ are literal.',
  })
  search?: string | null;

  @Field(() => UserFilter, { nullable: true })
  filter?: UserFilter | null;

  @Field(() => UserOrder, { nullable: true, description: 'Default LAST_NAME ASC.' })
  orderBy?: UserOrder | null;
}

@ObjectType({ simpleResolvers: true })
export class UserEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => MemberNode)
  node: MemberNode;
}

@ObjectType({ simpleResolvers: true, description: "A page of the org's members." })
export class UserConnection {
  @Field(() => [MemberNode])
  nodes: MemberNode[];

  @Field(() => [UserEdge])
  edges: UserEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Not a field: what totalCount counts. */
  query: MemberQuery;
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
