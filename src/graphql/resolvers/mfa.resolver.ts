import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { Me, SignInResult, type SignInStatus } from '../types/auth.types';
import { MfaEnrollmentResult, MfaStatus, MfaTempSecret } from '../types/mfa.types';

/** Org-level TOTP MFA: enrollment, the sign-in challenge, recovery codes, admin reset. */
@Resolver()
export class MfaResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MfaEnroll)
  @Mutation(() => MfaTempSecret, {
    description:
      'Starts enrollment for the current membership (full or enrollment-only session). Replaces any pending secret. CONFLICT when a factor is already confirmed.',
  })
  generateMfaTempSecret(@Ctx() ctx: GraphQLContext): Promise<MfaTempSecret> {
    return this.services.mfa.generateTempSecret(ctx);
  }

  @Authorized(Op.MfaEnroll)
  @Mutation(() => MfaEnrollmentResult, {
    description:
      'Confirms enrollment with a 6-digit code from the pending secret. Returns 10 recovery codes (once) and, for an enrollment-only session, a full session.',
  })
  async validateMfaCode(@Ctx() ctx: GraphQLContext, @Arg('code', () => String) code: string): Promise<MfaEnrollmentResult> {
    return asEnrollmentResult(await this.services.mfa.validateCode(ctx, code));
  }

  @Authorized(Op.MfaVerify)
  @Mutation(() => SignInResult, {
    description: 'Completes an MFA_REQUIRED sign-in with a 6-digit TOTP code or an unused recovery code; returns a full session.',
  })
  async verifyMfa(@Ctx() ctx: GraphQLContext, @Arg('code', () => String) code: string): Promise<SignInResult> {
    return asSignInResult(await this.services.mfa.verify(ctx, code));
  }

  @Authorized(Op.RecoveryCodesRegenerate)
  @Mutation(() => [String], {
    description: 'Replaces your recovery codes with 10 new ones (the old set is void). Needs a current TOTP code.',
  })
  regenerateRecoveryCodes(@Ctx() ctx: GraphQLContext, @Arg('code', () => String) code: string): Promise<string[]> {
    return this.services.mfa.regenerateRecoveryCodes(ctx, code);
  }

  @Authorized(Op.MfaReset)
  @Mutation(() => Boolean, {
    description:
      "Admin: removes the member's MFA factor and recovery codes in this org and ends their sessions; they enroll again at next sign-in if the org enforces MFA. False when there was nothing to reset.",
  })
  resetMfa(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<boolean> {
    return this.services.mfa.resetMember(ctx, parseId(userId, 'userId'));
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

function asEnrollmentResult(r: {
  recoveryCodes: string[];
  session: { status: string; token: string; expiresAt: Date } | null;
}): MfaEnrollmentResult {
  return { recoveryCodes: r.recoveryCodes, session: r.session && asSignInResult(r.session) };
}
