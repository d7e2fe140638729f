import { Field, InputType, ObjectType } from 'type-graphql';
import { Membership } from '../../entities';
import { MemberNode } from './members.types';
import { registerDescribedEnum } from './common.types';

export enum PasswordTokenPurpose {
  INVITATION = 'invitation',
  RESET = 'reset',
  EMAIL_CHANGE = 'email_change',
  ACTIVATION = 'activation',
}
registerDescribedEnum(
  PasswordTokenPurpose,
  'PasswordTokenPurpose',
  'What a one-time token sent to a mailbox is for, and how it is redeemed.',
  {
    INVITATION: 'Sent by createUser, valid 7 days; redeem with activateAccount.',
    RESET: 'Sent by issuePasswordReset, valid 1 hour; redeem with activateAccount (ends all sessions).',
    EMAIL_CHANGE: 'Sent to the new address by updateUser(email), valid 24 hours; redeem with confirmEmailChange.',
    ACTIVATION: 'Issued before invitations existed; still redeemable with activateAccount until it expires.',
  },
);

@InputType({ description: 'A person to invite into the caller’s org. Flags not sent are false (isActive: true).' })
export class CreateUserInput {
  @Field(() => String, {
    description:
      'Where the invitation goes. The person joins with the account this address has (signing in with its password) or, if none, sets a password. Unique within the org, case-insensitive.',
  })
  email: string;

  @Field(() => String, { description: "This org's first name for the person." })
  firstName: string;

  @Field(() => String, { description: "This org's last name for the person." })
  lastName: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag; default en-US.' })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Your own id for the person (REST byRef): unique within your org.' })
  externalRef?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Admin of the org once joined (default false; never together with hasAdvancedPermissions).',
  })
  isAdmin?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Enable User once joined (default true); an invitation itself takes no seat.',
  })
  isActive?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'All Data Access (default false).' })
  allAccess?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Portal URL Access (default false).' })
  portalAccess?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Do not count this member toward licensed seats (default false).' })
  excludeFromMembershipCount?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Advanced permissions, standard users only (default false).' })
  hasAdvancedPermissions?: boolean;
}

@InputType({
  description:
    "Partial update of this org's profile of a member: fields not sent stay as they are; no other org sees the change. Admins may change every field; a member may change their own names, language and email. externalRef: null clears it.",
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: "This org's first name for the person (1 to 100 characters)." })
  firstName?: string;

  @Field(() => String, { nullable: true, description: "This org's last name for the person (1 to 100 characters)." })
  lastName?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A member who has joined: a confirmation token goes to the new address (24 h, confirmEmailChange); until it is redeemed the email stays as it is, and the answer is the same whether or not the address is taken. An invited member: the invitation moves to the new address.',
  })
  email?: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. en-US.' })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Admins only; unique within your org.' })
  externalRef?: string | null;
}

@ObjectType({
  description:
    "A one-time token sent to the person's mailbox (through the outbox, for the mailer). The token itself is never in a reply: this says what it is and when it expires.",
})
export class QueuedToken {
  @Field(() => PasswordTokenPurpose, { description: 'What the token is for.' })
  purpose: PasswordTokenPurpose;

  @Field(() => Date, { description: 'After this the token is void.' })
  expiresAt: Date;
}

@ObjectType({ description: 'The invitation: the same shape and fields whatever the address (docs/accounts.md).' })
export class CreateUserResult {
  @Field(() => MemberNode, { description: 'The invited member (status INVITED): what you typed, nothing else.' })
  user: MemberNode;

  @Field(() => Membership, { description: 'The pending membership with the flags the member will have once joined.' })
  membership: Membership;

  @Field(() => QueuedToken, { description: 'The invitation token sent to the address (purpose INVITATION, 7 days).' })
  activation: QueuedToken;
}
