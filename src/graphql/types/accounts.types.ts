import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Membership } from '../../entities';
import { MemberNode } from './members.types';

export enum PasswordTokenPurpose {
  INVITATION = 'invitation',
  RESET = 'reset',
  EMAIL_CHANGE = 'email_change',
  ACTIVATION = 'activation',
}
registerEnumType(PasswordTokenPurpose, {
  name: 'PasswordTokenPurpose',
  description:
    'INVITATION: sent by createUser, valid 7 days (redeem with activateAccount). RESET: sent by issuePasswordReset, valid 1 h (activateAccount). EMAIL_CHANGE: sent to the new address by updateUser(email), valid 24 h (confirmEmailChange). ACTIVATION: issued before invitations existed; still redeemable until it expires.',
});

@InputType({ description: 'A person to invite into the caller’s org. Flags not sent are false (isActive: true).' })
export class CreateUserInput {
  @Field(() => String, {
    description:
      'Where the invitation goes. The person joins with the account this address has (signing in with its password) or, if none, sets a password. Unique within the org, case-insensitive.',
  })
  email: string;

  @Field(() => String, { description: "This org's first name for the person." })
  firstName: string;

  @Field(() => String)
  lastName: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag; default en-US.' })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Your own id for the person (REST byRef): unique within your org.' })
  externalRef?: string | null;

  @Field(() => Boolean, { nullable: true })
  isAdmin?: boolean;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean;

  @Field(() => Boolean, { nullable: true })
  allAccess?: boolean;

  @Field(() => Boolean, { nullable: true })
  portalAccess?: boolean;

  @Field(() => Boolean, { nullable: true })
  excludeFromMembershipCount?: boolean;

  @Field(() => Boolean, { nullable: true })
  hasAdvancedPermissions?: boolean;
}

@InputType({
  description:
    "Partial update of this org's profile of a member: fields not sent stay as they are; no other org sees the change. Admins may change every field; a member may change their own names, language and email. externalRef: null clears it.",
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  firstName?: string;

  @Field(() => String, { nullable: true })
  lastName?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A member who has joined: a confirmation token goes to the new address (24 h, confirmEmailChange); until it is redeemed the email stays as it is, and the answer is the same whether or not the address is taken. An invited member: the invitation moves to the new address.',
  })
  email?: string;

  @Field(() => String, { nullable: true })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Admins only; unique within your org.' })
  externalRef?: string | null;
}

@ObjectType({
  description:
    "A one-time token sent to the person's mailbox (through the outbox, for the mailer). The token itself is never in a reply: this says what it is and when it expires.",
})
export class QueuedToken {
  @Field(() => PasswordTokenPurpose)
  purpose: PasswordTokenPurpose;

  @Field(() => Date)
  expiresAt: Date;
}

@ObjectType({ description: 'The invitation: the same shape and fields whatever the address (docs/accounts.md).' })
export class CreateUserResult {
  @Field(() => MemberNode, { description: 'The invited member (status INVITED): what you typed, nothing else.' })
  user: MemberNode;

  @Field(() => Membership)
  membership: Membership;

  @Field(() => QueuedToken, { description: 'The invitation token sent to the address (purpose INVITATION, 7 days).' })
  activation: QueuedToken;
}
