import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { VerifyMfaPayload } from '../types/auth.payloads';
import { Me, type SignInResult, type SignInStatus } from '../types/auth.types';
import {
  GenerateMfaTempSecretInput,
  RegenerateRecoveryCodesInput,
  ResetMfaInput,
  ValidateMfaCodeInput,
  VerifyMfaInput,
} from '../types/mfa.inputs';
import {
  GenerateMfaTempSecretPayload,
  RegenerateRecoveryCodesPayload,
  ResetMfaPayload,
  ValidateMfaCodePayload,
} from '../types/mfa.payloads';
import { MfaStatus } from '../types/mfa.types';
import { payload } from '../types/mutation.types';

/** Org-level TOTP MFA: enrollment, the sign-in challenge, recovery codes, admin reset. */
@Resolver()
export class MfaResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MfaEnroll)
  @Mutation(() => GenerateMfaTempSecretPayload, {
    description:
      'Starts enrollment for the current membership (full or enrollment-only session). Replaces any pending secret. CONFLICT when a factor is already confirmed.',
  })
  async generateMfaTempSecret(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => GenerateMfaTempSecretInput, { nullable: true, description: 'Optional: only a clientMutationId.' })
    input?: GenerateMfaTempSecretInput | null,
  ): Promise<GenerateMfaTempSecretPayload> {
    return payload(input, { tempSecret: await this.services.mfa.generateTempSecret(ctx) });
  }

  @Authorized(Op.MfaEnroll)
  @Mutation(() => ValidateMfaCodePayload, {
    description:
      'Confirms enrollment with a 6-digit code from the pending secret. Returns 10 recovery codes (once) and, for an enrollment-only session, a full session.',
  })
  async validateMfaCode(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ValidateMfaCodeInput, { description: 'The code.' }) input: ValidateMfaCodeInput,
  ): Promise<ValidateMfaCodePayload> {
    const r = await this.services.mfa.validateCode(ctx, input.code);
    return payload(input, { recoveryCodes: r.recoveryCodes, session: r.session && asSignInResult(r.session) });
  }

  @Authorized(Op.MfaVerify)
  @Mutation(() => VerifyMfaPayload, {
    description: 'Completes an MFA_REQUIRED sign-in with a 6-digit TOTP code or an unused recovery code; returns a full session.',
  })
  async verifyMfa(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => VerifyMfaInput, { description: 'The code.' }) input: VerifyMfaInput,
  ): Promise<VerifyMfaPayload> {
    return payload(input, asSignInResult(await this.services.mfa.verify(ctx, input.code)));
  }

  @Authorized(Op.RecoveryCodesRegenerate)
  @Mutation(() => RegenerateRecoveryCodesPayload, {
    description: 'Replaces your recovery codes with 10 new ones (the old set is void). Needs a current TOTP code.',
  })
  async regenerateRecoveryCodes(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => RegenerateRecoveryCodesInput, { description: 'The TOTP code.' }) input: RegenerateRecoveryCodesInput,
  ): Promise<RegenerateRecoveryCodesPayload> {
    return payload(input, { recoveryCodes: await this.services.mfa.regenerateRecoveryCodes(ctx, input.code) });
  }

  @Authorized(Op.MfaReset)
  @Mutation(() => ResetMfaPayload, {
    description:
      "Admin: removes the member's MFA factor and recovery codes in this org and ends their sessions; they enroll again at next sign-in if the org enforces MFA. reset is false when there was nothing to reset.",
  })
  async resetMfa(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ResetMfaInput, { description: 'The member.' }) input: ResetMfaInput,
  ): Promise<ResetMfaPayload> {
    const userId = parseId(input.userId, 'userId');
    return payload(input, { reset: await this.services.mfa.resetMember(ctx, userId), userId });
  }
}

/** `me { mfa { ... } }`: the caller's own MFA state. */
@Resolver(() => Me)
export class MeMfaResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.WhoAmI)
  @FieldResolver(() => MfaStatus, { description: 'Your org-level MFA state in this org.' })
  mfa(@Ctx() ctx: GraphQLContext, @Root() me: Me): Promise<MfaStatus> {
    return this.services.mfa.statusOf(ctx, me.membership);
  }
}

function asSignInResult(r: { status: string; token: string; expiresAt: Date }): SignInResult {
  return { ...r, status: r.status as SignInStatus };
}
