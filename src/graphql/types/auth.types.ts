import { Field, ObjectType } from 'type-graphql';
import { Membership, Org } from '../../entities';
import { MemberNode } from './members.types';
import { registerDescribedEnum } from './common.types';

export enum SignInStatus {
  SIGNED_IN = 'SIGNED_IN',
  MFA_REQUIRED = 'MFA_REQUIRED',
  MFA_ENROLLMENT_REQUIRED = 'MFA_ENROLLMENT_REQUIRED',
}
registerDescribedEnum(SignInStatus, 'SignInStatus', 'Where a sign-in stands, and what its token is good for.', {
  SIGNED_IN: 'A full session.',
  MFA_REQUIRED: 'The password was right; the token is good only for verifyMfa (a TOTP or recovery code).',
  MFA_ENROLLMENT_REQUIRED:
    'The org enforces MFA and the member has no factor: the token is good only for generateMfaTempSecret and validateMfaCode.',
});

export enum SessionKind {
  FULL = 'full',
  MFA_CHALLENGE = 'mfa_challenge',
  MFA_ENROLLMENT = 'mfa_enrollment',
}
registerDescribedEnum(SessionKind, 'SessionKind', 'What a session may do.', {
  FULL: 'Everything the member may do.',
  MFA_CHALLENGE: 'Only verifyMfa (and signOut): the MFA step of a sign-in.',
  MFA_ENROLLMENT: 'Only generateMfaTempSecret and validateMfaCode (and signOut): enrollment before the first full session.',
});

@ObjectType({ description: 'Outcome of a sign-in step. The token is shown once; send it as `Authorization: Bearer <token>`.' })
export class SignInResult {
  @Field(() => SignInStatus, { description: 'Signed in, or the MFA step that comes next.' })
  status: SignInStatus;

  @Field(() => String, { description: 'The bearer token of the session (kind as status says); shown this once.' })
  token: string;

  @Field(() => Date, {
    description:
      'When the session ends (a full one after SESSION_TTL_SECONDS; an MFA challenge after 5 minutes, an enrollment-only one after 15).',
  })
  expiresAt: Date;
}

@ObjectType({ description: 'The signed-in principal.' })
export class Me {
  @Field(() => MemberNode, { description: 'You, as this org sees you.' })
  user: MemberNode;

  @Field(() => Org, { description: 'The org this session is signed in to.' })
  org: Org;

  @Field(() => Membership, { description: 'Your Account Status flags in this org.' })
  membership: Membership;

  @Field(() => SessionKind, { description: 'What this session may do.' })
  sessionKind: SessionKind;

  @Field(() => MemberNode, {
    nullable: true,
    description:
      "The admin impersonating this user, when this is an impersonation session; null otherwise. Seen as the user sees any other member: id and names (the admin's email and other admin-or-self fields are refused).",
  })
  impersonator: MemberNode | null;

  @Field(() => Date, { description: 'When this session ends.' })
  expiresAt: Date;
}
