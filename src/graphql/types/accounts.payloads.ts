import { Field, ID, ObjectType } from 'type-graphql';
import { Membership } from '../../entities';
import { QueuedToken } from './accounts.types';
import { MemberNode } from './members.types';
import { MutationPayload } from './mutation.types';

@ObjectType({ description: 'createUser: the invitation, the same shape and fields whatever the address (docs/accounts.md).' })
export class CreateUserPayload extends MutationPayload {
  @Field(() => MemberNode, { description: 'The invited member (status INVITED): what you typed, nothing else.' })
  user: MemberNode;

  @Field(() => Membership, { description: 'Their membership in your org (not active until they join, no seat).' })
  membership: Membership;

  @Field(() => QueuedToken, {
    description: 'The invitation token sent to the address (purpose INVITATION, 7 days); never the token itself.',
  })
  activation: QueuedToken;
}

@ObjectType({ description: 'updateUser: the member as your org sees them now.' })
export class UpdateUserPayload extends MutationPayload {
  @Field(() => MemberNode, { description: 'The changed member (an email change shows the current email until it is confirmed).' })
  user: MemberNode;
}

@ObjectType({ description: 'deleteUser: which member is gone (drop it from your cache).' })
export class DeleteUserPayload extends MutationPayload {
  @Field(() => ID, { description: 'The id of the removed member or withdrawn invitation.' })
  deletedUserId: number;
}

@ObjectType({ description: 'activateAccount: the token is redeemed; sign in next.' })
export class ActivateAccountPayload extends MutationPayload {
  @Field(() => Boolean, { description: 'Always true (a bad, used or expired token is an error instead).' })
  activated: boolean;
}

@ObjectType({ description: 'confirmEmailChange: the new address is your sign-in email in every org.' })
export class ConfirmEmailChangePayload extends MutationPayload {
  @Field(() => Boolean, { description: 'Always true (a bad token, a wrong password or a taken address is an error instead).' })
  emailChanged: boolean;
}

@ObjectType({ description: 'issuePasswordReset: what was sent to the member (never the token).' })
export class IssuePasswordResetPayload extends MutationPayload {
  @Field(() => QueuedToken, { description: 'The reset token queued for their address (purpose RESET, 1 h).' })
  reset: QueuedToken;
}

@ObjectType({ description: 'changePassword: the new password is set; your other sessions ended.' })
export class ChangePasswordPayload extends MutationPayload {
  @Field(() => Boolean, { description: 'Always true (a wrong current password or a weak new one is an error instead).' })
  passwordChanged: boolean;
}
