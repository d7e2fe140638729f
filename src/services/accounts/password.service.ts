import type { RequestContext, SessionContext } from '../../context';
import { Membership, PasswordToken, User } from '../../entities';
import type { PasswordTokenPurpose } from '../../entities/password-token.entity';
import { BadUserInputError, ConflictError, RateLimitedError, assertThat } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import { isUniqueViolation } from '../../db/errors';
import { hashPassword, verifyPassword } from '../../security/password';
import { assertPasswordAcceptable } from '../../security/password-policy';
import { hashToken, newOpaqueToken } from '../../security/tokens';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize, authorizeMemberRef } from '../access/policy';
import type { SessionService } from '../auth/session.service';
import type { SignInThrottleService } from '../auth/sign-in-throttle.service';
import { refId, type MemberRef } from '../common/ids';
import { loadCurrentOrg, loadMember } from '../common/tenancy';
import { touchRoleFeeds } from '../roles/role-feed-stamps';
import { emailKeyOf, moveMembershipToAccount, writeMemberKeys } from '../members/member-keys';
import { moveMemberCounters } from '../memberships/member-counters';
import type { NotificationService, TokenMessage } from '../notifications/notification.service';
import type { AuditActionName } from '../audit/audit-vocabulary';

/**
 * How long each kind of one-time token lives: an invitation 7 days (docs/product.md rule 3a); a
 * reset 1 hour (Okta's default for recovery tokens: it replaces a working password, so it should
 * not sit in a mailbox for a day); an email confirmation 24 hours; a pre-invitation activation 24 hours.
 */
const TOKEN_TTL_SECONDS: Record<PasswordTokenPurpose, number> = {
  invitation: 7 * 24 * 60 * 60,
  reset: 60 * 60,
  email_change: 24 * 60 * 60,
  activation: 24 * 60 * 60,
};

/** The outbox message that carries each kind of token to its mailbox. */
const MESSAGE_OF: Record<Exclude<PasswordTokenPurpose, 'activation'>, TokenMessage> = {
  invitation: 'invitation',
  reset: 'password_reset',
  email_change: 'email_change_confirmation',
};

/**
 * What a reply says about a token that went to a mailbox: what it is and when it expires, never
 * the token (an admin holding it could learn, by redeeming it, whether the address already has
 * an account, or take over one that opens other orgs).
 */
export interface QueuedToken {
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
}

/** Unused, unexpired, and for this redemption. */
function redeemable(row: PasswordToken, purposes: readonly PasswordTokenPurpose[]): boolean {
  return !row.usedAt && row.expiresAt.getTime() > Date.now() && purposes.includes(row.purpose);
}

/** One message for unknown, used, voided and expired tokens: the answer reveals nothing about which. */
const INVALID_TOKEN = 'This token is invalid or has expired.';
const WRONG_PASSWORD = 'The password is wrong.';

/**
 * One-time tokens delivered to a person's mailbox, and redeeming them (docs/product.md rule 3a,
 * docs/accounts.md): invitations (join an org: a new person sets a password, an existing one signs
 * in with theirs), password resets, email-change confirmations; and changing one's own password.
 * Tokens are stored only as SHA-256 and travel only sealed in the outbox; hashes are argon2id;
 * every password check takes a slot of the account's throttle first; audit rows hold neither.
 */
export class PasswordService {
  constructor(
    private readonly sessions: SessionService,
    private readonly throttle: SignInThrottleService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * Issues a one-time token for userId inside the caller's transaction and queues it, sealed, for
   * the mailbox `to` (only the newest token of a purpose works: earlier unused ones are voided).
   * The caller audits.
   */
  async sendToken(
    tx: RequestContext,
    userId: number,
    purpose: Exclude<PasswordTokenPurpose, 'activation'>,
    to: string,
    o: { membershipId?: number; newEmail?: string } = {},
  ): Promise<QueuedToken> {
    const now = new Date();
    await this.voidUnusedTokens(tx, userId, now, [purpose]);
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + TOKEN_TTL_SECONDS[purpose] * 1000);
    await tx.manager.insert(PasswordToken, {
      userId,
      tokenHash: hashToken(token),
      purpose,
      expiresAt,
      usedAt: null,
      membershipId: o.membershipId ?? null,
      newEmail: o.newEmail ?? null,
    });
    const orgName = tx.principal ? (await loadCurrentOrg(tx as SessionContext)).name : undefined;
    await this.notifications.sendToken(tx, userId, MESSAGE_OF[purpose], { to, token, expiresAt, orgName });
    return { purpose, expiresAt };
  }

