import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role as RoleEntity, User, UserGroup } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
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
  constructor(private readonly services: Services) {}

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => GraphQLEmailAddress)
  email(@Root() user: User): string {
    return user.email;
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => String, { nullable: true })
  externalRef(@Root() user: User): string | null {
    return user.externalRef;
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => String, { description: 'BCP 47 language tag.' })
  language(@Root() user: User): string {
    return user.language;
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => Date, { nullable: true })
  lastLoginAt(@Root() user: User): Date | null {
    return user.lastLoginAt;
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => Date)
  createdAt(@Root() user: User): Date {
    return user.createdAt;
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
