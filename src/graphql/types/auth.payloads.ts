import { Field, ObjectType } from 'type-graphql';
import { SignInStatus } from './auth.types';
import { MemberNode } from './members.types';
import { MutationPayload } from './mutation.types';

@ObjectType({
  description: 'signIn: the outcome of the password step. The token is shown once; send it as `Authorization: Bearer <token>`.',
})
export class SignInPayload extends MutationPayload {
  @Field(() => SignInStatus, { description: 'What the token is good for: a full session, or only the next MFA step.' })
  status: SignInStatus;

  @Field(() => String, { description: 'The session token, shown this once.' })
  token: string;

  @Field(() => Date, { description: 'When the session ends.' })
  expiresAt: Date;
}

@ObjectType({ description: 'verifyMfa: the full session that replaces the MFA_REQUIRED one (whose token is revoked).' })
export class VerifyMfaPayload extends SignInPayload {}

@ObjectType({ description: 'signOut: the session of the request is revoked.' })
export class SignOutPayload extends MutationPayload {
  @Field(() => Boolean, { description: 'Always true: the token no longer works.' })
  signedOut: boolean;
}

@ObjectType({ description: 'impersonate: a session acting as the user; send the token as `Authorization: Bearer <token>`.' })
export class ImpersonatePayload extends MutationPayload {
  @Field(() => String, { description: 'The impersonation session token, shown this once.' })
  token: string;

  @Field(() => Date, { description: 'At most one hour from now, and never after the admin’s own session.' })
  expiresAt: Date;

  @Field(() => MemberNode, { description: 'The member the session acts as.' })
  user: MemberNode;
}

@ObjectType({ description: 'stopImpersonating: the impersonation session is revoked (the admin’s own session stays).' })
export class StopImpersonatingPayload extends MutationPayload {
  @Field(() => Boolean, { description: 'Always true: the impersonation token no longer works.' })
  impersonationEnded: boolean;
}
