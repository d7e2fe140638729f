import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { MemberNode } from '../types/members.types';
import { RoleFeedEntry } from '../types/roles.types';
import { RoleConnection, RoleFeedConnection, UserGroupConnection } from '../types/connections.types';
import { NamedSetArgs, RoleFeedArgs } from '../types/lists.args';
import { payload } from '../types/mutation.types';
import {
  AddToGroupInput,
  AssignRoleInput,
  CreateRoleInput,
  CreateUserGroupInput,
  RemoveFromGroupInput,
  UnassignRoleInput,
} from '../types/roles.inputs';
import {
  AddToGroupPayload,
  AssignRolePayload,
  CreateRolePayload,
  CreateUserGroupPayload,
  RemoveFromGroupPayload,
  UnassignRolePayload,
} from '../types/roles.payloads';

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
  @Mutation(() => CreateRolePayload, { description: 'Creates a role (CONFLICT if the name exists in the org).' })
  async createRole(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => CreateRoleInput, { description: 'The name.' }) input: CreateRoleInput,
  ): Promise<CreateRolePayload> {
    return payload(input, { role: await this.services.role.createRole(ctx, input.name) });
  }

  @Authorized(Op.GroupCreate)
  @Mutation(() => CreateUserGroupPayload, { description: 'Creates a user group (CONFLICT if the name exists in the org).' })
  async createUserGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => CreateUserGroupInput, { description: 'The name.' }) input: CreateUserGroupInput,
  ): Promise<CreateUserGroupPayload> {
    return payload(input, { userGroup: await this.services.role.createUserGroup(ctx, input.name) });
  }

  @Authorized(Op.RoleAssign)
  @Mutation(() => AssignRolePayload, { description: 'Gives a member a role. changed false: they already had it (nothing changed).' })
  async assignRole(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => AssignRoleInput, { description: 'The member and the role.' }) input: AssignRoleInput,
  ): Promise<AssignRolePayload> {
    const userId = parseId(input.userId, 'userId');
    return payload(input, { changed: await this.services.role.assignRole(ctx, userId, parseId(input.roleId, 'roleId')), userId });
  }

  @Authorized(Op.RoleAssign)
  @Mutation(() => UnassignRolePayload, {
    description: 'Takes a role away (the assignment keeps removedAt for the sync feed). changed false: they did not have it.',
  })
  async unassignRole(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => UnassignRoleInput, { description: 'The member and the role.' }) input: UnassignRoleInput,
  ): Promise<UnassignRolePayload> {
    const userId = parseId(input.userId, 'userId');
    return payload(input, { changed: await this.services.role.unassignRole(ctx, userId, parseId(input.roleId, 'roleId')), userId });
  }

  @Authorized(Op.GroupMemberChange)
  @Mutation(() => AddToGroupPayload, { description: 'Adds a member to a group. changed false: already in it.' })
  async addToGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => AddToGroupInput, { description: 'The member and the group.' }) input: AddToGroupInput,
  ): Promise<AddToGroupPayload> {
    const userId = parseId(input.userId, 'userId');
    return payload(input, { changed: await this.services.role.addToGroup(ctx, userId, parseId(input.groupId, 'groupId')), userId });
  }

  @Authorized(Op.GroupMemberChange)
  @Mutation(() => RemoveFromGroupPayload, { description: 'Removes a member from a group. changed false: was not in it.' })
  async removeFromGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => RemoveFromGroupInput, { description: 'The member and the group.' }) input: RemoveFromGroupInput,
  ): Promise<RemoveFromGroupPayload> {
    const userId = parseId(input.userId, 'userId');
    return payload(input, { changed: await this.services.role.removeFromGroup(ctx, userId, parseId(input.groupId, 'groupId')), userId });
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
