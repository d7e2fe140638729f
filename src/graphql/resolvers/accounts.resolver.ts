import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { CreateUserInput, CreateUserResult, QueuedToken, UpdateUserInput, type PasswordTokenPurpose } from '../types/accounts.types';
import { MemberNode } from '../types/members.types';

const asQueued = (t: { purpose: string; expiresAt: Date }): QueuedToken => ({ ...t, purpose: t.purpose as PasswordTokenPurpose });

@Resolver()
export class UserAdminResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MemberCreate)
  @Mutation(() => CreateUserResult, {
    description:
      'Invites a person into your org (admin): a pending member (status INVITED: not active, no seat) and a 7-day invitation sent to the address. The answer is the same whether or not the address has an account.',
  })
  async createUser(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<CreateUserResult> {
    const r = await this.services.userAdmin.createUser(ctx, input);
    return { ...r, activation: asQueued(r.activation) };
  }

  @Authorized(Op.MemberProfileUpdate)
  @Mutation(() => MemberNode, {
    description: "Partial update of your org's profile of a member (admin; or yourself for names, language and email).",
  })
  updateUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<MemberNode> {
    return this.services.userAdmin.updateUser(ctx, { id: parseId(userId, 'userId') }, input);
  }

  @Authorized(Op.MemberDelete)
  @Mutation(() => Boolean, {
    description: 'Removes the member from your org, or withdraws their invitation (admin).',
  })
  deleteUser(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<boolean> {
    return this.services.userAdmin.deleteUser(ctx, { id: parseId(userId, 'userId') });
  }
}

@Resolver()
export class PasswordResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.ActivateAccount)
  @Mutation(() => Boolean, {
    description:
      "Redeems a one-time token from your mailbox. An invitation: joins the org, with your existing account's password if the address has an account, or a new password if not. A reset: sets a new password and ends all your sessions. Then sign in.",
  })
  activateAccount(
    @Ctx() ctx: GraphQLContext,
    @Arg('token', () => String) token: string,
    @Arg('password', () => String) password: string,
  ): Promise<boolean> {
    return this.services.password.activateAccount(ctx, token, password);
  }

  @Authorized(Op.ConfirmEmailChange)
  @Mutation(() => Boolean, {
    description:
      "Confirms an email change with the token sent to the new address and your account's current password. The new address is then your sign-in email in every org. CONFLICT if it is taken.",
  })
  confirmEmailChange(
    @Ctx() ctx: GraphQLContext,
    @Arg('token', () => String) token: string,
    @Arg('password', () => String) password: string,
  ): Promise<boolean> {
    return this.services.password.confirmEmailChange(ctx, token, password);
  }

  @Authorized(Op.PasswordResetIssue)
  @Mutation(() => QueuedToken, {
    description:
      "Admin: sends a one-time reset token (1 h) to the member's own address; earlier unused reset tokens stop working. You never get the token.",
  })
  async issuePasswordReset(@Ctx() ctx: GraphQLContext, @Arg('userId', () => ID) userId: string): Promise<QueuedToken> {
    return asQueued(await this.services.password.issuePasswordReset(ctx, { id: parseId(userId, 'userId') }));
  }

  @Authorized(Op.PasswordChange)
  @Mutation(() => Boolean, { description: 'Changes your own password; your other sessions (all orgs) end, this one stays.' })
  changePassword(
    @Ctx() ctx: GraphQLContext,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ): Promise<boolean> {
    return this.services.password.changePassword(ctx, currentPassword, newPassword);
  }
}
