import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { ImpersonateInput, SignInInput, SignOutInput, StopImpersonatingInput } from '../types/auth.inputs';
import { ImpersonatePayload, SignInPayload, SignOutPayload, StopImpersonatingPayload } from '../types/auth.payloads';
import { Me, type SessionKind, type SignInStatus } from '../types/auth.types';
import { payload } from '../types/mutation.types';

@Resolver()
export class AuthResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.SignIn)
  @Mutation(() => SignInPayload, { description: 'Password sign-in to one org (by slug).' })
  async signIn(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => SignInInput, { description: 'The org, email and password.' }) input: SignInInput,
  ): Promise<SignInPayload> {
    const r = await this.services.auth.signIn(ctx, input.orgSlug, input.email, input.password);
    return payload(input, { ...r, status: r.status as SignInStatus });
  }

  @Authorized(Op.SignOut)
  @Mutation(() => SignOutPayload, { description: "Revokes the caller's session (any kind)." })
  async signOut(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => SignOutInput, { nullable: true, description: 'Optional: only a clientMutationId.' }) input?: SignOutInput | null,
  ): Promise<SignOutPayload> {
    return payload(input, { signedOut: await this.services.auth.signOut(ctx) });
  }

  @Authorized(Op.WhoAmI)
  @Query(() => Me, { description: 'Who am I: user, current org, my membership, session kind, impersonator.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<Me> {
    const r = await this.services.auth.whoAmI(ctx);
    return { ...r, sessionKind: r.sessionKind as SessionKind };
  }
}

@Resolver()
export class ImpersonationResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.Impersonate)
  @Mutation(() => ImpersonatePayload, {
    description: 'Admin: a session acting as an active non-admin member of your org, for at most one hour.',
  })
  async impersonate(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ImpersonateInput, { description: 'The member.' }) input: ImpersonateInput,
  ): Promise<ImpersonatePayload> {
    return payload(input, await this.services.impersonation.impersonate(ctx, { id: parseId(input.userId, 'userId') }));
  }

  @Authorized(Op.StopImpersonating)
  @Mutation(() => StopImpersonatingPayload, { description: 'Ends the current impersonation session.' })
  async stopImpersonating(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => StopImpersonatingInput, { nullable: true, description: 'Optional: only a clientMutationId.' })
    input?: StopImpersonatingInput | null,
  ): Promise<StopImpersonatingPayload> {
    return payload(input, { impersonationEnded: await this.services.impersonation.stopImpersonating(ctx) });
  }
}
