import { Field, ID, InputType } from 'type-graphql';
import { MutationInput } from './mutation.types';

@InputType({ description: 'createRole: the new role’s name.' })
export class CreateRoleInput extends MutationInput {
  @Field(() => String, { description: 'Unique within the org (CONFLICT otherwise), 1 to 100 characters.' })
  name: string;
}

@InputType({ description: 'createUserGroup: the new group’s name.' })
export class CreateUserGroupInput extends MutationInput {
  @Field(() => String, { description: 'Unique within the org (CONFLICT otherwise), 1 to 100 characters.' })
  name: string;
}

@InputType({ description: 'assignRole: the member to give the role to, and the role (both of your org).' })
export class AssignRoleInput extends MutationInput {
  @Field(() => ID, { description: 'The member.' })
  userId: string;

  @Field(() => ID, { description: 'The role.' })
  roleId: string;
}

@InputType({ description: 'addToGroup: the member to add, and the user group (both of your org).' })
export class AddToGroupInput extends MutationInput {
  @Field(() => ID, { description: 'The member.' })
  userId: string;

  @Field(() => ID, { description: 'The user group.' })
  groupId: string;
}

@InputType({ description: 'unassignRole: the member to take the role from, and the role (both of your org).' })
export class UnassignRoleInput extends AssignRoleInput {}

@InputType({ description: 'removeFromGroup: the member to remove, and the user group (both of your org).' })
export class RemoveFromGroupInput extends AddToGroupInput {}
