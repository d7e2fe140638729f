import { Field, ObjectType } from 'type-graphql';
import { Role, UserGroup } from '../../entities';
import { MutationPayload } from './mutation.types';

@ObjectType({ description: 'createRole: the new role.' })
export class CreateRolePayload extends MutationPayload {
  @Field(() => Role, { description: 'The created role.' })
  role: Role;
}

@ObjectType({ description: 'createUserGroup: the new user group.' })
export class CreateUserGroupPayload extends MutationPayload {
  @Field(() => UserGroup, { description: 'The created user group.' })
  userGroup: UserGroup;
}

/** A change to one member's roles or groups: whether anything changed, and (field `user`) the member after it. */
@ObjectType()
abstract class MemberSetChangePayload extends MutationPayload {
  /** Not a field: the member, for the `user` field (payload-user.resolver.ts). */
  userId: number;
}

@ObjectType({ description: 'assignRole: the member now holds the role; select `user { roles { id } }` to refresh them.' })
export class AssignRolePayload extends MemberSetChangePayload {
  @Field(() => Boolean, { description: 'False: they already held it (nothing changed, nothing audited).' })
  changed: boolean;
}

@ObjectType({ description: 'unassignRole: the member no longer holds the role (the sync feed keeps when it was removed).' })
export class UnassignRolePayload extends MemberSetChangePayload {
  @Field(() => Boolean, { description: 'False: they did not hold it (nothing changed, nothing audited).' })
  changed: boolean;
}

@ObjectType({ description: 'addToGroup: the member is in the group; select `user { groups { id } }` to refresh them.' })
export class AddToGroupPayload extends MemberSetChangePayload {
  @Field(() => Boolean, { description: 'False: they were already in it (nothing changed, nothing audited).' })
  changed: boolean;
}

@ObjectType({ description: 'removeFromGroup: the member is no longer in the group.' })
export class RemoveFromGroupPayload extends MemberSetChangePayload {
  @Field(() => Boolean, { description: 'False: they were not in it (nothing changed, nothing audited).' })
  changed: boolean;
}
