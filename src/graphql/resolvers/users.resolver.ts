import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { User } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { UserConnection, UserCounts, UsersArgs } from '../types/users.types';

/** The org's members: the paged list, one member, the seat header. */
@Resolver(() => UserConnection)
export class UsersResolver {
  constructor(private readonly services: Services) {}

  @Authorized()
  @Query(() => UserConnection, {
    description:
      "The org's members, keyset-paged. Any member may page and search by name; filters, orders other than LAST_NAME and email search are admin-only.",
  })
  users(@Ctx() ctx: GraphQLContext, @Args(() => UsersArgs) args: UsersArgs): Promise<UserConnection> {
    return this.services.directory.listMembers(ctx, args);
  }

  @Authorized()
  @FieldResolver(() => Int, { description: 'Members matching search and filter; computed only when selected.' })
  totalCount(@Ctx() ctx: GraphQLContext, @Root() connection: UserConnection): Promise<number> {
    return this.services.directory.countMembers(ctx, connection.query);
  }

  @Authorized()
  @Query(() => User, { description: 'One member of the org, by id or by externalRef (exactly one). NOT_FOUND outside the org.' })
  user(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('externalRef', () => String, { nullable: true }) externalRef: string | null,
  ): Promise<User> {
    return this.services.directory.getMember(ctx, { id, externalRef });
  }

  @Authorized(Role.ADMIN)
  @Query(() => UserCounts, { description: 'Licensed seats and member counters (admin-only).' })
  userCounts(@Ctx() ctx: GraphQLContext): Promise<UserCounts> {
    return this.services.directory.userCounts(ctx);
  }
}
