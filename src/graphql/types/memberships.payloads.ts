import { Field, ObjectType } from 'type-graphql';
import { Membership, Org } from '../../entities';
import { MutationPayload } from './mutation.types';

@ObjectType({ description: 'updateMembership: the membership as it is now (its version bumped when something changed).' })
export class UpdateMembershipPayload extends MutationPayload {
  @Field(() => Membership, { description: 'The changed membership (unchanged, same version, when the patch changed nothing).' })
  membership: Membership;

  /** Not a field: the member, for the `user` field (payload-user.resolver.ts). */
  userId: number;
}

@ObjectType({ description: 'setOrgMfaRequired: the org with its new setting.' })
export class SetOrgMfaRequiredPayload extends MutationPayload {
  @Field(() => Org, { description: 'Your org.' })
  org: Org;
}
