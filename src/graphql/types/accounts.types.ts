import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Membership, User } from '../../entities';

export enum PasswordTokenPurpose {
  ACTIVATION = 'activation',
  RESET = 'reset',
}
registerEnumType(PasswordTokenPurpose, {
  name: 'PasswordTokenPurpose',
  description: 'ACTIVATION: issued by createUser, valid 24 h. RESET: issued by issuePasswordReset, valid 1 h.',
});

@InputType({ description: 'A new member of the caller’s org. Flags not sent are false (isActive: true).' })
export class CreateUserInput {
  @Field(() => String, { description: 'Unique across all orgs, case-insensitive. An existing user with this email is added as a member.' })
  email: string;

  @Field(() => String)
  firstName: string;

  @Field(() => String)
  lastName: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag; default en-US.' })
  language?: string;

  @Field(() => String, { nullable: true, description: 'Unique id in an external system (REST byRef).' })
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
    'Partial profile update: fields not sent stay as they are. Admins may change every field; a member may change their own names and language. externalRef: null clears it.',
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  firstName?: string;

  @Field(() => String, { nullable: true })
  lastName?: string;

  @Field(() => String, { nullable: true, description: 'Only by an admin of every org the user belongs to.' })
  email?: string;

  @Field(() => String, { nullable: true })
  language?: string;

  @Field(() => String, { nullable: true })
  externalRef?: string | null;
}

@ObjectType({ description: 'A one-time password token. Shown once; only its SHA-256 is stored. Redeem it with activateAccount.' })
export class OneTimeToken {
  @Field(() => String)
  token: string;

  @Field(() => PasswordTokenPurpose)
  purpose: PasswordTokenPurpose;

  @Field(() => Date)
  expiresAt: Date;
}

@ObjectType()
export class CreateUserResult {
  @Field(() => User)
  user: User;

  @Field(() => Membership)
  membership: Membership;

  @Field(() => OneTimeToken, {
    nullable: true,
    description:
      'For a new account: the activation token to hand to the user. Null when an existing user (of another org) was added; they keep their password.',
  })
  activation: OneTimeToken | null;
}