  /** Voided tokens are expired at once (usedAt stays null: they were never redeemed). All purposes unless given. */
  async voidUnusedTokens(tx: RequestContext, userId: number, now = new Date(), purposes?: readonly PasswordTokenPurpose[]): Promise<void> {
    await rawExecute(
      tx.manager,
      `UPDATE password_tokens SET expiresAt = :now WHERE userId = :id AND usedAt IS NULL AND expiresAt > :now${purposes ? ' AND purpose IN (:...purposes)' : ''}`,
      { now, id: userId, purposes },
    );
  }

  /**
   * Admin: queues a one-time reset token (1 h) for a member of the caller's org, to the
   * member's own address; earlier unused reset tokens are voided. The admin never sees the token:
   * the account may open other orgs, and the answer (when it expires) is the same for every
   * member, whatever else the account belongs to. A pending invitation has no password to reset
   * (BAD_USER_INPUT). The current password keeps working until the token is redeemed.
   */
  async issuePasswordReset(ctx: RequestContext, ref: MemberRef): Promise<QueuedToken> {
    const action = 'user.password_reset_issued';
    const s = await authorize(ctx, this.audit, Op.PasswordResetIssue, { action, target: { userId: refId(ref) } });
    await authorizeMemberRef(s, this.audit, ref, action);
    const { user, membership } = await loadMember(s, ref);
    assertThat(
      membership.status === 'active' && user.email !== null,
      () => new BadUserInputError('This member has not accepted the invitation yet: there is no password to reset.', 'userId'),
    );
    return withTransaction(s, async (tx) => {
      const queued = await this.sendToken(tx, user.id, 'reset', user.email!);
      await this.audit.recordChange(tx, { action, targetUserId: user.id, changes: { expiresAt: queued.expiresAt.toISOString() } });
      return queued;
    });
  }

  /**
   * Public: redeems a one-time token from a mailbox, once. An invitation joins its org (see
   * acceptInvitation); a reset (or a pre-invitation activation) sets the password, after the
   * policy check and before the token is spent, and a reset ends the user's sessions in every
   * org. One conditional UPDATE decides whether the token is still good (two concurrent redeems:
   * one wins). Unknown, used, voided and expired tokens get the same BAD_USER_INPUT.
   */
  async activateAccount(ctx: RequestContext, token: string, password: string): Promise<boolean> {
    const action = 'user.activate';
    const row = await this.tokenRow(ctx, token);
    const user = row ? await ctx.manager.findOne(User, { where: { id: row.userId } }) : null;
    if (!row || !user || !redeemable(row, ['invitation', 'reset', 'activation'])) {
      return this.invalidToken(ctx, action, user?.id ?? null);
    }
    if (row.purpose === 'invitation') {
      return this.acceptInvitation(ctx, row, user, password);
    }
    if (user.email === null) {
      return this.invalidToken(ctx, action, user.id);
    }
    assertPasswordAcceptable(password, user.email, 'password');
    const passwordHash = await hashPassword(password, ctx.ip ?? '');

    await withTransaction(ctx, async (tx) => {
      const now = new Date();
      await this.spend(tx, row.id, now);
      await rawExecute(tx.manager, 'UPDATE users SET passwordHash = :h, updatedAt = :now WHERE id = :id AND deletedAt IS NULL', {
        h: passwordHash,
        now,
        id: user.id,
      });
      await this.voidUnusedTokens(tx, user.id, now);
      const revoked = row.purpose === 'reset' ? await this.sessions.revokeForUser(tx, user.id) : 0;
      await this.throttle.reset(tx, this.throttle.accountKey(user.email!));
      await this.auditInEveryOrg(tx, user.id, action, { purpose: row.purpose, sessionsRevoked: revoked });
    });
    return true;
  }

