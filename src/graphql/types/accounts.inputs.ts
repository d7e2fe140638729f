import { Field, ID, InputType } from 'type-graphql';
import { MutationInput } from './mutation.types';

@InputType({ description: 'createUser: a person to invite into the caller’s org. Flags not sent are false (isActive: true).' })
export class CreateUserInput extends MutationInput {
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

  @Field(() => Boolean, { nullable: true, description: 'Admin of the org (default false; never together with hasAdvancedPermissions).' })
  isAdmin?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Enable User once they join (default true).' })
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
    "updateUser: partial update of this org's profile of a member: fields not sent stay as they are; no other org sees the change. Admins may change every field; a member may change their own names, language and email. externalRef: null clears it.",
})
export class UpdateUserInput extends MutationInput {
  @Field(() => ID, { description: 'The member to change (yourself, or anyone of your org as an admin).' })
  userId: string;

  @Field(() => String, { nullable: true, description: "This org's first name for the person." })
  firstName?: string;

  @Field(() => String, { nullable: true, description: "This org's last name for the person." })
  lastName?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A member who has joined: a confirmation token goes to the new address (24 h, confirmEmailChange); until it is redeemed the email stays as it is, and the answer is the same whether or not the address is taken. An invited member: the invitation moves to the new address.',
  })
  email?: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag.' })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Admins only; unique within your org; null clears it.' })
  externalRef?: string | null;
}

@InputType({ description: 'deleteUser: the member to remove, or whose invitation to withdraw.' })
export class DeleteUserInput extends MutationInput {
  @Field(() => ID, { description: 'The member (not yourself).' })
  userId: string;
}

@InputType({ description: 'activateAccount: a token from your mailbox (invitation or reset) and the password to use.' })
export class ActivateAccountInput extends MutationInput {
  @Field(() => String, { description: 'The one-time token of the mail (invitation: 7 days; reset: 1 h).' })
  token: string;

  @Field(() => String, {
    description:
      "The new password (reset, or an invitation to an address without an account), or your account's current password (an invitation to an address that has one).",
  })
  password: string;
}

@InputType({ description: 'confirmEmailChange: the token mailed to the new address and your current password.' })
export class ConfirmEmailChangeInput extends MutationInput {
  @Field(() => String, { description: 'The one-time token mailed to the new address (24 h).' })
  token: string;

  @Field(() => String, { description: "Your account's current password." })
  password: string;
}

@InputType({ description: 'issuePasswordReset: whose password to reset (admin).' })
export class IssuePasswordResetInput extends MutationInput {
  @Field(() => ID, { description: 'The member; the token goes to their own address.' })
  userId: string;
}

@InputType({ description: 'changePassword: your current password and the new one.' })
export class ChangePasswordInput extends MutationInput {
  @Field(() => String, { description: 'Your current password.' })
  currentPassword: string;

  @Field(() => String, { description: 'The new password (the password policy applies: docs/accounts.md).' })
  newPassword: string;
}
