import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { ImpersonationResult } from '../types/account.types';

@Resolver()
export class ImpersonationResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => ImpersonationResult, {
    description: 'Admin: a session acting as an active non-admin member of your org, for at most one hour.',
  })
  impersonate(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<ImpersonationResult> {
    return this.services.impersonation.impersonate(ctx, { id: Number(userId) });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends the current impersonation session.' })
  stopImpersonating(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.services.impersonation.stopImpersonating(ctx);
  }
}
