import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import {
  ActivateAccountInput,
  ChangePasswordInput,
  ConfirmEmailChangeInput,
  CreateUserInput,
  DeleteUserInput,
  IssuePasswordResetInput,
  UpdateUserInput,
} from '../types/accounts.inputs';
import {
  ActivateAccountPayload,
  ChangePasswordPayload,
  ConfirmEmailChangePayload,
  CreateUserPayload,
  DeleteUserPayload,
  IssuePasswordResetPayload,
  UpdateUserPayload,
} from '../types/accounts.payloads';
import type { QueuedToken, PasswordTokenPurpose } from '../types/accounts.types';
import { fieldsOf, payload } from '../types/mutation.types';

const asQueued = (t: { purpose: string; expiresAt: Date }): QueuedToken => ({ ...t, purpose: t.purpose as PasswordTokenPurpose });

@Resolver()
export class UserAdminResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MemberCreate)
  @Mutation(() => CreateUserPayload, {
    description:
      'Invites a person into your org (admin): a pending member (status INVITED: not active, no seat) and a 7-day invitation sent to the address. The answer is the same whether or not the address has an account.',
  })
  async createUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => CreateUserInput, { description: 'The person to invite.' }) input: CreateUserInput,
  ): Promise<CreateUserPayload> {
    const r = await this.services.userAdmin.createUser(ctx, fieldsOf(input));
    return payload(input, { ...r, activation: asQueued(r.activation) });
  }

  @Authorized(Op.MemberProfileUpdate)
  @Mutation(() => UpdateUserPayload, {
    description: "Partial update of your org's profile of a member (admin; or yourself for names, language and email).",
  })
  async updateUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => UpdateUserInput, { description: 'The member and the fields to change.' }) input: UpdateUserInput,
  ): Promise<UpdateUserPayload> {
    const ref = { id: parseId(input.userId, 'userId') };
    return payload(input, { user: await this.services.userAdmin.updateUser(ctx, ref, fieldsOf(input, 'userId')) });
  }

  @Authorized(Op.MemberDelete)
  @Mutation(() => DeleteUserPayload, {
    description: 'Removes the member from your org, or withdraws their invitation (admin).',
  })
  async deleteUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => DeleteUserInput, { description: 'The member.' }) input: DeleteUserInput,
  ): Promise<DeleteUserPayload> {
    const id = parseId(input.userId, 'userId');
    await this.services.userAdmin.deleteUser(ctx, { id });
    return payload(input, { deletedUserId: id });
  }
}

@Resolver()
export class PasswordResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.ActivateAccount)
  @Mutation(() => ActivateAccountPayload, {
    description:
      "Redeems a one-time token from your mailbox. An invitation: joins the org, with your existing account's password if the address has an account, or a new password if not. A reset: sets a new password and ends all your sessions. Then sign in.",
  })
  async activateAccount(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ActivateAccountInput, { description: 'The token and the password.' }) input: ActivateAccountInput,
  ): Promise<ActivateAccountPayload> {
    return payload(input, { activated: await this.services.password.activateAccount(ctx, input.token, input.password) });
  }

  @Authorized(Op.ConfirmEmailChange)
  @Mutation(() => ConfirmEmailChangePayload, {
    description:
      "Confirms an email change with the token sent to the new address and your account's current password. The new address is then your sign-in email in every org. CONFLICT if it is taken.",
  })
  async confirmEmailChange(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ConfirmEmailChangeInput, { description: 'The token and your password.' }) input: ConfirmEmailChangeInput,
  ): Promise<ConfirmEmailChangePayload> {
    return payload(input, { emailChanged: await this.services.password.confirmEmailChange(ctx, input.token, input.password) });
  }

  @Authorized(Op.PasswordResetIssue)
  @Mutation(() => IssuePasswordResetPayload, {
    description:
      "Admin: sends a one-time reset token (1 h) to the member's own address; earlier unused reset tokens stop working. You never get the token.",
  })
  async issuePasswordReset(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => IssuePasswordResetInput, { description: 'The member.' }) input: IssuePasswordResetInput,
  ): Promise<IssuePasswordResetPayload> {
    const ref = { id: parseId(input.userId, 'userId') };
    return payload(input, { reset: asQueued(await this.services.password.issuePasswordReset(ctx, ref)) });
  }

  @Authorized(Op.PasswordChange)
  @Mutation(() => ChangePasswordPayload, { description: 'Changes your own password; your other sessions (all orgs) end, this one stays.' })
  async changePassword(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ChangePasswordInput, { description: 'Both passwords.' }) input: ChangePasswordInput,
  ): Promise<ChangePasswordPayload> {
    return payload(input, {
      passwordChanged: await this.services.password.changePassword(ctx, input.currentPassword, input.newPassword),
    });
  }
}
