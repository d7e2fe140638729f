import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Membership, Role as RoleEntity, UserGroup } from '../../entities';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import type { GraphQLContext } from '../context';
import { createFieldGuard, type FieldGuard } from '../auth-checker';
import { MemberNode, MemberStatus, UserCounts } from '../types/members.types';
import { UserConnection } from '../types/connections.types';
import { UsersArgs } from '../types/lists.args';

@Resolver(() => UserConnection)
export class UsersResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MembersList)
  @Query(() => UserConnection, {
    nullable: true,
    description:
      "The org's members (and pending invitations), keyset-paged forward (first/after) or backward (last/before). Any member may page and search by name; filters, orders other than LAST_NAME and email search are admin-only.",
  })
  users(@Ctx() ctx: GraphQLContext, @Args(() => UsersArgs) args: UsersArgs): Promise<UserConnection | null> {
    return this.services.memberDirectory.listMembers(ctx, args);
  }

  @Authorized(Op.MembersList)
  @FieldResolver(() => Int, { description: 'Members matching search and filter; computed only when selected.' })
  totalCount(@Ctx() ctx: GraphQLContext, @Root() connection: UserConnection): Promise<number> {
    return this.services.memberDirectory.countMembers(ctx, connection.query);
  }

  @Authorized(Op.MemberRead)
  @Query(() => MemberNode, {
    nullable: true,
    description:
      'One member of the org, by id or by externalRef (exactly one; externalRef: admins only). Null with a NOT_FOUND error outside the org, so sibling root fields still answer.',
  })
  user(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'The user id (give this or externalRef).' }) id: string | null,
    @Arg('externalRef', () => String, { nullable: true, description: "The org's reference for the person (admins only; give this or id)." })
    externalRef: string | null,
  ): Promise<MemberNode | null> {
    return this.services.memberDirectory.getMember(ctx, { id, externalRef });
  }

  @Authorized(Op.SeatCountsRead)
  @Query(() => UserCounts, { nullable: true, description: 'Licensed seats and member counters (admin-only).' })
  userCounts(@Ctx() ctx: GraphQLContext): Promise<UserCounts | null> {
    return this.services.memberDirectory.userCounts(ctx);
  }
}

/** The admin-or-self fields of a member (rule 4): the authChecker asks the policy with the member as target. */
@Resolver(() => MemberNode)
export class UserFieldsResolver {
  /**
   * Admin-or-self for the scalar fields, decided synchronously (see createFieldGuard): on a page
   * of 50 members these cells are the hot path. The object fields below read data and are async
   * anyway; they keep @Authorized.
   */
  private readonly adminOrSelf: FieldGuard;

  constructor(private readonly services: Services) {
    this.adminOrSelf = createFieldGuard(services.audit, Op.MemberPrivateRead);
  }

  @FieldResolver()
  email(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode, @Info() info: GraphQLResolveInfo): string | Promise<never> {
    return this.adminOrSelf(ctx, m, info, () => m.email);
  }

  @FieldResolver()
  externalRef(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode, @Info() info: GraphQLResolveInfo): string | null | Promise<never> {
    return this.adminOrSelf(ctx, m, info, () => m.externalRef);
  }

  @FieldResolver()
  language(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode, @Info() info: GraphQLResolveInfo): string | Promise<never> {
    return this.adminOrSelf(ctx, m, info, () => m.language);
  }

  @FieldResolver()
  lastLoginAt(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode, @Info() info: GraphQLResolveInfo): Date | null | Promise<never> {
    return this.adminOrSelf(ctx, m, info, () => m.lastLoginAt);
  }

  @FieldResolver()
  createdAt(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode, @Info() info: GraphQLResolveInfo): Date | Promise<never> {
    return this.adminOrSelf(ctx, m, info, () => m.createdAt);
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver()
  status(@Root() m: MemberNode): MemberStatus {
    return m.status as MemberStatus;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver()
  membership(@Root() m: MemberNode): Membership {
    return m.membership;
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver()
  roles(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<RoleEntity[]> {
    return this.services.memberLoader.rolesOf(ctx, m.id);
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver()
  groups(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<UserGroup[]> {
    return this.services.memberLoader.groupsOf(ctx, m.id);
  }

  @Authorized(Op.MemberPrivateRead)
  @FieldResolver()
  mfaEnrolled(@Ctx() ctx: GraphQLContext, @Root() m: MemberNode): Promise<boolean> {
    return this.services.memberLoader.mfaEnrolledOf(ctx, m.id);
  }
}
