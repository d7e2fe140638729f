import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role as RoleEntity, UserGroup } from '../../entities';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import type { GraphQLContext } from '../context';
import { MemberNode, MemberStatus, UserConnection, UserCounts, UsersArgs } from '../types/members.types';

@Resolver(() => UserConnection)
export class UsersResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MembersList)
  @Query(() => UserConnection, {
    description:
      "The org's members (and pending invitations), keyset-paged. Any member may page and search by name; filters, orders other than LAST_NAME and email search are admin-only.",
  })
  users(@Ctx() ctx: GraphQLContext, @Args(() => UsersArgs) args: UsersArgs): Promise<UserConnection> {
    return this.services.memberDirectory.listMembers(ctx, args);
  }

  @Authorized(Op.MembersList)
  @FieldResolver(() => Int, { description: 'Members matching search and filter; computed only when selected.' })
  totalCount(@Ctx() ctx: GraphQLContext, @Root() connection: UserConnection): Promise<number> {
    return this.services.memberDirectory.countMembers(ctx, connection.query);
  }

  @Authorized(Op.MemberRead)
  @Query(() => MemberNode, {
    description: 'One member of the org, by id or by externalRef (exactly one; externalRef: admins only). NOT_FOUND outside the org.',
  })
  user(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('externalRef', () => String, { nullable: true }) externalRef: string | null,
  ): Promise<MemberNode> {
    return this.services.memberDirectory.getMember(ctx, { id, externalRef });
  }

  @Authorized(Op.SeatCountsRead)
  @Query(() => UserCounts, { description: 'Licensed seats and member counters (admin-only).' })
  userCounts(@Ctx() ctx: GraphQLContext): Promise<UserCounts> {
    return this.services.memberDirectory.userCounts(ctx);
  }
}

/** The admin-or-self fields of a member (rule 4): the authChecker asks the policy with the member as target. */
@Resolver(() => MemberNode)
export class UserFieldsResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => GraphQLEmailAddress, {
    description: "The account's sign-in address; while invited, the address the invitation went to.",
  })
  email(@Root() m: MemberNode): string {
    return m.email;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => String, { nullable: true, description: "This org's reference for the person (unique within the org)." })
  externalRef(@Root() m: MemberNode): string | null {
    return m.externalRef;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => String, { description: 'BCP 47 language tag.' })
  language(@Root() m: MemberNode): string {
    return m.language;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => Date, { nullable: true, description: 'The last sign-in to this org.' })
  lastLoginAt(@Root() m: MemberNode): Date | null {
    return m.lastLoginAt;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => Date, { description: 'Member (or invited) since.' })
  createdAt(@Root() m: MemberNode): Date {
    return m.createdAt;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => MemberStatus)
  status(@Root() m: MemberNode): MemberStatus {
    return m.status as MemberStatus;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => Membership, { description: "The member's membership in the caller's org." })
  membership(@Root() m: MemberNode): Membership {
    return m.membership;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => [RoleEntity], { description: "Roles the member holds in the caller's org." })
  roles(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<RoleEntity[]> {
    return this.services.memberLoader.rolesOf(ctx, m.id);
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => [UserGroup], { description: "User groups of the caller's org the member is in." })
  groups(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<UserGroup[]> {
    return this.services.memberLoader.groupsOf(ctx, m.id);
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver(() => Boolean, { description: "Has a confirmed TOTP factor for the caller's org." })
  mfaEnrolled(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<boolean> {
    return this.services.memberLoader.mfaEnrolledOf(ctx, m.id);
  }
}
