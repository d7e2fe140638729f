import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { User } from '../../entities';
import type { MemberQuery } from '../../services/member-query';

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
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType({ simpleResolvers: true })
export class UserEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => User)
  node: User;
}

@ObjectType({ simpleResolvers: true, description: "A page of the org's members." })
export class UserConnection {
  @Field(() => [User])
  nodes: User[];

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
}

@ObjectType({ simpleResolvers: true, description: 'One user in a role sync feed.' })
export class RoleFeedEntry {
  @Field(() => ID)
  userId: number;

  @Field(() => Date, { description: 'When the role was removed (removed feed), or the latest change (updated feed).' })
  at: Date;
}

@ObjectType({ simpleResolvers: true })
export class RoleFeedConnection {
  @Field(() => [RoleFeedEntry])
  nodes: RoleFeedEntry[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ArgsType()
export class RoleFeedArgs {
  @Field(() => ID)
  roleId: string;

  @Field(() => Date, { description: 'Inclusive lower bound.' })
  since: Date;

  @Field(() => Int, { nullable: true, description: '1 to 500, default 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'An append-only record of a change or a denied attempt.' })
export class AuditEventNode {
  @Field(() => ID)
  id: number;

  @Field(() => Date)
  at: Date;

  @Field(() => String)
  action: string;

  @Field(() => String, { description: "'success' or the denial code (FORBIDDEN, RATE_LIMITED, REPLAY, ...)." })
  outcome: string;

  @Field(() => ID, { nullable: true, description: 'Kept when the actor has left the org (actor is then null).' })
  actorId: number | null;

  @Field(() => ID, { nullable: true })
  impersonatorId: number | null;

  @Field(() => ID, { nullable: true, description: 'Kept when the target has left the org (target is then null).' })
  targetUserId: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: '{ field: { before, after } }; never secrets, codes, tokens or hashes.' })
  changes: unknown;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true })
  ip: string | null;
}

@ObjectType({ simpleResolvers: true })
export class AuditEventEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => AuditEventNode)
  node: AuditEventNode;
}

@ObjectType({ simpleResolvers: true })
export class AuditEventConnection {
  @Field(() => [AuditEventNode])
  nodes: AuditEventNode[];

  @Field(() => [AuditEventEdge])
  edges: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true })
  targetUserId?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact action, e.g. role.assign.' })
  action?: string | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 200, default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter | null;
}
