import { Field, ObjectType } from 'type-graphql';
import { SignInResult } from './auth.types';
import { MfaTempSecret } from './mfa.types';
import { MutationPayload } from './mutation.types';

@ObjectType({ description: 'generateMfaTempSecret: the pending secret, shown this once.' })
export class GenerateMfaTempSecretPayload extends MutationPayload {
  @Field(() => MfaTempSecret, { description: 'Add it to an authenticator app, then call validateMfaCode within 10 minutes.' })
  tempSecret: MfaTempSecret;
}

@ObjectType({ description: 'validateMfaCode: enrollment is confirmed.' })
export class ValidateMfaCodePayload extends MutationPayload {
  @Field(() => [String], { description: 'Ten single-use recovery codes, shown this once (each can replace a TOTP code at verifyMfa).' })
  recoveryCodes: string[];

  @Field(() => SignInResult, {
    nullable: true,
    description: 'The full session replacing an enrollment-only session (its token is revoked); null when called from a full session.',
  })
  session: SignInResult | null;
}

@ObjectType({ description: 'regenerateRecoveryCodes: the new set (the old set is void).' })
export class RegenerateRecoveryCodesPayload extends MutationPayload {
  @Field(() => [String], { description: 'Ten new single-use recovery codes, shown this once.' })
  recoveryCodes: string[];
}

@ObjectType({ description: 'resetMfa: the member, whose factor and recovery codes are gone (their sessions ended).' })
export class ResetMfaPayload extends MutationPayload {
  @Field(() => Boolean, { description: 'False when there was nothing to reset (no factor, nothing written).' })
  reset: boolean;

  /** Not a field: the member, for the `user` field (members.payload-fields resolver). */
  userId: number;
}
