import { Field, ObjectType, registerEnumType } from 'type-graphql';

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
