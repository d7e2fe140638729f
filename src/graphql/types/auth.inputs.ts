import { Field, ID, InputType } from 'type-graphql';
import { MutationInput } from './mutation.types';

@InputType({ description: 'signIn: which org, and your account’s email and password.' })
export class SignInInput extends MutationInput {
  @Field(() => String, { description: 'The org to sign in to, by slug (e.g. demo).' })
  orgSlug: string;

  @Field(() => String, { description: "Your account's sign-in email (case-insensitive)." })
  email: string;

  @Field(() => String, { description: "Your account's password." })
  password: string;
}

@InputType({ description: 'signOut: nothing to send but an optional clientMutationId; the session is the bearer token of the request.' })
export class SignOutInput extends MutationInput {}

@InputType({ description: 'impersonate: the member to act as (admin).' })
export class ImpersonateInput extends MutationInput {
  @Field(() => ID, { description: 'An active non-admin member of your org.' })
  userId: string;
}

@InputType({ description: 'stopImpersonating: nothing to send but an optional clientMutationId; the session is the bearer token.' })
export class StopImpersonatingInput extends MutationInput {}
