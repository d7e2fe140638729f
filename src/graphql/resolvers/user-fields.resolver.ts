import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Membership, Role as RoleEntity, User, UserGroup } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';

/**
 * The admin-only (or self) fields of User (PRODUCT.md rule 4). A non-admin reading another
 * member's field gets FORBIDDEN for that field, never the value.
 */
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
    return this.services.members.membershipOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => [RoleEntity], { description: "Roles the user holds in the caller's org." })
  roles(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<RoleEntity[]> {
    return this.services.members.rolesOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => [UserGroup], { description: "User groups of the caller's org the user is in." })
  groups(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<UserGroup[]> {
    return this.services.members.groupsOf(ctx, user.id);
  }

  @Authorized(Role.ADMIN_OR_SELF)
  @FieldResolver(() => Boolean, { description: "Has a confirmed TOTP factor for the caller's org." })
  mfaEnrolled(@Ctx() ctx: GraphQLContext, @Root() user: User): Promise<boolean> {
    return this.services.members.mfaEnrolledOf(ctx, user.id);
  }
}
