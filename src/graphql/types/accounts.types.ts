import { Field, ObjectType } from 'type-graphql';
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
