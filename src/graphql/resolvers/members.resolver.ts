import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role as RoleEntity, User, UserGroup } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { createFieldGuard, type FieldGuard } from '../auth-checker';
import { Role } from '../roles';
import { UserConnection, UserCounts, UsersArgs } from '../types/members.types';

@Resolver(() => UserConnection)
export class UsersResolver {
  constructor(private readonly services: Services) {}

  @Authorized()
  @Query(() => UserConnection, {
    description:
      "The org's members, keyset-paged. Any member may page and search by name; filters, orders other than LAST_NAME and email search are admin-only.",
  })
  users(@Ctx() ctx: GraphQLContext, @Args(() => UsersArgs) args: UsersArgs): Promise<UserConnection> {
    return this.services.memberDirectory.listMembers(ctx, args);
  }

  @Authorized()
  @FieldResolver(() => Int, { description: 'Members matching search and filter; computed only when selected.' })
  totalCount(@Ctx() ctx: GraphQLContext, @Root() connection: UserConnection): Promise<number> {
    return this.services.memberDirectory.countMembers(ctx, connection.query);
  }

  @Authorized()
  @Query(() => User, { description: 'One member of the org, by id or by externalRef (exactly one). NOT_FOUND outside the org.' })
  user(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('externalRef', () => String, { nullable: true }) externalRef: string | null,
  ): Promise<User> {
    return this.services.memberDirectory.getMember(ctx, { id, externalRef });
  }

  @Authorized(Role.ADMIN)
  @Query(() => UserCounts, { description: 'Licensed seats and member counters (admin-only).' })
  userCounts(@Ctx() ctx: GraphQLContext): Promise<UserCounts> {
    return this.services.memberDirectory.userCounts(ctx);
  }
}

@Resolver(() => User)
export class UserFieldsResolver {
  /**
   * Admin-or-self for the scalar fields, decided synchronously (see createFieldGuard): on a page
   * of 50 members these cells are the hot path. The object fields below read data and are async
   * anyway; they keep @Authorized.
   */
  private readonly adminOrSelf: FieldGuard;

  constructor(private readonly services: Services) {
    this.adminOrSelf = createFieldGuard(services.audit, [Role.ADMIN_OR_SELF]);
  }

  @FieldResolver(() => GraphQLEmailAddress)
  email(@Ctx() ctx: GraphQLContext, @Root() user: User, @Info() info: GraphQLResolveInfo): string | Promise<never> {
    return this.adminOrSelf(ctx, user, info, () => user.email);
  }

  @FieldResolver(() => String, { nullable: true })
  externalRef(@Ctx() ctx: GraphQLContext, @Root() user: User, @Info() info: GraphQLResolveInfo): string | null | Promise<never> {
    return this.adminOrSelf(ctx, user, info, () => user.externalRef);
  }

  @FieldResolver(() => String, { description: 'BCP 47 language tag.' })
  language(@Ctx() ctx: GraphQLContext, @Root() user: User, @Info() info: GraphQLResolveInfo): string | Promise<never> {
    return this.adminOrSelf(ctx, user, info, () => user.language);
  }

  @FieldResolver(() => Date, { nullable: true })
  lastLoginAt(@Ctx() ctx: GraphQLContext, @Root() user: User, @Info() info: GraphQLResolveInfo): Date | null | Promise<never> {
    return this.adminOrSelf(ctx, user, info, () => user.lastLoginAt);
  }

  @FieldResolver(() => Date)
  createdAt(@Ctx() ctx: GraphQLContext, @Root() user: User, @Info() info: GraphQLResolveInfo): Date | Promise<never> {
    return this.adminOrSelf(ctx, user, info, () => user.createdAt);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => Membership, { description: "The user's membership in the caller's org." })
  membership(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<Membership> {
    return this.services.memberLoader.membershipOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => [RoleEntity], { description: "Roles the user holds in the caller's org." })
  roles(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<RoleEntity[]> {
    return this.services.memberLoader.rolesOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => [UserGroup], { description: "User groups of the caller's org the user is in." })
  groups(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<UserGroup[]> {
    return this.services.memberLoader.groupsOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => Boolean, { description: "Has a confirmed TOTP factor for the caller's org." })
  mfaEnrolled(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<boolean> {
    return this.services.memberLoader.mfaEnrolledOf(ctx, user.id);
  }
}
