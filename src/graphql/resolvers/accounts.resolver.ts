import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { User } from '../../entities';
import type { Services } from '../../services';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { CreateUserInput, CreateUserResult, OneTimeToken, UpdateUserInput, type PasswordTokenPurpose } from '../types/accounts.types';

@Resolver()
export class UserAdminResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateUserResult, {
    description: 'Adds a member to your org (admin). A new account comes with a one-time activation token (24 h).',
  })
  async createUser(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<CreateUserResult> {
    const r = await this.services.userAdmin.createUser(ctx, input);
    return { ...r, activation: r.activation && { ...r.activation, purpose: r.activation.purpose as PasswordTokenPurpose } };
  }

  @Authorized()
  @Mutation(() => User, { description: 'Partial profile update (admin; or yourself for names and language).' })
  updateUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<User> {
    return this.services.userAdmin.updateUser(ctx, { id: parseId(userId, 'userId') }, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Removes the user from your org (admin). The account is deleted when it belongs to no org any more.',
  })
  deleteUser(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<boolean> {
    return this.services.userAdmin.deleteUser(ctx, { id: parseId(userId, 'userId') });
  }
}

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
    return this.services.password.activateAccount(ctx, token, password);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OneTimeToken, {
    description: 'Admin: a new one-time reset token (1 h) for a member; earlier unused tokens stop working.',
  })
  async issuePasswordReset(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<OneTimeToken> {
    const t = await this.services.password.issuePasswordReset(ctx, { id: parseId(userId, 'userId') });
    return { ...t, purpose: t.purpose as PasswordTokenPurpose };
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Changes your own password; your other sessions (all orgs) end, this one stays.' })
  changePassword(
    @Ctx() ctx: GraphQLContext,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ): Promise<boolean> {
    return this.services.password.changePassword(ctx, currentPassword, newPassword);
  }
}
