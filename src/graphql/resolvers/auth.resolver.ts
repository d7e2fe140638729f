import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { ImpersonationResult, Me, SignInResult, type SessionKind, type SignInStatus } from '../types/auth.types';

@Resolver()
export class AuthResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.SignIn)
  @Mutation(() => SignInResult, { description: 'Password sign-in to one org (by slug).' })
  async signIn(
    @Ctx() ctx: GraphQLContext,
    @Arg('orgSlug', () => String) orgSlug: string,
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
  ): Promise<SignInResult> {
    const r = await this.services.auth.signIn(ctx, orgSlug, email, password);
    return { ...r, status: r.status as SignInStatus };
  }

  @Authorized(Op.SignOut)
  @Mutation(() => Boolean, { description: "Revokes the caller's session (any kind)." })
  signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.services.auth.signOut(ctx);
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
  @Mutation(() => ImpersonationResult, {
    description: 'Admin: a session acting as an active non-admin member of your org, for at most one hour.',
  })
  impersonate(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<ImpersonationResult> {
    return this.services.impersonation.impersonate(ctx, { id: parseId(userId, 'userId') });
  }

  @Authorized(Op.StopImpersonating)
  @Mutation(() => Boolean, { description: 'Ends the current impersonation session.' })
  stopImpersonating(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.services.impersonation.stopImpersonating(ctx);
  }
}
