import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { OneTimeToken, type PasswordTokenPurpose } from '../types/account.types';

@Resolver()
export class PasswordResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Role.PUBLIC)
  @Mutation(() => Boolean, {
    description: 'Redeems a one-time activation or reset token and sets the password (then sign in). A reset ends all sessions.',
  })
  activateAccount(
    @Ctx() ctx: GraphQLContext,
    @Arg('token', () => String) token: string,
    @Arg('password', () => String) password: string,
  ): Promise<boolean> {
    return this.services.passwords.activateAccount(ctx, token, password);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OneTimeToken, {
    description: 'Admin: a new one-time reset token (1 h) for a member; earlier unused tokens stop working.',
  })
  async issuePasswordReset(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<OneTimeToken> {
    const t = await this.services.passwords.issuePasswordReset(ctx, { id: Number(userId) });
    return { ...t, purpose: t.purpose as PasswordTokenPurpose };
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Changes your own password; your other sessions (all orgs) end, this one stays.' })
  changePassword(
    @Ctx() ctx: GraphQLContext,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ): Promise<boolean> {
    return this.services.passwords.changePassword(ctx, currentPassword, newPassword);
  }
}
