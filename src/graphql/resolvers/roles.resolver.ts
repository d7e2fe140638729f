import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role as RoleEntity, UserGroup } from '../../entities';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { MemberNode } from '../types/members.types';
import { RoleFeedEntry } from '../types/roles.types';
import { RoleConnection, RoleFeedConnection, UserGroupConnection } from '../types/connections.types';
import { NamedSetArgs, RoleFeedArgs } from '../types/lists.args';

/** Roles and user groups: lists, creation, membership changes, sync feeds (all admin-only). */
@Resolver(() => RoleFeedEntry)
export class RolesResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.RolesRead)
  @Query(() => RoleConnection, { nullable: true, description: "The org's roles by name, keyset-paged." })
  roles(@Ctx() ctx: GraphQLContext, @Args(() => NamedSetArgs) args: NamedSetArgs): Promise<RoleConnection | null> {
    return this.services.role.listRoles(ctx, args);
  }

  @Authorized(Op.GroupsRead)
  @Query(() => UserGroupConnection, { nullable: true, description: "The org's user groups by name, keyset-paged." })
  userGroups(@Ctx() ctx: GraphQLContext, @Args(() => NamedSetArgs) args: NamedSetArgs): Promise<UserGroupConnection | null> {
    return this.services.role.listGroups(ctx, args);
  }

  @Authorized(Op.RoleCreate)
  @Mutation(() => RoleEntity, { description: 'Creates a role (CONFLICT if the name exists in the org).' })
  createRole(@Ctx() ctx: GraphQLContext, @Arg('name', () => String) name: string): Promise<RoleEntity> {
    return this.services.role.createRole(ctx, name);
  }

  @Authorized(Op.GroupCreate)
  @Mutation(() => UserGroup, { description: 'Creates a user group (CONFLICT if the name exists in the org).' })
  createUserGroup(@Ctx() ctx: GraphQLContext, @Arg('name', () => String) name: string): Promise<UserGroup> {
    return this.services.role.createUserGroup(ctx, name);
  }

  @Authorized(Op.RoleAssign)
  @Mutation(() => Boolean, { description: 'Gives a member a role. false: they already had it (nothing changed).' })
  assignRole(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('roleId', () => ID) roleId: string,
  ): Promise<boolean> {
    return this.services.role.assignRole(ctx, parseId(userId, 'userId'), parseId(roleId, 'roleId'));
  }

  @Authorized(Op.RoleAssign)
  @Mutation(() => Boolean, {
    description: 'Takes a role away (the assignment keeps removedAt for the sync feed). false: they did not have it.',
  })
  unassignRole(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('roleId', () => ID) roleId: string,
  ): Promise<boolean> {
    return this.services.role.unassignRole(ctx, parseId(userId, 'userId'), parseId(roleId, 'roleId'));
  }

  @Authorized(Op.GroupMemberChange)
  @Mutation(() => Boolean, { description: 'Adds a member to a group. false: already in it.' })
  addToGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('groupId', () => ID) groupId: string,
  ): Promise<boolean> {
    return this.services.role.addToGroup(ctx, parseId(userId, 'userId'), parseId(groupId, 'groupId'));
  }

  @Authorized(Op.GroupMemberChange)
  @Mutation(() => Boolean, { description: 'Removes a member from a group. false: was not in it.' })
  removeFromGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('groupId', () => ID) groupId: string,
  ): Promise<boolean> {
    return this.services.role.removeFromGroup(ctx, parseId(userId, 'userId'), parseId(groupId, 'groupId'));
  }

  @Authorized(Op.RoleFeedRead)
  @Query(() => RoleFeedConnection, {
    nullable: true,
    description: 'Users who lost the role at or after `since` and do not hold it now, oldest removal first (then by user id).',
  })
  usersRemovedFromRole(@Ctx() ctx: GraphQLContext, @Args(() => RoleFeedArgs) args: RoleFeedArgs): Promise<RoleFeedConnection | null> {
    return this.services.roleFeed.usersRemovedFromRole(ctx, { ...args, roleId: parseId(args.roleId, 'roleId') });
  }

  @Authorized(Op.RoleFeedRead)
  @Query(() => RoleFeedConnection, {
    nullable: true,
    description:
      'Current holders of the role whose assignment or member record changed at or after `since`, oldest change first (then by user id).',
  })
  usersUpdatedByRole(@Ctx() ctx: GraphQLContext, @Args(() => RoleFeedArgs) args: RoleFeedArgs): Promise<RoleFeedConnection | null> {
    return this.services.roleFeed.usersUpdatedByRole(ctx, { ...args, roleId: parseId(args.roleId, 'roleId') });
  }

  @Authorized(Op.RoleFeedRead)
  @FieldResolver(() => MemberNode, { nullable: true, description: 'Null when the user is no longer a member of the org (userId stays).' })
  user(@Ctx() ctx: GraphQLContext, @Root() entry: RoleFeedEntry): Promise<MemberNode | null> {
    return this.services.memberLoader.memberOrNull(ctx, entry.userId);
  }
}