  /**
   * Redeeming an invitation (rule 3a). The invitation belongs to an unclaimed account made for it
   * (createUser never looks the address up). If a live account has the invited address, the
   * redeemer must give THAT account's password (checked with the throttle, as a sign-in is) and
   * the membership moves onto it, with this org's role and group rows; the unclaimed account goes.
   * Otherwise the redeemer sets a password (the policy applies) and the unclaimed account becomes
   * theirs, with the address (a soft-deleted account that held it keeps its id, not its address).
   * Either way the membership becomes active and takes its seat in one conditional UPDATE:
   * SEAT_LIMIT_REACHED leaves the invitation pending, token unspent.
   */
  private async acceptInvitation(ctx: RequestContext, row: PasswordToken, unclaimed: User, password: string): Promise<boolean> {
    const action = 'user.invitation_accept';
    const invited = row.membershipId ? await ctx.manager.findOne(Membership, { where: { id: row.membershipId } }) : null;
    if (!invited || invited.status !== 'invited' || invited.userId !== unclaimed.id || !invited.inviteEmail) {
      return this.invalidToken(ctx, 'user.activate', unclaimed.id);
    }
    const address = invited.inviteEmail;
    const key = emailKeyOf(address);
    const holder = await ctx.manager.findOne(User, { where: { emailKey: key } });
    let passwordHash: string | null = null;
    if (holder?.passwordHash) {
      await this.checkOwnPassword(ctx, holder, password, 'password', { action, orgId: invited.orgId });
    } else {
      assertPasswordAcceptable(password, address, 'password');
      passwordHash = await hashPassword(password, ctx.ip ?? '');
    }

    try {
      await withTransaction(ctx, async (tx) => {
        const now = new Date();
        await this.spend(tx, row.id, now);
        let accountId = unclaimed.id;
        if (holder) {
          accountId = holder.id;
          if (passwordHash) {
            // An account that never set a password (activation pending): the mailbox owner sets it now.
            await rawExecute(tx.manager, 'UPDATE users SET passwordHash = :h, updatedAt = :now WHERE id = :id AND passwordHash IS NULL', {
              h: passwordHash,
              now,
              id: holder.id,
            });
          }
          await this.moveOrgRows(tx, invited.orgId, unclaimed.id, holder.id);
        } else {
          // A soft-deleted account holding the address gives it up (it stays, addressless, for the audit trail).
          await rawExecute(tx.manager, 'UPDATE users SET email = NULL, emailKey = NULL WHERE emailKey = :key AND deletedAt IS NOT NULL', {
            key,
          });
          const claimed = await rawExecute(
            tx.manager,
            'UPDATE users SET email = :email, emailKey = :key, passwordHash = :h, updatedAt = :now WHERE id = :id AND emailKey IS NULL',
            { email: address, key, h: passwordHash, now, id: unclaimed.id },
          );
          assertThat(claimed === 1, () => new BadUserInputError(INVALID_TOKEN, 'token'));
        }
        await moveMembershipToAccount(tx.manager, invited.id, accountId);
        const joined = await rawExecute(
          tx.manager,
          `UPDATE memberships SET status = :active, userId = :accountId, inviteEmail = NULL, updatedAt = :now
            WHERE id = :id AND status = :invited AND userId = :unclaimed`,
          { active: 'active', invited: 'invited', accountId, now, id: invited.id, unclaimed: unclaimed.id },
        );
        assertThat(joined === 1, () => new BadUserInputError(INVALID_TOKEN, 'token'));
        await moveMemberCounters(tx.manager, invited.orgId, invited, { ...invited, status: 'active' });
        if (holder) {
          await rawExecute(tx.manager, 'DELETE FROM users WHERE id = :id AND emailKey IS NULL', { id: unclaimed.id });
        }
        await this.voidUnusedTokens(tx, unclaimed.id, now);
        await this.audit.recordChange(tx, {
          action,
          orgId: invited.orgId,
          actorUserId: accountId,
          targetUserId: accountId,
          changes: { status: { before: 'invited', after: 'active' }, ...(holder ? { invitationUserId: unclaimed.id } : {}) },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        // The address was claimed meanwhile (another invitation redeemed at the same moment), or the
        // account is already a member here: only the mailbox owner, who holds the token, hears it.
        throw new ConflictError('This address joined meanwhile, or is a member of this org already; try again.');
      }
      throw e;
    }
    return true;
  }

  /** Moves this org's rows of the invitation's account onto the person's own account. */
  private async moveOrgRows(tx: RequestContext, orgId: number, from: number, to: number): Promise<void> {
    for (const table of ['role_assignments', 'user_group_members']) {
      await rawExecute(tx.manager, `UPDATE ${table} SET userId = :to WHERE orgId = :orgId AND userId = :from`, { to, orgId, from });
    }
  }

  /**
   * Public: confirms an email change with the token sent to the new address and the account's
   * current password (checked with the throttle, as a sign-in is). The address changes for the
   * account, so in every org (each one's audit trail records it, as the person); a taken address
   * is a CONFLICT now, heard only by whoever holds both the token and the password.
   */
  async confirmEmailChange(ctx: RequestContext, token: string, password: string): Promise<boolean> {
    const action = 'user.email_change';
    const row = await this.tokenRow(ctx, token);
    const user = row ? await ctx.manager.findOne(User, { where: { id: row.userId } }) : null;
    if (!row || !user || !redeemable(row, ['email_change']) || !row.newEmail || !user.email || !user.emailKey) {
      return this.invalidToken(ctx, action, user?.id ?? null);
    }
    await this.checkOwnPassword(ctx, user, password, 'password', { action, orgId: null });
    const newEmail = row.newEmail;
    const newKey = emailKeyOf(newEmail);
    const taken = () => new ConflictError('This address is already used by another account.');
    try {
      await withTransaction(ctx, async (tx) => {
        const now = new Date();
        await this.spend(tx, row.id, now);
        const holder = await tx.manager.findOne(User, { where: { emailKey: newKey }, withDeleted: true });
        if (holder && holder.id !== user.id) {
          assertThat(holder.deletedAt, taken);
          await rawExecute(tx.manager, 'UPDATE users SET email = NULL, emailKey = NULL WHERE id = :id AND deletedAt IS NOT NULL', {
            id: holder.id,
          });
        }
        const changed = await rawExecute(
          tx.manager,
          'UPDATE users SET email = :email, emailKey = :key, updatedAt = :now WHERE id = :id AND emailKey = :oldKey AND deletedAt IS NULL',
          { email: newEmail, key: newKey, now, id: user.id, oldKey: user.emailKey },
        );
        assertThat(changed === 1, () => new BadUserInputError(INVALID_TOKEN, 'token'));
        // Every org shows the account's address: each membership's key follows (and its updatedAt, for the sync feeds).
        await writeMemberKeys(tx.manager, { userId: user.id }, { email: newEmail });
        await touchRoleFeeds(tx.manager, user.id);
        await this.voidUnusedTokens(tx, user.id, now, ['email_change']);
        await this.throttle.reset(tx, this.throttle.accountKey(user.email!));
        await this.notifications.enqueue(tx, user.id, 'email_changed', { to: user.email, newEmail });
        await this.auditInEveryOrg(tx, user.id, action, { email: { before: user.email, after: newEmail } });
      });
    } catch (e) {
      // A unique index decided: the address was taken meanwhile, or an org the person is in has a
      // pending invitation for it.
      if (isUniqueViolation(e)) {
        throw taken();
      }
      throw e;
    }
    return true;
  }

  /**
   * Queues the confirmation of an email change for an account (inside the caller's transaction):
   * a token to the NEW address (24 h) and a notice to the current one. Nothing else happens now,
   * so the caller's answer cannot depend on whether the address is taken.
   */
  async requestEmailChange(tx: RequestContext, user: User, newEmail: string): Promise<QueuedToken> {
    const queued = await this.sendToken(tx, user.id, 'email_change', newEmail, { newEmail });
    await this.notifications.enqueue(tx, user.id, 'email_change_requested', { to: user.email, newEmail });
    return queued;
  }

  /**
   * Changes one's own password (own full session, never under impersonation). The current
   * password is verified with the sign-in throttle: each check takes an attempt slot and a locked
   * account gets RATE_LIMITED. Ends the user's other sessions in every org (the current one
   * stays) and voids pending tokens.
   */
  async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<boolean> {
    const action = 'user.change_password';
    const s: SessionContext = await authorize(ctx, this.audit, Op.PasswordChange, { action });
    const userId = s.principal.userId;
    const user = await s.manager.findOne(User, { where: { id: userId } });
    assertThat(user && user.email, () => new BadUserInputError('No such user.'));
    await this.checkOwnPassword(s, user, currentPassword, 'currentPassword', { action });
    assertPasswordAcceptable(newPassword, user.email, 'newPassword');
    assertThat(
      newPassword !== currentPassword,
      () => new BadUserInputError('The new password must differ from the current one.', 'newPassword'),
    );
    const passwordHash = await hashPassword(newPassword, s.ip ?? '');

    await withTransaction(s, async (tx) => {
      // Conditional on the hash we verified against: a concurrent change (or reset) wins, this one is a CONFLICT.
      const changed = await rawExecute(
        tx.manager,
        'UPDATE users SET passwordHash = :h, updatedAt = :now WHERE id = :id AND passwordHash = :old',
        {
          h: passwordHash,
          now: new Date(),
          id: userId,
          old: user.passwordHash,
        },
      );
      assertThat(changed === 1, () => new ConflictError('The password was changed meanwhile; sign in again.'));
      const revoked = await this.sessions.revokeForUser(tx, userId, s.principal.sessionId);
      await this.voidUnusedTokens(tx, userId);
      await this.audit.recordChange(tx, { action, targetUserId: userId, changes: { otherSessionsRevoked: revoked } });
    });
    return true;
  }

  /* --------------------------------------------------------------------------------------- */

  /**
   * A password that must be the account's own: one attempt slot of the account's throttle first
   * (RATE_LIMITED when none is left, without checking), then argon2. Wrong: BAD_USER_INPUT on
   * `field` (the slot counted it), audited; right: the throttle is cleared.
   */
  private async checkOwnPassword(
    ctx: RequestContext,
    user: User,
    password: string,
    field: string,
    audit: { action: AuditActionName; orgId?: number | null },
  ): Promise<void> {
    const key = this.throttle.accountKey(user.email ?? '');
    const denied = {
      action: audit.action,
      targetUserId: user.id,
      ...(audit.orgId !== undefined ? { orgId: audit.orgId, actorUserId: null } : {}),
    };
    const lockedFor = await this.throttle.reserve(ctx, key);
    if (lockedFor > 0) {
      await this.audit.recordDenied(ctx, denied, 'RATE_LIMITED');
      throw new RateLimitedError('Too many wrong passwords for this account; try again later.', lockedFor);
    }
    const ok = await this.throttle.checking(ctx, key, () =>
      verifyPassword(user.passwordHash, typeof password === 'string' ? password : '', ctx.ip ?? ''),
    );
    if (!ok) {
      await this.audit.recordDenied(ctx, denied, 'WRONG_PASSWORD');
      throw new BadUserInputError(field === 'currentPassword' ? 'The current password is wrong.' : WRONG_PASSWORD, field);
    }
    await this.throttle.reset(ctx, key);
  }

  /** The token's row, whatever its state (the refusal is audited against its user). */
  private async tokenRow(ctx: RequestContext, token: string): Promise<PasswordToken | null> {
    return typeof token === 'string' && token.length <= 128
      ? ctx.manager.findOne(PasswordToken, { where: { tokenHash: hashToken(token) } })
      : null;
  }

  /** The one conditional UPDATE that spends a token (two concurrent redeems: one wins). */
  private async spend(tx: RequestContext, tokenId: number, now: Date): Promise<void> {
    const redeemed = await rawExecute(
      tx.manager,
      'UPDATE password_tokens SET usedAt = :now WHERE id = :id AND usedAt IS NULL AND expiresAt > :now',
      {
        now,
        id: tokenId,
      },
    );
    assertThat(redeemed === 1, () => new BadUserInputError(INVALID_TOKEN, 'token'));
  }

  private async invalidToken(ctx: RequestContext, action: AuditActionName, targetUserId: number | null): Promise<never> {
    await this.audit.recordDenied(ctx, { action, orgId: null, actorUserId: null, targetUserId }, 'INVALID_TOKEN');
    throw new BadUserInputError(INVALID_TOKEN, 'token');
  }

  /** No session here: the event is recorded in every org the account belongs to, as the person. */
  private async auditInEveryOrg(tx: RequestContext, userId: number, action: AuditActionName, changes: Record<string, unknown>): Promise<void> {
    const orgIds = (await tx.manager.find(Membership, { where: { userId }, select: { orgId: true } })).map((m) => m.orgId);
    for (const orgId of orgIds) {
      await this.audit.recordChange(tx, { action, orgId, actorUserId: userId, targetUserId: userId, changes });
    }
  }
}
