import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { User } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { CreateUserInput, CreateUserResult, UpdateUserInput, type PasswordTokenPurpose } from '../types/account.types';

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
    return this.services.userAdmin.updateUser(ctx, { id: Number(userId) }, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Removes the user from your org (admin). The account is deleted when it belongs to no org any more.',
  })
  deleteUser(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<boolean> {
    return this.services.userAdmin.deleteUser(ctx, { id: Number(userId) });
  }
}
