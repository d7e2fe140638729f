import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Membership, Org } from '../../entities';
import { MemberNode } from './members.types';

export enum SignInStatus {
  SIGNED_IN = 'SIGNED_IN',
  MFA_REQUIRED = 'MFA_REQUIRED',
  MFA_ENROLLMENT_REQUIRED = 'MFA_ENROLLMENT_REQUIRED',
}
registerEnumType(SignInStatus, {
  name: 'SignInStatus',
  description:
    'SIGNED_IN: a full session. MFA_REQUIRED: the token is good only for verifyMfa. MFA_ENROLLMENT_REQUIRED: the token is good only for generateMfaTempSecret and validateMfaCode.',
});

export enum SessionKind {
  FULL = 'full',
  MFA_CHALLENGE = 'mfa_challenge',
  MFA_ENROLLMENT = 'mfa_enrollment',
}
registerEnumType(SessionKind, { name: 'SessionKind' });

@ObjectType({ description: 'Outcome of a sign-in step. The token is shown once; send it as `Authorization: Bearer <token>`.' })
export class SignInResult {
  @Field(() => SignInStatus)
  status: SignInStatus;

  @Field(() => String)
  token: string;

  @Field(() => Date)
  expiresAt: Date;
}

@ObjectType({ description: 'The signed-in principal.' })
export class Me {
  @Field(() => MemberNode, { description: 'You, as this org sees you.' })
  user: MemberNode;

  @Field(() => Org)
  org: Org;

  @Field(() => Membership)
  membership: Membership;

  @Field(() => SessionKind)
  sessionKind: SessionKind;

  @Field(() => MemberNode, { nullable: true, description: 'The admin impersonating this user, when this is an impersonation session.' })
  impersonator: MemberNode | null;

  @Field(() => Date)
  expiresAt: Date;
}
