import { Field, ID, InputType } from 'type-graphql';
import { MutationInput } from './mutation.types';

@InputType({ description: 'generateMfaTempSecret: nothing to send but an optional clientMutationId; the membership is the session’s.' })
export class GenerateMfaTempSecretInput extends MutationInput {}

@InputType({ description: 'validateMfaCode: a code from the pending secret, to confirm enrollment.' })
export class ValidateMfaCodeInput extends MutationInput {
  @Field(() => String, { description: 'The 6-digit TOTP code the authenticator app shows for the pending secret.' })
  code: string;
}

@InputType({ description: 'verifyMfa: the second step of an MFA_REQUIRED sign-in.' })
export class VerifyMfaInput extends MutationInput {
  @Field(() => String, { description: 'A 6-digit TOTP code, or one unused recovery code.' })
  code: string;
}

@InputType({ description: 'regenerateRecoveryCodes: a current TOTP code (a recovery code will not do).' })
export class RegenerateRecoveryCodesInput extends MutationInput {
  @Field(() => String, { description: 'A 6-digit TOTP code from your enrolled authenticator.' })
  code: string;
}

@InputType({ description: 'resetMfa: whose MFA to reset (admin).' })
export class ResetMfaInput extends MutationInput {
  @Field(() => ID, { description: 'The member of your org.' })
  userId: string;
}
